package gamepot.blocks.max_duration_test

import data.gamepot.blocks.max_duration

now := "2026-01-01T00:00:00Z"

defaults := {"max_days": 30, "type": "manual"}

# block is an active manual block of 76 days, with the given fields replaced.
block(fields) := object.union(
	{
		"id": "B1",
		"member_id": "P1",
		"type": "manual",
		"status": 1,
		"deleted": false,
		"message": null,
		"startedAt": "2025-12-01T00:00:00Z",
		"endedAt": "2026-02-15T00:00:00Z",
	},
	fields,
)

deny(records) := result if {
	result := max_duration.deny with input as {
		"records": records,
		"params": defaults,
		"now": now,
		"now_ns": time.parse_rfc3339_ns(now),
	}
}

deny_with(records, params) := result if {
	result := max_duration.deny with input as {
		"records": records,
		"params": params,
		"now": now,
		"now_ns": time.parse_rfc3339_ns(now),
	}
}

test_longer_than_max_days_is_denied if {
	deny([block({})]) == {{
		"msg": "active manual block lasts 76 days, longer than the 30-day maximum",
		"subject": "P1",
		"record_id": "B1",
		"type": "manual",
		"days": 76,
		"max_days": 30,
		"started_at": "2025-12-01T00:00:00Z",
		"ended_at": "2026-02-15T00:00:00Z",
	}}
}

test_exactly_max_days_is_allowed if {
	count(deny([block({"startedAt": "2025-12-15T00:00:00Z", "endedAt": "2026-01-14T00:00:00Z"})])) == 0
}

test_one_nanosecond_over_max_days_is_denied if {
	some finding in deny([block({"startedAt": "2025-12-15T00:00:00Z", "endedAt": "2026-01-14T00:00:00.000000001Z"})])
	finding.days == 30.01
	finding.msg == "active manual block lasts 30.01 days, longer than the 30-day maximum"
}

# As strings the two ends differ by more than 30 days; as instants, exactly 30.
test_offsets_are_compared_as_instants if {
	count(deny([block({"startedAt": "2025-12-15T09:00:00+09:00", "endedAt": "2026-01-14T00:00:00Z"})])) == 0
	count(deny([block({"startedAt": "2025-12-14T15:00:00-09:00", "endedAt": "2026-01-14T00:00:00Z"})])) == 0
	count(deny([block({"startedAt": "2025-12-15T08:59:59+09:00", "endedAt": "2026-01-14T00:00:00Z"})])) == 1
	count(deny([block({"startedAt": "2025-12-15T00:00:00Z", "endedAt": "2026-01-14T09:00:00+09:00"})])) == 0
}

test_null_end_is_unbounded if {
	deny([block({"endedAt": null})]) == {{
		"msg": "active manual block has no end, longer than the 30-day maximum",
		"subject": "P1",
		"record_id": "B1",
		"type": "manual",
		"days": null,
		"max_days": 30,
		"started_at": "2025-12-01T00:00:00Z",
		"ended_at": null,
	}}
}

test_missing_end_is_unbounded if {
	record := object.remove(block({}), ["endedAt"])
	some finding in deny([record])
	finding.days == null
}

test_unbounded_block_started_yesterday_is_denied if {
	count(deny([block({"startedAt": "2025-12-31T00:00:00Z", "endedAt": null})])) == 1
}

test_other_type_is_ignored if {
	count(deny([block({"type": "autopurchase"})])) == 0
	count(deny([block({"type": "autopurchase", "endedAt": null})])) == 0
}

test_type_param_selects_the_type if {
	records := [block({"id": "B1"}), block({"id": "B2", "type": "autopurchase"})]
	findings := deny_with(records, {"max_days": 30, "type": "autopurchase"})
	{finding.record_id | some finding in findings} == {"B2"}
	some finding in findings
	finding.msg == "active autopurchase block lasts 76 days, longer than the 30-day maximum"
}

test_max_days_param if {
	count(deny_with([block({})], {"max_days": 76, "type": "manual"})) == 0
	count(deny_with([block({})], {"max_days": 75.5, "type": "manual"})) == 1
}

test_deleted_block_is_ignored if {
	count(deny([block({"deleted": true})])) == 0
	count(deny([block({"deleted": true, "endedAt": null})])) == 0
	count(deny([object.remove(block({}), ["deleted"])])) == 0
	count(deny([block({"deleted": null})])) == 0
}

test_inactive_block_is_ignored if {
	count(deny([block({"status": 2})])) == 0
	count(deny([block({"status": 2, "endedAt": null})])) == 0
	count(deny([object.remove(block({}), ["status"])])) == 0
}

test_block_ended_in_the_past_is_ignored if {
	count(deny([block({"startedAt": "2024-01-01T00:00:00Z", "endedAt": "2025-06-01T00:00:00Z"})])) == 0
}

test_block_ending_now_is_ignored if {
	count(deny([block({"startedAt": "2024-01-01T00:00:00Z", "endedAt": now})])) == 0
	count(deny([block({"startedAt": "2024-01-01T00:00:00Z", "endedAt": "2026-01-01T00:00:00.000000001Z"})])) == 1
}

test_bad_start_of_an_open_block_is_denied if {
	bad := [
		object.remove(block({}), ["startedAt"]),
		block({"startedAt": null}),
		block({"startedAt": ""}),
		block({"startedAt": 1700000000}),
		block({"startedAt": "Mon May 11 2020 12:02:00 GMT+0900 (GMT+09:00)"}),
		block({"startedAt": "2025-02-29T00:00:00Z"}),
		block({"startedAt": "2025-13-01T00:00:00Z"}),
	]
	every record in bad {
		unreadable_field(deny([record])) == "startedAt"
		unreadable_field(deny([object.union(record, {"endedAt": null})])) == "startedAt"
	}
}

test_bad_start_of_an_ended_block_is_ignored if {
	count(deny([block({"startedAt": null, "endedAt": "2025-12-15T00:00:00Z"})])) == 0
	count(deny([block({"startedAt": "soon", "endedAt": now})])) == 0
}

test_bad_end_is_denied if {
	every ended in ["someday", 1800000000, "2026-02-30T00:00:00Z", ""] {
		unreadable_field(deny([block({"endedAt": ended})])) == "endedAt"
	}
}

test_bad_window_of_other_blocks_is_ignored if {
	count(deny([block({"startedAt": null, "status": 2})])) == 0
	count(deny([block({"startedAt": null, "deleted": true})])) == 0
	count(deny([block({"endedAt": "someday", "type": "autopurchase"})])) == 0
}

test_unreadable_finding_shape if {
	some finding in deny([block({"startedAt": null})])
	finding.subject == "P1"
	finding.record_id == "B1"
	finding.max_days == 30
	finding.started_at == null
	contains(finding.msg, "unreadable startedAt")
}

# unreadable_field is the field named by the one finding in findings.
unreadable_field(findings) := field if {
	count(findings) == 1
	some finding in findings
	field := finding.unreadable
}

test_start_after_end_is_not_denied if {
	count(deny([block({"startedAt": "2026-03-01T00:00:00Z", "endedAt": "2026-02-01T00:00:00Z"})])) == 0
}

test_missing_ids_give_empty_strings if {
	record := object.remove(block({"id": 7}), ["member_id"])
	some finding in deny([record])
	finding.subject == ""
	finding.record_id == ""
}

test_every_violation_is_a_finding if {
	records := [
		block({"id": "B1", "member_id": "P1"}),
		block({"id": "B2", "member_id": "P1", "endedAt": null}),
		block({"id": "B3", "member_id": "P2", "status": 2}),
		block({"id": "B4", "member_id": "P3"}),
	]
	{[finding.subject, finding.record_id] | some finding in deny(records)} == {["P1", "B1"], ["P1", "B2"], ["P3", "B4"]}
}
