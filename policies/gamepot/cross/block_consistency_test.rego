package gamepot.cross.block_consistency_test

import data.gamepot.cross.block_consistency

now := "2026-01-01T00:00:00Z"

# block is a manual block of P1, active now, with the given fields replaced.
block(fields) := object.union(
	{
		"id": "B1",
		"member_id": "P1",
		"type": "manual",
		"status": 1,
		"deleted": false,
		"message": null,
		"startedAt": "2025-12-01T00:00:00+09:00",
		"endedAt": "2026-02-01T00:00:00+09:00",
		"deletedAt": null,
	},
	fields,
)

ended := {"endedAt": "2025-12-15T00:00:00Z"}

deny(memberblock, v1) := result if {
	result := block_consistency.deny with input as {
		"records": memberblock,
		"params": {},
		"cohorts": {"v1": v1},
		"now": now,
		"now_ns": time.parse_rfc3339_ns(now),
	}
}

# problems gives [subject, record_id, problem] of every finding.
problems(memberblock, v1) := {[f.subject, f.record_id, f.problem] | some f in deny(memberblock, v1)}

test_with_cohort_missing_is_denied if {
	missing := {
		"msg": concat(" ", [
			"with cohort v1 is missing: name a user_block cohort that looked up this cohort's players,",
			"as with = { v1 = cohort.NAME }",
		]),
		"subject": "",
		"record_id": "",
		"problem": "with cohort missing",
	}
	every cohorts in [{}, {"other": [block({})]}, {"v1": null}, {"v1": {"P1": block({})}}] {
		findings := block_consistency.deny with input as {
			"records": [block({}), block({"id": "B2", "member_id": ""})],
			"params": {},
			"cohorts": cohorts,
			"now": now,
			"now_ns": time.parse_rfc3339_ns(now),
		}
		findings == {missing}
	}
	no_cohorts := block_consistency.deny with input as {"records": [], "now": now, "now_ns": time.parse_rfc3339_ns(now)}
	no_cohorts == {missing}
}

test_blocked_on_both_sides_is_allowed if {
	count(deny([block({})], [block({})])) == 0
	count(deny([block({})], [block({"id": "V1", "endedAt": null})])) == 0
}

test_blocked_on_neither_side_is_allowed if {
	count(deny([], [])) == 0
	count(deny([block(ended)], [])) == 0
	count(deny([block(ended)], [block({"status": 2})])) == 0
}

test_blocked_only_per_memberblock_is_denied if {
	want := {{
		"msg": "player is blocked now per memberblock (1 active block(s)) but not per user_block",
		"subject": "P1",
		"record_id": "B1",
		"problem": "blocked only per memberblock",
		"memberblock_active": ["B1"],
		"memberblock_unreadable": [],
		"user_block_active": [],
		"user_block_unreadable": [],
	}}
	deny([block({})], []) == want
	deny([block({})], [block(ended)]) == want
	deny([block({})], [block({"member_id": "P2", "id": "B9"})]) == want | {{
		"msg": "player is blocked now per user_block (1 active block(s)) but not per memberblock",
		"subject": "P2",
		"record_id": "B9",
		"problem": "blocked only per user_block",
		"memberblock_active": [],
		"memberblock_unreadable": [],
		"user_block_active": ["B9"],
		"user_block_unreadable": [],
	}}
}

test_blocked_only_per_user_block_is_denied if {
	want := {{
		"msg": "player is blocked now per user_block (1 active block(s)) but not per memberblock",
		"subject": "P1",
		"record_id": "B1",
		"problem": "blocked only per user_block",
		"memberblock_active": [],
		"memberblock_unreadable": [],
		"user_block_active": ["B1"],
		"user_block_unreadable": [],
	}}
	deny([], [block({})]) == want
	deny([block(ended), block({"id": "B2", "status": 2})], [block({})]) == want
}

test_several_active_blocks_name_the_first_id if {
	records := [block({"id": "B3"}), block({"id": "B2", "endedAt": null}), block({"id": "B4", "status": 2})]
	some finding in deny(records, [])
	finding.record_id == "B2"
	finding.memberblock_active == ["B2", "B3"]
	finding.msg == "player is blocked now per memberblock (2 active block(s)) but not per user_block"
}

test_one_active_block_is_enough_on_each_side if {
	count(deny([block({"id": "B1"}), block({"id": "B2", "endedAt": "2025-12-02T00:00:00Z"})], [block({"id": "B2"})])) == 0
}

test_missing_end_is_open if {
	problems([object.remove(block({}), ["endedAt"])], []) == {["P1", "B1", "blocked only per memberblock"]}
	count(deny([object.remove(block({}), ["endedAt"])], [block({"endedAt": null})])) == 0
}

test_start_at_now_is_active if {
	problems([block({"startedAt": now})], []) == {["P1", "B1", "blocked only per memberblock"]}
	count(deny([block({"startedAt": "2026-01-01T00:00:00.000000001Z"})], [])) == 0
	count(deny([], [block({"startedAt": "2026-01-01T09:00:00.000000001+09:00"})])) == 0
}

test_end_at_now_is_inactive if {
	count(deny([block({"endedAt": now})], [])) == 0
	count(deny([], [block({"endedAt": "2026-01-01T09:00:00+09:00"})])) == 0
	problems([block({"endedAt": "2026-01-01T00:00:00.000000001Z"})], []) == {["P1", "B1", "blocked only per memberblock"]}
}

# As strings these ends sort before now; as instants they are later.
test_offsets_are_compared_as_instants if {
	problems([block({"endedAt": "2025-12-31T20:00:00-09:00"})], []) == {["P1", "B1", "blocked only per memberblock"]}
	count(deny([block({"endedAt": "2026-01-01T08:59:59+09:00"})], [])) == 0
	problems([], [block({"startedAt": "2026-01-01T08:00:00+09:00"})]) == {["P1", "B1", "blocked only per user_block"]}
}

test_switched_off_blocks_are_inactive if {
	every fields in [
		{"status": 2}, {"status": "1"}, {"status": null},
		{"deleted": true}, {"deleted": null}, {"deleted": "false"},
	] {
		count(deny([block(fields)], [])) == 0
		problems([block(fields)], [block({})]) == {["P1", "B1", "blocked only per user_block"]}
	}
	count(deny([object.remove(block({}), ["status"])], [])) == 0
	count(deny([], [object.remove(block({}), ["deleted"])])) == 0
}

test_unreadable_block_cannot_be_compared if {
	bad := [
		object.remove(block({}), ["startedAt"]),
		block({"startedAt": null}),
		block({"startedAt": ""}),
		block({"startedAt": 1767225600}),
		block({"startedAt": "Mon Dec 01 2025 00:00:00 GMT+0900 (GMT+09:00)"}),
		block({"startedAt": "2025-02-29T00:00:00Z"}),
		block({"endedAt": "someday"}),
		block({"endedAt": ""}),
		block({"endedAt": 1800000000}),
		block({"startedAt": null, "endedAt": null}),
	]
	every record in bad {
		deny([record], []) == {{
			"msg": "whether the player is blocked now cannot be compared: 1 block(s) have an unreadable startedAt or endedAt",
			"subject": "P1",
			"record_id": "B1",
			"problem": "unreadable window",
			"memberblock_active": [],
			"memberblock_unreadable": ["B1"],
			"user_block_active": [],
			"user_block_unreadable": [],
		}}
		problems([], [record]) == {["P1", "B1", "unreadable window"]}
		problems([block({"id": "B2"})], [record]) == {["P1", "B1", "unreadable window"]}
		problems([record], [block({"id": "B2"})]) == {["P1", "B1", "unreadable window"]}
		problems([record], [record]) == {["P1", "B1", "unreadable window"]}
	}
}

test_unreadable_block_ruled_out_by_its_other_end_is_inactive if {
	count(deny([block({"startedAt": null, "endedAt": "2025-12-31T00:00:00Z"})], [])) == 0
	count(deny([block({"startedAt": "soon", "endedAt": now})], [])) == 0
	count(deny([block({"startedAt": "2026-02-01T00:00:00Z", "endedAt": "someday"})], [])) == 0
}

test_unreadable_block_beside_agreeing_active_blocks_is_allowed if {
	count(deny([block({}), block({"id": "B2", "startedAt": null})], [block({})])) == 0
	count(deny([block({})], [block({}), block({"id": "B2", "endedAt": "someday"})])) == 0
}

test_unreadable_block_on_the_blocked_side_is_a_plain_disagreement if {
	records := [block({"id": "B1"}), block({"id": "B2", "startedAt": null})]
	some finding in deny(records, [])
	finding.problem == "blocked only per memberblock"
	finding.record_id == "B1"
	finding.memberblock_active == ["B1"]
	finding.memberblock_unreadable == ["B2"]
	problems([block(ended)], records) == {["P1", "B1", "blocked only per user_block"]}
}

test_unreadable_blocks_of_both_sides_are_listed if {
	some finding in deny([block({"id": "B3", "startedAt": null})], [block({"id": "B2", "endedAt": "x"})])
	finding.record_id == "B2"
	finding.memberblock_unreadable == ["B3"]
	finding.user_block_unreadable == ["B2"]
	finding.msg == concat(" ", [
		"whether the player is blocked now cannot be compared:",
		"2 block(s) have an unreadable startedAt or endedAt",
	])
}

test_block_without_member_id_is_denied if {
	deny([object.remove(block({}), ["member_id"])], []) == {{
		"msg": "memberblock block that is active now has no member_id, so it cannot be compared",
		"subject": "",
		"record_id": "B1",
		"key": "memberblock active",
		"problem": "no member_id",
		"dataset": "memberblock",
		"window": "active",
	}}
	deny([], [block({"member_id": "", "startedAt": null})]) == {{
		"msg": "user_block block that is possibly active (unreadable window) has no member_id, so it cannot be compared",
		"subject": "",
		"record_id": "B1",
		"key": "user_block unreadable",
		"problem": "no member_id",
		"dataset": "user_block",
		"window": "unreadable",
	}}
	problems([block({"member_id": 42})], [block({"member_id": null, "id": "B2"})]) == {
		["", "B1", "no member_id"],
		["", "B2", "no member_id"],
	}
}

test_one_block_id_without_member_id_in_both_sides_gives_two_keys if {
	findings := deny([object.remove(block({}), ["member_id"])], [object.remove(block({"startedAt": null}), ["member_id"])])
	{[f.record_id, f.key] | some f in findings} == {["B1", "memberblock active"], ["B1", "user_block unreadable"]}
}

test_inactive_block_without_member_id_is_allowed if {
	count(deny([object.remove(block(ended), ["member_id"])], [block({"member_id": "", "status": 2})])) == 0
}

test_missing_ids_give_empty_strings if {
	problems([object.remove(block({}), ["id"])], []) == {["P1", "", "blocked only per memberblock"]}
	problems([], [block({"id": 7})]) == {["P1", "", "blocked only per user_block"]}
}

test_every_player_is_compared_once if {
	memberblock := [
		block({"id": "B1", "member_id": "P1"}),
		block({"id": "B2", "member_id": "P1"}),
		block({"id": "B3", "member_id": "P2"}),
		block({"id": "B4", "member_id": "P3", "status": 2}),
		block({"id": "B5", "member_id": "P4", "startedAt": null}),
		block({"id": "B6", "member_id": "P5"}),
	]
	v1 := [
		block({"id": "B1", "member_id": "P1"}),
		block({"id": "B4", "member_id": "P3"}),
		block({"id": "B7", "member_id": "P6", "deleted": true}),
		block({"id": "B8", "member_id": "P5", "endedAt": "2025-12-20T00:00:00Z"}),
	]
	problems(memberblock, v1) == {
		["P2", "B3", "blocked only per memberblock"],
		["P3", "B4", "blocked only per user_block"],
		["P4", "B5", "unreadable window"],
		["P5", "B6", "blocked only per memberblock"],
	}
}
