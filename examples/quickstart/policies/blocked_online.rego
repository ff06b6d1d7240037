# METADATA
# title: Blocked players are not online in chat
# description: >-
#   A chat member (input.records) who is online while an active block in
#   input.cohorts.blocks (status 1, not deleted, started, not yet ended)
#   covers the same player. Blocks come from GAMEPOT memberblock records,
#   whose member_id is the chat member's id.
# custom:
#   datasets: [chat_members]
package quickstart.chat.blocked_online

active_block(b) if {
	b.status == 1
	b.deleted == false
	time.parse_rfc3339_ns(b.startedAt) <= input.now_ns
	not ended(b)
}

ended(b) if {
	is_string(b.endedAt)
	time.parse_rfc3339_ns(b.endedAt) <= input.now_ns
}

# Active blocks by player, built once as a whole object: OPA indexes the
# inner comprehension by player, where looking up a partial rule by key
# would evaluate it again for every chat member.
blocked := {member: ids |
	some b in input.cohorts.blocks
	member := b.member_id
	ids := {x.id | some x in input.cohorts.blocks; x.member_id == member; active_block(x)}
	count(ids) > 0
}

deny contains finding if {
	some m in input.records
	m.online == true
	ids := blocked[m.id]
	finding := {
		"msg": sprintf("player is online in chat during %d active block(s)", [count(ids)]),
		"subject": m.id,
		"record_id": m.id,
		"blocks": sort(ids),
	}
}
