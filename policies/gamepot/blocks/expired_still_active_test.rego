package gamepot.blocks.expired_still_active_test

import data.gamepot.blocks.expired_still_active

now := "2026-01-01T00:00:00Z"

# block is a switched-on block that ended two days ago, with the given fields
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
		"endedAt": "2025-12-30T00:00:00Z",
		"deletedAt": null,
		"category_id": "C1",
	},
	fields,
)

deny(records) := result if {
	result := expired_still_active.deny with input as {
		"records": records,
		"params": {},
		"now": now,
		"now_ns": time.parse_rfc3339_ns(now),
	}
}

test_ended_block_with_status_1_is_denied if {
	deny([block({})]) == {{
		"msg": "block ended 2 days ago but still has status 1",
		"subject": "P1",
		"record_id": "B1",
		"ended_at": "2025-12-30T00:00:00Z",
		"days_since_end": 2,
	}}
}

test_block_ending_later_is_allowed if {
	count(deny([block({"endedAt": "2026-06-01T00:00:00Z"})])) == 0
}

test_block_ending_exactly_now_is_allowed if {
	count(deny([block({"endedAt": now})])) == 0
}

test_block_ended_one_nanosecond_ago_is_denied if {
	some finding in deny([block({"endedAt": "2025-12-31T23:59:59.999999999Z"})])
	finding.days_since_end == 0.01
}

# As strings these sort after now; as instants they are at or before it.
test_offsets_are_compared_as_instants if {
	count(deny([block({"endedAt": "2026-01-01T09:00:00+09:00"})])) == 0
	count(deny([block({"endedAt": "2026-01-01T08:59:59+09:00"})])) == 1
	count(deny([block({"endedAt": "2025-12-31T15:00:00-09:00"})])) == 0
	count(deny([block({"endedAt": "2025-12-31T14:59:59-09:00"})])) == 1
}

test_null_end_never_expires if {
	count(deny([block({"endedAt": null})])) == 0
	count(deny([block({"endedAt": null, "startedAt": "2020-01-01T00:00:00Z"})])) == 0
}

test_missing_end_never_expires if {
	count(deny([object.remove(block({}), ["endedAt"])])) == 0
}

test_unreadable_end_is_denied if {
	every ended in [
		"",
		"someday",
		"2025-12-30",
		"2025-02-29T00:00:00Z",
		"2025-12-30T24:00:00Z",
		"Mon May 11 2020 12:02:00 GMT+0900 (GMT+09:00)",
		"1600-01-01T00:00:00Z",
		1700000000,
		true,
		["2025-12-30T00:00:00Z"],
		{"at": "2025-12-30T00:00:00Z"},
	] {
		deny([block({"endedAt": ended})]) == {{
			"msg": "block with status 1 has an unreadable endedAt, so whether it has ended cannot be checked",
			"subject": "P1",
			"record_id": "B1",
			"ended_at": ended,
			"unreadable": "endedAt",
		}}
	}
}

test_leap_day_end_is_read if {
	some finding in deny([block({"endedAt": "2024-02-29T00:00:00Z"})])
	not finding.unreadable
	finding.days_since_end == 672
}

test_other_status_is_ignored if {
	every status in [2, 0, "1", null, true] {
		count(deny([block({"status": status})])) == 0
		count(deny([block({"status": status, "endedAt": "someday"})])) == 0
	}
	count(deny([object.remove(block({}), ["status"])])) == 0
}

test_status_1_as_a_float_counts if {
	count(deny([block({"status": 1.0})])) == 1
}

test_deleted_block_is_ignored if {
	every deleted in [true, null, "false", 0] {
		count(deny([block({"deleted": deleted})])) == 0
		count(deny([block({"deleted": deleted, "endedAt": "someday"})])) == 0
	}
	count(deny([object.remove(block({}), ["deleted"])])) == 0
}

test_start_is_not_read if {
	count(deny([block({"startedAt": null})])) == 1
	count(deny([block({"startedAt": "soon", "endedAt": "2027-01-01T00:00:00Z"})])) == 0
}

test_missing_ids_give_empty_strings if {
	record := object.remove(block({"id": 7}), ["member_id"])
	some finding in deny([record])
	finding.subject == ""
	finding.record_id == ""
}

test_findings_never_hold_the_reason if {
	every finding in deny([block({}), block({"id": "B2", "endedAt": "someday"})]) {
		every value in finding {
			not contains(sprintf("%v", [value]), "reason")
		}
	}
}

test_every_violation_is_a_finding if {
	records := [
		block({"id": "B1", "member_id": "P1"}),
		block({"id": "B2", "member_id": "P1", "endedAt": null}),
		block({"id": "B3", "member_id": "P2", "status": 2}),
		block({"id": "B4", "member_id": "P3", "endedAt": "2025-12-31T00:00:00+09:00"}),
		block({"id": "B5", "member_id": "P4", "endedAt": "later"}),
		block({"id": "B6", "member_id": "P5", "endedAt": "2026-12-31T00:00:00+09:00"}),
	]
	{[finding.subject, finding.record_id] | some finding in deny(records)} == {["P1", "B1"], ["P3", "B4"], ["P4", "B5"]}
}
