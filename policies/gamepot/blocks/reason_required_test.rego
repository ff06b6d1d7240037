package gamepot.blocks.reason_required_test

import data.gamepot.blocks.reason_required

# The reason texts hold a marker, so a test can see that no finding repeats
# them.
ko := {"lang": "ko", "value": "SECRET 욕설", "default": true}

en := {"lang": "en", "value": "SECRET abuse", "default": false}

# block is a block with a default Korean reason and an English one, with the
# given fields replaced.
block(fields) := object.union(
	{
		"id": "B1",
		"member_id": "P1",
		"type": "manual",
		"status": 1,
		"deleted": false,
		"message": null,
		"messageMulti": [ko, en],
		"startedAt": "2025-12-01T00:00:00Z",
		"endedAt": "2025-12-30T00:00:00Z",
		"deletedAt": null,
		"category_id": "C1",
	},
	fields,
)

deny(records) := deny_with(records, {"languages": []})

deny_with(records, params) := result if {
	result := reason_required.deny with input as {"records": records, "params": params}
}

no_default(problem) := {
	"msg": sprintf("block has no default reason: %s", [problem]),
	"subject": "P1",
	"record_id": "B1",
	"key": "default",
	"problem": problem,
}

missing(langs) := {
	"msg": sprintf("block has no reason in %s", [concat(", ", langs)]),
	"subject": "P1",
	"record_id": "B1",
	"key": "languages",
	"problem": "missing languages",
	"missing_languages": langs,
}

test_block_with_default_reason_is_allowed if {
	count(deny([block({})])) == 0
	count(deny([block({"messageMulti": [ko]})])) == 0
	count(deny([block({"messageMulti": [{"lang": "ja", "value": " x ", "default": true}]})])) == 0
}

test_default_entry_without_lang_counts if {
	count(deny([block({"messageMulti": [{"value": "x", "default": true}]})])) == 0
}

test_missing_message_multi_is_denied if {
	deny([object.remove(block({}), ["messageMulti"])]) == {no_default("messageMulti is null or missing")}
	deny([block({"messageMulti": null})]) == {no_default("messageMulti is null or missing")}
}

test_message_multi_that_is_not_a_list_is_denied if {
	every value in ["SECRET", 3, true, {"0": ko}, {"lang": "ko", "value": "SECRET", "default": true}] {
		deny([block({"messageMulti": value})]) == {no_default("messageMulti is not a list")}
	}
}

test_empty_message_multi_is_denied if {
	deny([block({"messageMulti": []})]) == {no_default("messageMulti is empty")}
}

test_no_default_entry_is_denied if {
	deny([block({"messageMulti": [en]})]) == {no_default("no entry is marked default")}
	every value in [false, null, "true", 1] {
		deny([block({"messageMulti": [object.union(ko, {"default": value})]})]) == {no_default("no entry is marked default")}
	}
	deny([block({"messageMulti": [object.remove(ko, ["default"])]})]) == {no_default("no entry is marked default")}
}

test_entries_that_are_not_objects_are_no_entries if {
	deny([block({"messageMulti": ["SECRET", null, 1, [ko]]})]) == {no_default("no entry is marked default")}
	count(deny([block({"messageMulti": ["SECRET", ko]})])) == 0
}

test_blank_default_value_is_denied if {
	blank := {no_default("the default entry's value is blank")}
	every value in ["", " ", "\t\n", "\u00a0\u3000", null, 0, false, ["SECRET"], {"text": "SECRET"}] {
		deny([block({"messageMulti": [object.union(ko, {"value": value}), en]})]) == blank
	}
	deny([block({"messageMulti": [object.remove(ko, ["value"]), en]})]) == blank
}

test_one_usable_default_entry_is_enough if {
	blank := object.union(ko, {"value": " "})
	count(deny([block({"messageMulti": [blank, object.union(en, {"default": true})]})])) == 0
}

test_languages_default_requires_none if {
	count(deny_with([block({"messageMulti": [ko]})], {"languages": []})) == 0
}

test_required_language_present_is_allowed if {
	count(deny_with([block({})], {"languages": ["ko", "en"]})) == 0
}

test_required_languages_missing_are_listed if {
	deny_with([block({"messageMulti": [ko]})], {"languages": ["ja", "en", "ko"]}) == {missing(["en", "ja"])}
	deny_with([block({})], {"languages": ["ja"]}) == {missing(["ja"])}
}

test_duplicate_languages_are_listed_once if {
	deny_with([block({"messageMulti": [ko]})], {"languages": ["en", "en"]}) == {missing(["en"])}
}

test_blank_language_entry_does_not_count if {
	params := {"languages": ["en"]}
	every value in ["", "  ", null, 7] {
		deny_with([block({"messageMulti": [ko, object.union(en, {"value": value})]})], params) == {missing(["en"])}
	}
	deny_with([block({"messageMulti": [ko, object.remove(en, ["value"])]})], params) == {missing(["en"])}
}

test_language_is_matched_exactly if {
	deny_with([block({})], {"languages": ["EN"]}) == {missing(["EN"])}
	deny_with([block({})], {"languages": ["en-US"]}) == {missing(["en-US"])}
	listed := block({"messageMulti": [ko, object.union(en, {"lang": ["en"]})]})
	deny_with([listed], {"languages": ["en"]}) == {missing(["en"])}
}

test_no_entries_miss_every_language if {
	deny_with([block({"messageMulti": null})], {"languages": ["ko"]}) == {
		no_default("messageMulti is null or missing"),
		missing(["ko"]),
	}
	deny_with([block({"messageMulti": {"ko": "SECRET"}})], {"languages": ["ko"]}) == {
		no_default("messageMulti is not a list"),
		missing(["ko"]),
	}
}

test_bad_languages_param_is_a_finding if {
	every value in ["en", null, 1, {"en": true}, ["en", 1], [null]] {
		findings := deny_with([block({})], {"languages": value})
		findings == {{
			"msg": sprintf("param languages must be a list of language codes (strings), not %s", [type_name(value)]),
			"subject": "",
			"record_id": "",
			"key": "param",
			"problem": "bad param",
			"param": "languages",
		}}
	}
	some finding in deny_with([block({})], {})
	finding.msg == "param languages must be a list of language codes (strings), not missing"
}

test_two_findings_about_one_record_have_distinct_keys if {
	findings := deny_with([block({"messageMulti": []})], {"languages": ["en"]})
	count(findings) == 2
	{[f.subject, f.record_id, f.key] | some f in findings} == {["P1", "B1", "default"], ["P1", "B1", "languages"]}
}

test_bad_languages_param_still_checks_the_default if {
	findings := deny_with([block({"messageMulti": []})], {"languages": "en"})
	{finding.problem | some finding in findings} == {"bad param", "messageMulti is empty"}
}

test_every_record_is_checked if {
	every fields in [{"deleted": true}, {"status": 2}, {"type": "autopurchase"}, {"endedAt": "2020-01-01T00:00:00Z"}] {
		deny([block(object.union(fields, {"messageMulti": []}))]) == {no_default("messageMulti is empty")}
	}
}

test_findings_never_hold_the_reason if {
	records := [
		block({"messageMulti": [object.union(ko, {"default": false}), en]}),
		block({"id": "B2", "messageMulti": [object.union(ko, {"value": "  "}), en]}),
		block({"id": "B3", "messageMulti": {"ko": "SECRET"}}),
		block({"id": "B4", "messageMulti": "SECRET"}),
	]
	findings := deny_with(records, {"languages": ["ja", "ko"]})
	count(findings) == 8
	every finding in findings {
		not contains(sprintf("%v", [finding]), "SECRET")
	}
}

test_missing_ids_give_empty_strings if {
	record := object.remove(block({"id": null, "messageMulti": []}), ["member_id"])
	some finding in deny([record])
	finding.subject == ""
	finding.record_id == ""
}

test_every_violation_is_a_finding if {
	records := [
		block({"id": "B1", "member_id": "P1"}),
		block({"id": "B2", "member_id": "P1", "messageMulti": [en]}),
		block({"id": "B3", "member_id": "P2", "messageMulti": [ko]}),
		block({"id": "B4", "member_id": "P3", "messageMulti": null}),
	]
	findings := deny_with(records, {"languages": ["en"]})
	{[finding.subject, finding.record_id, finding.problem] | some finding in findings} == {
		["P1", "B2", "no entry is marked default"],
		["P2", "B3", "missing languages"],
		["P3", "B4", "messageMulti is null or missing"],
		["P3", "B4", "missing languages"],
	}
}
