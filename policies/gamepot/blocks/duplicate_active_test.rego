package gamepot.blocks.duplicate_active_test

import data.gamepot.blocks.duplicate_active

now := "2026-01-01T00:00:00Z"

# block is a block of player P1 active until February, with the given fields
# replaced.
block(fields) := object.union(
	{
		"id": "B1",
		"member_id": "P1",
		"type": "manual",
		"status": 1,
		"deleted": false,
		"message": null,
		"messageMulti": [{"lang": "ko", "value": "reason", "default": true}],
		"startedAt": "2025-12-01T00:00:00Z",
		"endedAt": "2026-02-01T00:00:00Z",
		"deletedAt": null,
		"category_id": "C1",
	},
	fields,
)

deny(records) := result if {
	result := duplicate_active.deny with input as {
		"records": records,
		"params": {},
		"now": now,
		"now_ns": time.parse_rfc3339_ns(now),
	}
}

# pair is a second block B2 of the same player, with the given fields, beside
# an active B1.
pair(fields) := [block({}), block(object.union({"id": "B2"}, fields))]

test_two_active_blocks_are_one_finding if {
	deny(pair({})) == {{
		"msg": "player has 2 active blocks",
		"subject": "P1",
		"record_id": "",
		"count": 2,
		"block_ids": ["B1", "B2"],
		"unreadable_ids": [],
	}}
}

test_one_active_block_is_allowed if {
	count(deny([block({})])) == 0
	count(deny([block({"endedAt": null})])) == 0
}

test_blocks_of_different_players_are_allowed if {
	count(deny(pair({"member_id": "P2"}))) == 0
}

test_ids_are_sorted_and_counted if {
	records := [
		block({"id": "B3"}),
		block({"id": "B1", "endedAt": null}),
		block({"id": "B2", "startedAt": "2026-01-01T08:00:00+09:00"}),
	]
	some finding in deny(records)
	finding.block_ids == ["B1", "B2", "B3"]
	finding.count == 3
	finding.msg == "player has 3 active blocks"
}

test_same_id_twice_counts_twice if {
	some finding in deny([block({}), block({})])
	finding.count == 2
	finding.block_ids == ["B1", "B1"]
}

test_blocks_without_ids_are_counted if {
	some finding in deny([block({"id": null}), object.remove(block({}), ["id"])])
	finding.count == 2
	finding.block_ids == ["", ""]
}

test_open_block_is_active if {
	count(deny(pair({"endedAt": null}))) == 1
	count(deny([block({}), object.remove(block({"id": "B2"}), ["endedAt"])])) == 1
}

test_start_exactly_now_is_active if {
	count(deny(pair({"startedAt": now}))) == 1
	count(deny(pair({"startedAt": "2026-01-01T09:00:00+09:00"}))) == 1
}

test_start_after_now_is_not_active if {
	count(deny(pair({"startedAt": "2026-01-01T00:00:00.000000001Z"}))) == 0
	count(deny(pair({"startedAt": "2026-01-01T09:00:01+09:00", "endedAt": null}))) == 0
}

test_end_exactly_now_is_not_active if {
	count(deny(pair({"endedAt": now}))) == 0
	count(deny(pair({"endedAt": "2026-01-01T09:00:00+09:00"}))) == 0
	count(deny(pair({"endedAt": "2026-01-01T00:00:00.000000001Z"}))) == 1
	count(deny(pair({"endedAt": "2025-12-31T15:00:01-09:00"}))) == 1
}

test_switched_off_or_deleted_blocks_are_not_active if {
	every fields in [
		{"status": 2},
		{"status": "1"},
		{"status": null},
		{"deleted": true},
		{"deleted": null},
		{"deleted": "false"},
	] {
		count(deny(pair(fields))) == 0
		count(deny(pair(object.union(fields, {"startedAt": null})))) == 0
	}
	count(deny([block({}), object.remove(block({"id": "B2"}), ["status"])])) == 0
	count(deny([block({}), object.remove(block({"id": "B2"}), ["deleted"])])) == 0
}

test_type_does_not_matter if {
	count(deny(pair({"type": "autopurchase"}))) == 1
}

test_unreadable_window_counts_as_possibly_active if {
	every fields in [
		{"startedAt": null},
		{"startedAt": "yesterday"},
		{"startedAt": 1767225600},
		{"startedAt": null, "endedAt": null},
		{"startedAt": "2025-02-29T00:00:00Z", "endedAt": "2026-03-01T00:00:00Z"},
		{"endedAt": "someday"},
		{"endedAt": ""},
		{"startedAt": null, "endedAt": "someday"},
	] {
		deny(pair(fields)) == {{
			"msg": "player has 2 blocks that are or may be active (1 with an unreadable window)",
			"subject": "P1",
			"record_id": "",
			"count": 2,
			"block_ids": ["B1", "B2"],
			"unreadable_ids": ["B2"],
		}}
	}
	count(deny([object.remove(block({"id": "B2"}), ["startedAt"]), block({})])) == 1
}

test_unreadable_window_ruled_out_by_the_other_end if {
	count(deny(pair({"startedAt": null, "endedAt": "2025-12-31T00:00:00Z"}))) == 0
	count(deny(pair({"startedAt": null, "endedAt": now}))) == 0
	count(deny(pair({"startedAt": "2026-06-01T00:00:00Z", "endedAt": "someday"}))) == 0
}

test_two_unreadable_windows_are_a_finding if {
	some finding in deny([block({"startedAt": null}), block({"id": "B2", "endedAt": "x"})])
	finding.unreadable_ids == ["B1", "B2"]
	finding.msg == "player has 2 blocks that are or may be active (2 with an unreadable window)"
}

test_blocks_without_a_player_are_not_counted if {
	every player in [null, "", 7, {"id": "P1"}] {
		count(deny([block({"member_id": player}), block({"id": "B2", "member_id": player})])) == 0
	}
	count(deny([object.remove(block({}), ["member_id"]), object.remove(block({"id": "B2"}), ["member_id"])])) == 0
}

test_one_finding_per_player if {
	records := [
		block({"id": "B1", "member_id": "P1"}),
		block({"id": "B2", "member_id": "P1"}),
		block({"id": "B3", "member_id": "P1", "endedAt": null}),
		block({"id": "B4", "member_id": "P2"}),
		block({"id": "B5", "member_id": "P2", "endedAt": "2025-06-01T00:00:00Z"}),
		block({"id": "B6", "member_id": "P3", "status": 2}),
		block({"id": "B7", "member_id": "P3"}),
		block({"id": "B8", "member_id": "P4", "startedAt": null}),
		block({"id": "B9", "member_id": "P4"}),
	]
	{[finding.subject, finding.block_ids] | some finding in deny(records)} == {
		["P1", ["B1", "B2", "B3"]],
		["P4", ["B8", "B9"]],
	}
}
