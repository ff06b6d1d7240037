package gamepot.blocks.manual_share_max_test

import data.gamepot.blocks.manual_share_max

now := "2026-01-01T00:00:00Z"

# block is a manual block active until February, with the given fields
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

auto(fields) := block(object.union({"type": "autopurchase"}, fields))

deny(records) := deny_with(records, {"max_ratio": 0.5})

deny_with(records, params) := result if {
	result := manual_share_max.deny with input as {
		"records": records,
		"params": params,
		"now": now,
		"now_ns": time.parse_rfc3339_ns(now),
	}
}

# share is the [manual, active] counts of the one finding in findings.
share(findings) := [finding.manual, finding.active] if {
	count(findings) == 1
	some finding in findings
}

test_more_manual_than_max_ratio_is_denied if {
	deny([block({}), block({"id": "B2"}), auto({"id": "B3"})]) == {{
		"msg": "2 of 3 active blocks are manual (0.6667), more than the maximum share of 0.5",
		"subject": "",
		"record_id": "",
		"active": 3,
		"manual": 2,
		"ratio": 0.6667,
		"max_ratio": 0.5,
		"unreadable": 0,
	}}
}

test_exactly_max_ratio_is_allowed if {
	count(deny([block({}), auto({"id": "B2"})])) == 0
	count(deny_with([block({}), auto({"id": "B2"}), auto({"id": "B3"})], {"max_ratio": 0.3334})) == 0
}

test_just_over_max_ratio_is_denied if {
	some finding in deny_with([block({}), auto({"id": "B2"}), auto({"id": "B3"})], {"max_ratio": 0.3333})
	finding.ratio == 0.3334
	finding.max_ratio == 0.3333
}

test_fewer_manual_is_allowed if {
	count(deny([block({}), auto({"id": "B2"}), auto({"id": "B3"})])) == 0
	count(deny([auto({})])) == 0
}

test_all_manual_is_denied if {
	share(deny([block({})])) == [1, 1]
}

test_no_active_blocks_is_allowed if {
	count(deny([])) == 0
	count(deny([block({"status": 2}), block({"id": "B2", "deleted": true})])) == 0
	count(deny_with([], {"max_ratio": 0})) == 0
}

test_max_ratio_param if {
	records := [block({}), block({"id": "B2"}), auto({"id": "B3"})]
	count(deny_with(records, {"max_ratio": 1})) == 0
	count(deny_with(records, {"max_ratio": 0.7})) == 0
	count(deny_with(records, {"max_ratio": 0.66})) == 1
	share(deny_with([block({}), auto({"id": "B2"})], {"max_ratio": 0})) == [1, 2]
	count(deny_with([auto({})], {"max_ratio": 0})) == 0
}

test_bad_max_ratio_is_a_finding if {
	every case in [
		["0.5", "string"],
		[null, "null"],
		[true, "boolean"],
		[[0.5], "array"],
		[50, "50"],
		[1.01, "1.01"],
		[-0.1, "-0.1"],
	] {
		deny_with([block({})], {"max_ratio": case[0]}) == {{
			"msg": sprintf("param max_ratio must be a number from 0 to 1, not %s", [case[1]]),
			"subject": "",
			"record_id": "",
			"problem": "bad param",
			"param": "max_ratio",
		}}
	}
	some finding in deny_with([block({})], {})
	finding.msg == "param max_ratio must be a number from 0 to 1, not missing"
}

test_only_active_blocks_count if {
	records := [
		auto({"id": "B0"}),
		block({"id": "B1", "status": 2}),
		block({"id": "B2", "status": "1"}),
		block({"id": "B3", "deleted": true}),
		block({"id": "B4", "deleted": null}),
		object.remove(block({"id": "B5"}), ["deleted"]),
		block({"id": "B6", "startedAt": "2026-01-01T00:00:00.000000001Z"}),
		block({"id": "B7", "endedAt": now}),
		block({"id": "B8", "endedAt": "2026-01-01T09:00:00+09:00"}),
		block({"id": "B9", "endedAt": "2025-06-01T00:00:00Z"}),
	]
	count(deny(records)) == 0
	share(deny(array.concat(records, [block({"id": "B10"}), block({"id": "B11"})]))) == [2, 3]
}

test_time_edges_of_active if {
	every fields in [
		{"startedAt": now},
		{"startedAt": "2026-01-01T09:00:00+09:00"},
		{"endedAt": null},
		{"endedAt": "2026-01-01T00:00:00.000000001Z"},
		{"endedAt": "2025-12-31T15:00:01-09:00"},
	] {
		share(deny_with([auto({}), block(object.union({"id": "B2"}, fields))], {"max_ratio": 0.4})) == [1, 2]
	}
	share(deny_with([auto({}), object.remove(block({"id": "B2"}), ["endedAt"])], {"max_ratio": 0.4})) == [1, 2]
}

test_blocks_without_a_player_count if {
	share(deny([object.remove(block({}), ["member_id"])])) == [1, 1]
}

test_types_other_than_manual_are_not_manual if {
	every value in ["Manual", null, 1, "autopurchase"] {
		count(deny([block({"type": value})])) == 0
	}
	count(deny([object.remove(block({}), ["type"])])) == 0
}

test_unreadable_window_counts_as_active if {
	every fields in [
		{"startedAt": null},
		{"startedAt": "yesterday"},
		{"endedAt": "someday"},
		{"startedAt": null, "endedAt": null},
		{"startedAt": null, "endedAt": 1800000000},
	] {
		deny([auto({}), block(object.union({"id": "B2"}, fields)), block({"id": "B3"})]) == {{
			"msg": "2 of 3 active blocks are manual (0.6667), more than the maximum share of 0.5",
			"subject": "",
			"record_id": "",
			"active": 3,
			"manual": 2,
			"ratio": 0.6667,
			"max_ratio": 0.5,
			"unreadable": 1,
		}}
	}
	count(deny([object.remove(block({}), ["startedAt"])])) == 1
}

test_unreadable_window_ruled_out_by_the_other_end if {
	count(deny([auto({}), block({"id": "B2", "startedAt": null, "endedAt": "2025-12-01T00:00:00Z"})])) == 0
	count(deny([auto({}), block({"id": "B2", "startedAt": "2026-02-01T00:00:00Z", "endedAt": "x"})])) == 0
}

test_unreadable_autopurchase_blocks_count_against_the_share if {
	share(deny([block({}), block({"id": "B2"}), auto({"id": "B3", "startedAt": null})])) == [2, 3]
	count(deny([block({}), auto({"id": "B2", "startedAt": null})])) == 0
}
