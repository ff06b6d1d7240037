package ncloud_chat.members.blocked_still_online_test

import data.ncloud_chat.members.blocked_still_online

now := "2026-01-01T00:00:00Z"

# member is an offline chat member who last logged in before the block
# below started, with the given fields replaced.
member(fields) := object.union(
	{
		"id": "P1",
		"member_id": "P1",
		"name": "frost_knight53",
		"remoteip": "203.0.113.16",
		"deleted": false,
		"online": false,
		"logined_at": "2025-11-20T10:00:00+09:00",
		"notifications": {"token": "0e01981629256ea0", "device": "FCM"},
	},
	fields,
)

# block is a manual block of P1, active now, started 2025-11-30T15:00:00Z,
# with the given fields replaced.
block(fields) := object.union(
	{
		"id": "B1",
		"member_id": "P1",
		"type": "manual",
		"status": 1,
		"deleted": false,
		"startedAt": "2025-12-01T00:00:00+09:00",
		"endedAt": "2026-02-01T00:00:00+09:00",
	},
	fields,
)

deny(members, blocks) := result if {
	result := blocked_still_online.deny with input as {
		"records": members,
		"params": {},
		"cohorts": {"blocks": blocks},
		"now": now,
		"now_ns": time.parse_rfc3339_ns(now),
	}
}

# one is the only finding of members against blocks.
one(members, blocks) := finding if {
	findings := deny(members, blocks)
	count(findings) == 1
	some finding in findings
}

online := {"online": true}

late := {"logined_at": "2025-12-20T00:00:00Z"}

test_with_cohort_missing_is_denied if {
	missing := {
		"msg": concat(" ", [
			"with cohort blocks is missing: name a memberblock cohort holding these members' blocks,",
			"as with = { blocks = cohort.NAME }",
		]),
		"subject": "",
		"record_id": "",
		"problem": "with cohort missing",
	}
	every cohorts in [{}, {"v1": [block({})]}, {"blocks": null}, {"blocks": {"P1": block({})}}] {
		findings := blocked_still_online.deny with input as {
			"records": [member(online), member({"id": null})],
			"params": {},
			"cohorts": cohorts,
			"now": now,
			"now_ns": time.parse_rfc3339_ns(now),
		}
		findings == {missing}
	}
}

test_online_during_an_active_block_is_denied if {
	deny([member(online)], [block({})]) == {{
		"msg": "chat member is online during 1 active block(s)",
		"subject": "P1",
		"record_id": "P1",
		"blocks": ["B1"],
		"uncertain_blocks": [],
		"online": true,
		"logined_at": "2025-11-20T10:00:00+09:00",
	}}
}

test_login_after_the_start_of_an_active_block_is_denied if {
	deny([member(late)], [block({})]) == {{
		"msg": "chat member logged in at 2025-12-20T00:00:00Z, after the start of 1 active block(s)",
		"subject": "P1",
		"record_id": "P1",
		"blocks": ["B1"],
		"uncertain_blocks": [],
		"online": false,
		"logined_at": "2025-12-20T00:00:00Z",
	}}
}

test_online_and_logged_in_after_the_start_is_one_finding if {
	blocks := [block({"id": "B1"}), block({"id": "B2", "startedAt": "2025-12-25T00:00:00Z", "endedAt": null})]
	finding := one([member(object.union(online, late))], blocks)
	finding.msg == concat(" ", [
		"chat member is online during 2 active block(s) and logged in at 2025-12-20T00:00:00Z,",
		"after the start of 1 of them",
	])
	finding.blocks == ["B1", "B2"]
}

test_login_names_only_the_blocks_it_broke if {
	blocks := [block({"id": "B2"}), block({"id": "B1", "startedAt": "2025-12-25T00:00:00Z"})]
	finding := one([member(late)], blocks)
	finding.blocks == ["B2"]
	finding.msg == "chat member logged in at 2025-12-20T00:00:00Z, after the start of 1 active block(s)"
}

test_offline_member_who_logged_in_before_the_block_is_allowed if {
	count(deny([member({})], [block({})])) == 0
}

test_login_at_the_block_start_is_allowed if {
	count(deny([member({"logined_at": "2025-12-01T00:00:00+09:00"})], [block({})])) == 0
	count(deny([member({"logined_at": "2025-11-30T15:00:00Z"})], [block({})])) == 0
	one([member({"logined_at": "2025-11-30T15:00:00.000000001Z"})], [block({})]).blocks == ["B1"]
}

# As strings the login sorts after the start; as instants it is earlier.
test_offsets_are_compared_as_instants if {
	count(deny([member({"logined_at": "2025-11-30T23:00:00+09:00"})], [block({"startedAt": "2025-11-30T15:00:00Z"})])) == 0
	earlier := member({"logined_at": "2025-11-30T10:00:01-05:00"})
	one([earlier], [block({"startedAt": "2025-12-01T00:00:00+09:00"})]).blocks == ["B1"]
}

test_unreadable_login_leaves_only_the_online_test if {
	every logined_at in [null, "", "yesterday", 1766188800, "2025-12-32T00:00:00Z", "Sat Dec 20 2025 00:00:00 GMT+0900"] {
		count(deny([member({"logined_at": logined_at})], [block({})])) == 0
		finding := one([member({"logined_at": logined_at, "online": true})], [block({})])
		finding.msg == "chat member is online during 1 active block(s)"
	}
	count(deny([object.remove(member({}), ["logined_at"])], [block({})])) == 0
	one([object.remove(member(online), ["logined_at"])], [block({})]).logined_at == null
}

test_inactive_blocks_are_allowed if {
	every fields in [
		{"endedAt": "2025-12-31T00:00:00Z"},
		{"endedAt": now},
		{"endedAt": "2026-01-01T09:00:00+09:00"},
		{"startedAt": "2026-01-01T00:00:00.000000001Z"},
		{"startedAt": "2026-01-01T09:00:01+09:00", "endedAt": null},
		{"status": 2},
		{"status": "1"},
		{"deleted": true},
		{"deleted": null},
	] {
		count(deny([member(object.union(online, late))], [block(fields)])) == 0
	}
	count(deny([member(object.union(online, late))], [object.remove(block({}), ["status"])])) == 0
	count(deny([member(object.union(online, late))], [object.remove(block({}), ["deleted"])])) == 0
}

test_time_edges_of_an_active_block if {
	one([member(online)], [block({"startedAt": now})]).blocks == ["B1"]
	one([member(online)], [block({"endedAt": "2026-01-01T00:00:00.000000001Z"})]).blocks == ["B1"]
	one([member(online)], [block({"endedAt": null})]).blocks == ["B1"]
	one([member(online)], [object.remove(block({}), ["endedAt"])]).blocks == ["B1"]
}

test_other_players_blocks_are_ignored if {
	count(deny([member(object.union(online, late))], [block({"member_id": "P2"})])) == 0
	count(deny(
		[member(object.union(online, late))],
		[block({"member_id": null}), object.remove(block({}), ["member_id"])],
	)) == 0
	count(deny([member(object.union(online, late))], [block({"member_id": 1})])) == 0
	count(deny([member(object.union(online, late))], [block({"member_id": ""})])) == 0
}

test_online_that_is_not_a_boolean_is_uncertain if {
	every value in [null, "true", 1, {}] {
		deny([member({"online": value})], [block({})]) == {{
			"msg": sprintf(
				"whether chat member is online or logged in during a block cannot be checked: online is %s, not a boolean",
				[kind(value)],
			),
			"subject": "P1",
			"record_id": "P1",
			"blocks": [],
			"uncertain_blocks": ["B1"],
			"online": null,
			"logined_at": "2025-11-20T10:00:00+09:00",
		}}
	}
	one([object.remove(member({}), ["online"])], [block({})]).uncertain_blocks == ["B1"]
}

kind(null) := "null or missing"

kind(value) := type_name(value) if value != null

test_online_that_is_not_a_boolean_does_not_hide_a_late_login if {
	finding := one([member(object.union(late, {"online": null}))], [block({})])
	finding.blocks == ["B1"]
	finding.uncertain_blocks == []
	finding.msg == "chat member logged in at 2025-12-20T00:00:00Z, after the start of 1 active block(s)"
}

test_unreadable_block_of_an_online_member_is_uncertain if {
	bad := [
		block({"startedAt": null}),
		object.remove(block({}), ["startedAt"]),
		block({"startedAt": "2025-02-29T00:00:00Z"}),
		block({"endedAt": "someday"}),
		block({"endedAt": ""}),
		block({"endedAt": 1800000000}),
	]
	every record in bad {
		deny([member(online)], [record]) == {{
			"msg": concat(" ", [
				"whether chat member is online or logged in during a block cannot be checked:",
				"1 block(s) have an unreadable startedAt or endedAt",
			]),
			"subject": "P1",
			"record_id": "P1",
			"blocks": [],
			"uncertain_blocks": ["B1"],
			"online": true,
			"logined_at": "2025-11-20T10:00:00+09:00",
		}}
		one([member({"online": null})], [record]).msg == concat(" ", [
			"whether chat member is online or logged in during a block cannot be checked:",
			"online is null or missing, not a boolean; 1 block(s) have an unreadable startedAt or endedAt",
		])
	}
}

test_unreadable_block_of_an_offline_member_needs_a_login_after_it_may_have_started if {
	# No login: nothing could break the block.
	count(deny([member({"logined_at": null})], [block({"startedAt": null})])) == 0
	count(deny([member({"logined_at": null})], [block({"endedAt": "someday"})])) == 0

	# The start is unreadable: any login might follow it.
	one([member({})], [block({"startedAt": null})]).uncertain_blocks == ["B1"]

	# The start is readable: only a later login might break the block.
	count(deny([member({})], [block({"endedAt": "someday"})])) == 0
	count(deny([member({"logined_at": "2025-11-30T15:00:00Z"})], [block({"endedAt": "someday"})])) == 0
	one([member(late)], [block({"endedAt": "someday"})]).uncertain_blocks == ["B1"]
}

test_unreadable_block_ruled_out_by_its_other_end_is_ignored if {
	count(deny([member(object.union(online, late))], [block({"startedAt": null, "endedAt": "2025-12-31T00:00:00Z"})])) == 0
	count(deny(
		[member(object.union(online, late))],
		[block({"startedAt": "2026-02-01T00:00:00Z", "endedAt": "someday"})],
	)) == 0
}

test_broken_and_uncertain_blocks_share_one_finding if {
	blocks := [block({"id": "B1"}), block({"id": "B2", "endedAt": "someday"})]
	finding := one([member(online)], blocks)
	finding.blocks == ["B1"]
	finding.uncertain_blocks == ["B2"]
	finding.msg == "chat member is online during 1 active block(s)"
}

test_members_without_an_id_are_counted if {
	members := [
		member({"id": null, "online": true}),
		object.remove(member({}), ["id"]),
		member({"id": "", "online": true}),
		member({"id": 7}),
		member({"id": "P2"}),
	]
	deny(members, [block({"member_id": ""}), block({"member_id": 7})]) == {{
		"msg": "4 chat member record(s) have no id, so their blocks cannot be looked up",
		"subject": "",
		"record_id": "",
		"problem": "no id",
		"count": 4,
	}}
}

test_missing_block_ids_give_empty_strings if {
	one([member(online)], [object.remove(block({}), ["id"])]).blocks == [""]
	one([member(online)], [block({"id": 5})]).blocks == [""]
}

test_findings_never_hold_personal_data if {
	members := [member(object.union(online, late)), member({"id": "P2", "online": null, "member_id": "P2"})]
	blocks := [block({}), block({"member_id": "P2", "id": "B2"})]
	count(deny(members, blocks)) == 2
	every finding in deny(members, blocks) {
		every value in finding {
			not contains(sprintf("%v", [value]), "203.0.113")
			not contains(sprintf("%v", [value]), "frost_knight")
			not contains(sprintf("%v", [value]), "0e0198")
		}
	}
}

test_every_violation_is_a_finding if {
	members := [
		member({"id": "P1", "online": true}),
		member({"id": "P2", "logined_at": "2025-12-20T00:00:00Z"}),
		member({"id": "P3"}),
		member({"id": "P4", "online": true}),
		member({"id": "P5", "online": true}),
	]
	blocks := [
		block({"id": "B1", "member_id": "P1"}),
		block({"id": "B2", "member_id": "P2"}),
		block({"id": "B3", "member_id": "P3"}),
		block({"id": "B4", "member_id": "P4", "status": 2}),
		block({"id": "B5", "member_id": "P5", "startedAt": "bad"}),
		block({"id": "B6", "member_id": "P6"}),
	]
	{[f.subject, f.blocks, f.uncertain_blocks] | some f in deny(members, blocks)} == {
		["P1", ["B1"], []],
		["P2", ["B2"], []],
		["P5", [], ["B5"]],
	}
}
