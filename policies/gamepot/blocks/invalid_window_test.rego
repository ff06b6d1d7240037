package gamepot.blocks.invalid_window_test

import data.gamepot.blocks.invalid_window

now := "2026-01-01T00:00:00Z"

# block is a block with a good 29-day window, with the given fields replaced.
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
		"endedAt": "2025-12-30T00:00:00Z",
		"deletedAt": null,
		"category_id": "C1",
	},
	fields,
)

deny(records) := result if {
	result := invalid_window.deny with input as {
		"records": records,
		"params": {},
		"now": now,
		"now_ns": time.parse_rfc3339_ns(now),
	}
}

# problem is the problem of the one finding in findings.
problem(findings) := result if {
	count(findings) == 1
	some finding in findings
	result := finding.problem
}

test_good_window_is_allowed if {
	count(deny([block({})])) == 0
	count(deny([block({"endedAt": "2025-12-01T00:00:00.000000001Z"})])) == 0
}

test_open_window_is_allowed if {
	count(deny([block({"endedAt": null})])) == 0
	count(deny([object.remove(block({}), ["endedAt"])])) == 0
}

test_end_before_start_is_denied if {
	deny([block({"startedAt": "2025-12-30T00:00:00Z", "endedAt": "2025-12-01T00:00:00Z"})]) == {{
		"msg": "block ends before it starts",
		"subject": "P1",
		"record_id": "B1",
		"problem": "ends before start",
		"started_at": "2025-12-30T00:00:00Z",
		"ended_at": "2025-12-01T00:00:00Z",
	}}
	problem(deny([block({"endedAt": "2025-11-30T23:59:59.999999999Z"})])) == "ends before start"
}

test_end_at_start_is_denied if {
	deny([block({"endedAt": "2025-12-01T00:00:00Z"})]) == {{
		"msg": "block ends at the instant it starts, so its window is empty",
		"subject": "P1",
		"record_id": "B1",
		"problem": "empty",
		"started_at": "2025-12-01T00:00:00Z",
		"ended_at": "2025-12-01T00:00:00Z",
	}}
}

# As strings the end sorts after the start; as instants it is not later.
test_offsets_are_compared_as_instants if {
	problem(deny([block({"startedAt": "2025-12-01T09:00:00+09:00", "endedAt": "2025-12-01T00:00:00Z"})])) == "empty"
	problem(deny([block({"startedAt": "2025-12-01T09:00:00+09:00", "endedAt": "2025-12-01T08:00:00+08:00"})])) == "empty"
	before := block({"startedAt": "2025-12-01T10:00:00+09:00", "endedAt": "2025-12-01T00:30:00Z"})
	problem(deny([before])) == "ends before start"
	count(deny([block({"startedAt": "2025-12-01T09:00:00+09:00", "endedAt": "2025-12-01T00:00:01Z"})])) == 0
	count(deny([block({"startedAt": "2025-11-30T15:00:00-09:00", "endedAt": "2025-12-01T00:00:01Z"})])) == 0
}

test_unreadable_start_is_denied if {
	bad := [
		object.remove(block({}), ["startedAt"]),
		block({"startedAt": null}),
		block({"startedAt": ""}),
		block({"startedAt": "  "}),
		block({"startedAt": 1700000000}),
		block({"startedAt": false}),
		block({"startedAt": "Mon May 11 2020 12:02:00 GMT+0900 (GMT+09:00)"}),
		block({"startedAt": "2025-02-29T00:00:00Z"}),
		block({"startedAt": "2025-12-01T00:00:00"}),
		block({"startedAt": "2300-01-01T00:00:00Z"}),
	]
	every record in bad {
		some finding in deny([record])
		finding.unreadable == ["startedAt"]
		finding.problem == "unreadable"
		finding.msg == "block window cannot be read: unreadable startedAt"
		count(deny([object.union(record, {"endedAt": null})])) == 1
	}
}

test_unreadable_end_is_denied if {
	every ended in ["", "open", 0, false, "2025-13-01T00:00:00Z", "2025-12-30T00:00:00+9:00"] {
		deny([block({"endedAt": ended})]) == {{
			"msg": "block window cannot be read: unreadable endedAt",
			"subject": "P1",
			"record_id": "B1",
			"problem": "unreadable",
			"unreadable": ["endedAt"],
			"started_at": "2025-12-01T00:00:00Z",
			"ended_at": ended,
		}}
	}
}

test_both_unreadable_is_one_finding if {
	deny([block({"startedAt": null, "endedAt": "open"})]) == {{
		"msg": "block window cannot be read: unreadable startedAt and endedAt",
		"subject": "P1",
		"record_id": "B1",
		"problem": "unreadable",
		"unreadable": ["startedAt", "endedAt"],
		"started_at": null,
		"ended_at": "open",
	}}
}

test_every_record_is_checked if {
	every fields in [
		{"deleted": true},
		{"deleted": null},
		{"status": 2},
		{"type": "autopurchase"},
		{"status": 1, "deleted": false},
	] {
		problem(deny([block(object.union(fields, {"endedAt": "2025-11-01T00:00:00Z"}))])) == "ends before start"
		problem(deny([block(object.union(fields, {"startedAt": null}))])) == "unreadable"
	}
}

test_now_is_not_read if {
	count(deny([block({"startedAt": "2030-01-01T00:00:00Z", "endedAt": "2031-01-01T00:00:00Z"})])) == 0
	count(deny([block({"startedAt": "2020-01-01T00:00:00Z", "endedAt": null})])) == 0
}

test_missing_ids_give_empty_strings if {
	record := object.remove(block({"id": ["B1"], "startedAt": null}), ["member_id"])
	some finding in deny([record])
	finding.subject == ""
	finding.record_id == ""
}

test_every_violation_is_a_finding if {
	records := [
		block({"id": "B1", "member_id": "P1"}),
		block({"id": "B2", "member_id": "P1", "endedAt": "2025-11-01T00:00:00Z"}),
		block({"id": "B3", "member_id": "P2", "startedAt": null}),
		block({"id": "B4", "member_id": "P3", "endedAt": null}),
		block({"id": "B5", "member_id": "P3", "endedAt": "2025-12-01T00:00:00Z", "deleted": true}),
	]
	{[finding.subject, finding.record_id, finding.problem] | some finding in deny(records)} == {
		["P1", "B2", "ends before start"],
		["P2", "B3", "unreadable"],
		["P3", "B5", "empty"],
	}
}
