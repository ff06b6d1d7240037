# METADATA
# title: Blocked players are not online in chat
# description: >-
#   Reads the chat members (the records) against the memberblock cohort named
#   in the check's with as blocks (input.cohorts.blocks). blocks is required:
#   gpaudit rejects a check without it, and should the policy run without it
#   all the same (input.cohorts.blocks undefined or not an array), the check
#   fails with one finding, "with cohort blocks is missing", whose subject and
#   record_id are empty, and nothing else is checked. A block's member_id is
#   the chat member's id. A block is active now when its status is 1 (the
#   number), deleted is false, startedAt is at or before now and endedAt is
#   null, missing or later than now; timestamps are compared as instants, so
#   their offsets may differ (+09:00 and Z). Any other status or deleted value
#   makes a block inactive. A member violates when online is true while a
#   block of theirs is active now, or when logined_at is later than the
#   startedAt of a block of theirs active now: one finding per member, subject
#   and record_id the member id, blocks the ids of the active blocks broken,
#   sorted. A logined_at that is null, missing or not a valid RFC 3339
#   timestamp (between the years 1678 and 2261) is no login: only the online
#   test applies. gpaudit never passes what it could not evaluate, so a member
#   is also a finding, listing the blocks under uncertain_blocks, when online
#   is missing or not a boolean while a block of theirs is active and the
#   login test does not already fail; or when a block of theirs with status 1
#   and deleted false has a startedAt that is missing, null or not a valid
#   timestamp, or an endedAt that is not null and not one, and its other
#   timestamp does not rule now out (a readable endedAt at or before now, or a
#   readable startedAt later than now), while the member is not plainly
#   offline (online not false) or logged in later than that block's startedAt
#   or with its startedAt unreadable. Chat member records whose id is missing,
#   empty or not a string give one finding with their count. Blocks whose
#   member_id is missing, empty or not a string belong to no member and are
#   not read.
# custom:
#   datasets:
#     - chat_members
#   params: {}
#   with:
#     blocks: memberblock
package ncloud_chat.members.blocked_still_online

import data.gpaudit.lib.blocks as lib_blocks
import data.gpaudit.lib.records as lib_records

deny contains finding if {
	not blocks_given
	finding := {
		"msg": concat(" ", [
			"with cohort blocks is missing: name a memberblock cohort holding these members' blocks,",
			"as with = { blocks = cohort.NAME }",
		]),
		"subject": "",
		"record_id": "",
		"problem": "with cohort missing",
	}
}

# One pass over the members: the lookup fails at once for the many members
# without a block that is or may be active.
deny contains finding if {
	blocks_given
	some member in input.records
	blocks := blocks_by_player[member.id]
	online := object.get(member, "online", null)
	logined_at := object.get(member, "logined_at", null)
	login := lib_blocks.nanos(logined_at)
	active := {id | some [id, "active", _] in blocks}
	online_ids := {id | some id in active; online == true}
	login_ids := {id | some [id, "active", started] in blocks; is_number(login); started < login}
	unreadable := {id | some [id, "unreadable", started] in blocks; may_break(online, started, login)}
	unknown_online := {id | some id in active; not is_boolean(online)}
	breached := online_ids | login_ids
	uncertain := (unreadable | unknown_online) - breached
	count(breached) + count(uncertain) > 0
	finding := {
		"msg": message(count(online_ids), count(login_ids), logined_at, online, count(unreadable - breached)),
		"subject": member.id,
		"record_id": member.id,
		"blocks": sort(breached),
		"uncertain_blocks": sort(uncertain),
		"online": boolean_or_null(online),
		"logined_at": string_or_null(logined_at),
	}
}

# Counting the members with an id, inline, is cheaper than testing each
# one for the lack of it in a function.
deny contains finding if {
	blocks_given
	n := count(input.records) - count([1 | some member in input.records; is_string(member.id); member.id != ""])
	n > 0
	finding := {
		"msg": sprintf("%d chat member record(s) have no id, so their blocks cannot be looked up", [n]),
		"subject": "",
		"record_id": "",
		"problem": "no id",
		"count": n,
	}
}

# blocks_given is a rule of its own: OPA evaluates the reference in
# "not is_array(input.cohorts.blocks)" outside the negation, so with blocks
# missing that expression is undefined, not true.
blocks_given if is_array(input.cohorts.blocks)

# windows holds [member_id, id, window, startedAt in nanoseconds] of every
# block that is or may be active now. The cheap equality tests come first,
# window parses the end before the start, which most ended blocks never
# need, and no function takes a whole block, which OPA would hash for its
# function cache. The start is read again only for blocks that may be
# active, from that cache.
windows contains [player, lib_records.text(object.get(block, "id", null)), state, started] if {
	some block in input.cohorts.blocks
	block.status == 1
	block.deleted == false
	player := block.member_id
	is_string(player)
	player != ""
	started_at := object.get(block, "startedAt", null)
	state := lib_blocks.window(started_at, object.get(block, "endedAt", null))
	started := lib_blocks.nanos(started_at)
}

# blocks_by_player groups the windows by player once, as a whole object, so
# the lookup per member is a key lookup: OPA indexes the inner comprehension
# on player.
blocks_by_player := {player: entries |
	some player in players
	entries := {[id, state, started] | some [p, id, state, started] in windows; p == player}
}

players := {player | some [player, _, _, _] in windows}

# may_break holds when a block whose window cannot be read might be broken:
# the member is not plainly offline, or logged in after its start or with
# its start unreadable.
may_break(online, _, _) if online != false

may_break(_, started, login) if {
	is_number(login)
	not is_number(started)
}

may_break(_, started, login) if {
	is_number(login)
	is_number(started)
	started < login
}

# message gets the counts of blocks broken by being online and by logging
# in, and, when there are none, says why the blocks left could not be
# checked.
message(online_n, 0, _, _, _) := sprintf("chat member is online during %d active block(s)", [online_n]) if online_n > 0

message(0, login_n, logined_at, _, _) := sprintf(
	"chat member logged in at %s, after the start of %d active block(s)",
	[logined_at, login_n],
) if {
	login_n > 0
}

message(online_n, login_n, logined_at, _, _) := sprintf(
	"chat member is online during %d active block(s) and logged in at %s, after the start of %d of them",
	[online_n, logined_at, login_n],
) if {
	online_n > 0
	login_n > 0
}

message(0, 0, _, online, unreadable_n) := sprintf(
	"whether chat member is online or logged in during a block cannot be checked: %s",
	[concat("; ", reasons)],
) if {
	reasons := array.concat(online_unknown(online), unreadable_windows(unreadable_n))
}

online_unknown(online) := [] if {
	is_boolean(online)
} else := [sprintf("online is %s, not a boolean", [kind(online)])]

unreadable_windows(0) := []

unreadable_windows(n) := [sprintf("%d block(s) have an unreadable startedAt or endedAt", [n])] if n > 0

kind(null) := "null or missing"

kind(value) := type_name(value) if value != null

boolean_or_null(value) := value if {
	is_boolean(value)
} else := null

string_or_null(value) := value if {
	is_string(value)
} else := null
