package gamepot.blocks.category_required_test

import data.gamepot.blocks.category_required

# block is a manual block with a category, with the given fields replaced.
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
		"category_id": "eade0943-5c1f-4b8e-9d3a-f2b5e9852ce4",
	},
	fields,
)

deny(records) := result if {
	result := category_required.deny with input as {"records": records, "params": {}}
}

finding(problem) := {
	"msg": sprintf("manual block has no category: %s", [problem]),
	"subject": "P1",
	"record_id": "B1",
	"problem": problem,
}

test_manual_block_with_category_is_allowed if {
	count(deny([block({})])) == 0
	count(deny([block({"category_id": " C1 "})])) == 0
}

test_missing_category_is_denied if {
	deny([object.remove(block({}), ["category_id"])]) == {finding("missing")}
}

test_null_category_is_denied if {
	deny([block({"category_id": null})]) == {finding("null")}
}

test_empty_category_is_denied if {
	deny([block({"category_id": ""})]) == {finding("empty")}
}

test_white_space_category_is_denied if {
	every value in [" ", "\t\n", "\u00a0\u3000"] {
		deny([block({"category_id": value})]) == {finding("only white space")}
	}
}

test_category_that_is_not_a_string_is_denied if {
	every value in [0, 42, false, true, ["C1"], {"id": "C1"}] {
		deny([block({"category_id": value})]) == {finding("not a string")}
	}
}

test_other_types_are_ignored if {
	every value in ["autopurchase", "Manual", "manual ", null, 1] {
		count(deny([block({"type": value, "category_id": ""})])) == 0
	}
	count(deny([object.remove(block({"category_id": null}), ["type"])])) == 0
}

test_every_manual_block_is_checked if {
	every fields in [
		{"deleted": true},
		{"status": 2},
		{"endedAt": "2020-01-01T00:00:00Z"},
		{"startedAt": null},
	] {
		deny([block(object.union(fields, {"category_id": null}))]) == {finding("null")}
	}
}

test_missing_ids_give_empty_strings if {
	record := object.remove(block({"id": 9, "category_id": ""}), ["member_id"])
	some finding in deny([record])
	finding.subject == ""
	finding.record_id == ""
}

test_every_violation_is_a_finding if {
	records := [
		block({"id": "B1", "member_id": "P1"}),
		block({"id": "B2", "member_id": "P1", "category_id": ""}),
		block({"id": "B3", "member_id": "P2", "category_id": "", "type": "autopurchase"}),
		block({"id": "B4", "member_id": "P3", "category_id": null}),
	]
	{[finding.subject, finding.record_id, finding.problem] | some finding in deny(records)} == {
		["P1", "B2", "empty"],
		["P3", "B4", "null"],
	}
}
