package gamepot.linkings.email_required_test

import data.gamepot.linkings.email_required

# linking is a live google linking with an email, with the given fields replaced.
linking(fields) := object.union(
	{
		"id": "L1",
		"username": "g-1001",
		"provider": "google",
		"member_id": {"id": "TWVtYmVyOjE="},
		"user_id": "P1",
		"email": "player@example.com",
		"createdAt": "2025-09-17T13:40:08+09:00",
		"updatedAt": "2025-09-17T13:40:08+09:00",
		"deletedAt": null,
	},
	fields,
)

deny(records) := deny_with(records, {"provider": "google"})

deny_with(records, params) := result if {
	result := email_required.deny with input as {"records": records, "params": params}
}

finding(problem) := {
	"msg": sprintf("google linking has no email: %s", [problem]),
	"subject": "P1",
	"record_id": "L1",
	"provider": "google",
	"problem": problem,
}

test_linking_with_email_is_allowed if {
	count(deny([linking({})])) == 0
	count(deny([linking({"email": " padded@example.com "})])) == 0
}

test_missing_email_is_denied if {
	deny([object.remove(linking({}), ["email"])]) == {finding("missing")}
}

test_null_email_is_denied if {
	deny([linking({"email": null})]) == {finding("null")}
}

test_empty_email_is_denied if {
	deny([linking({"email": ""})]) == {finding("empty")}
}

test_white_space_email_is_denied if {
	deny([linking({"email": " "})]) == {finding("only white space")}
	deny([linking({"email": "\t\n "})]) == {finding("only white space")}
	deny([linking({"email": "\u00a0\u3000"})]) == {finding("only white space")}
}

test_email_that_is_not_a_string_is_denied if {
	deny([linking({"email": 42})]) == {finding("not a string")}
	deny([linking({"email": false})]) == {finding("not a string")}
	deny([linking({"email": true})]) == {finding("not a string")}
	deny([linking({"email": ["player@example.com"]})]) == {finding("not a string")}
	deny([linking({"email": {"value": "player@example.com"}})]) == {finding("not a string")}
}

test_findings_never_hold_the_email if {
	every finding in deny([linking({"email": 42}), linking({"id": "L2", "email": " "})]) {
		every value in finding {
			not contains(sprintf("%v", [value]), "example.com")
		}
	}
}

test_other_provider_is_ignored if {
	count(deny([linking({"provider": "apple", "email": null})])) == 0
	count(deny([object.remove(linking({"email": null}), ["provider"])])) == 0
}

test_provider_param_selects_the_provider if {
	records := [linking({"id": "L1", "email": null}), linking({"id": "L2", "provider": "apple", "email": ""})]
	deny_with(records, {"provider": "apple"}) == {{
		"msg": "apple linking has no email: empty",
		"subject": "P1",
		"record_id": "L2",
		"provider": "apple",
		"problem": "empty",
	}}
}

test_deleted_linking_is_ignored if {
	count(deny([linking({"email": null, "deletedAt": "2025-10-01T00:00:00+09:00"})])) == 0
}

test_missing_deleted_at_counts_as_live if {
	deny([object.remove(linking({"email": null}), ["deletedAt"])]) == {finding("null")}
}

test_missing_ids_give_empty_strings if {
	record := object.remove(linking({"id": null, "email": null}), ["user_id"])
	some finding in deny([record])
	finding.subject == ""
	finding.record_id == ""
}

test_every_violation_is_a_finding if {
	records := [
		linking({"id": "L1", "user_id": "P1", "email": null}),
		linking({"id": "L2", "user_id": "P2"}),
		linking({"id": "L3", "user_id": "P3", "email": ""}),
		linking({"id": "L4", "user_id": "P4", "email": null, "deletedAt": "2025-10-01T00:00:00Z"}),
	]
	{[finding.subject, finding.record_id] | some finding in deny(records)} == {["P1", "L1"], ["P3", "L3"]}
}
