package gamepot.linkings.provider_allowed_test

import data.gamepot.linkings.provider_allowed

# defaults repeats the policy's custom.params, so the tests see what a check
# without params sees.
defaults := {"allowed": ["apple", "facebook", "google", "guest", "line", "naver", "steam", "twitter"]}

default_text := "apple, facebook, google, guest, line, naver, steam, twitter"

# linking is a live google linking, with the given fields replaced.
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

deny(records) := deny_with(records, defaults)

deny_with(records, params) := result if {
	result := provider_allowed.deny with input as {"records": records, "params": params}
}

not_allowed(provider) := {
	"msg": sprintf("live linking of provider %q is not allowed (allowed: %s)", [provider, default_text]),
	"subject": "P1",
	"record_id": "L1",
	"problem": "not allowed",
	"provider": provider,
	"allowed": defaults.allowed,
}

unusable(provider, problem) := {
	"msg": sprintf("live linking has no usable provider: %s", [problem]),
	"subject": "P1",
	"record_id": "L1",
	"problem": problem,
	"provider": provider,
	"allowed": defaults.allowed,
}

param_finding(type) := {
	"msg": sprintf("param allowed must be a list of provider names, not %s", [type]),
	"subject": "",
	"record_id": "",
	"param": "allowed",
}

test_every_default_provider_is_allowed if {
	every provider in defaults.allowed {
		count(deny([linking({"provider": provider})])) == 0
	}
}

test_other_provider_is_denied if {
	deny([linking({"provider": "kakao"})]) == {not_allowed("kakao")}
	deny([linking({"provider": "gamecenter"})]) == {not_allowed("gamecenter")}
}

test_provider_is_compared_exactly if {
	deny([linking({"provider": "Google"})]) == {not_allowed("Google")}
	deny([linking({"provider": " google"})]) == {not_allowed(" google")}
	deny([linking({"provider": "google "})]) == {not_allowed("google ")}
}

test_blank_provider_is_denied if {
	deny([linking({"provider": ""})]) == {not_allowed("")}
	deny([linking({"provider": " "})]) == {not_allowed(" ")}
}

test_missing_provider_is_denied if {
	deny([object.remove(linking({}), ["provider"])]) == {unusable(null, "missing")}
}

test_null_provider_is_denied if {
	deny([linking({"provider": null})]) == {unusable(null, "null")}
}

test_provider_that_is_not_a_string_is_denied if {
	deny([linking({"provider": 42})]) == {unusable(42, "not a string")}
	deny([linking({"provider": false})]) == {unusable(false, "not a string")}
	deny([linking({"provider": true})]) == {unusable(true, "not a string")}
	deny([linking({"provider": ["google"]})]) == {unusable(["google"], "not a string")}
	deny([linking({"provider": {"name": "google"}})]) == {unusable({"name": "google"}, "not a string")}
}

test_deleted_linking_is_ignored if {
	count(deny([linking({"provider": "kakao", "deletedAt": "2025-10-01T00:00:00+09:00"})])) == 0
	count(deny([linking({"provider": null, "deletedAt": "2025-10-01T00:00:00Z"})])) == 0
}

# Only null or missing is live: any other deletedAt, even one that is no
# timestamp, counts as deleted, as in every linkings policy.
test_unreadable_deleted_at_counts_as_deleted if {
	count(deny([linking({"provider": "kakao", "deletedAt": "yesterday"})])) == 0
	count(deny([linking({"provider": "kakao", "deletedAt": false})])) == 0
}

test_missing_deleted_at_counts_as_live if {
	deny([object.remove(linking({"provider": "kakao"}), ["deletedAt"])]) == {not_allowed("kakao")}
}

test_allowed_param_replaces_the_list if {
	records := [linking({"id": "L1"}), linking({"id": "L2", "provider": "apple"})]
	deny_with(records, {"allowed": ["google"]}) == {{
		"msg": "live linking of provider \"apple\" is not allowed (allowed: google)",
		"subject": "P1",
		"record_id": "L2",
		"problem": "not allowed",
		"provider": "apple",
		"allowed": ["google"],
	}}
	count(deny_with(records, {"allowed": ["google", "apple"]})) == 0
	count(deny_with(records, {"allowed": {"google", "apple"}})) == 0
}

test_allowed_list_is_sorted_in_findings if {
	some finding in deny_with([linking({"provider": "kakao"})], {"allowed": ["line", "apple", "google"]})
	finding.allowed == ["apple", "google", "line"]
	finding.msg == "live linking of provider \"kakao\" is not allowed (allowed: apple, google, line)"
}

test_entries_of_allowed_that_are_not_strings_allow_nothing if {
	records := [
		linking({"id": "L1", "provider": "apple"}),
		linking({"id": "L2", "provider": 1}),
		linking({"id": "L3", "provider": null}),
	]
	findings := deny_with(records, {"allowed": ["google", 1, null, ["apple"]]})
	{[f.record_id, f.problem, f.allowed] | some f in findings} == {
		["L1", "not allowed", ["google"]],
		["L2", "not a string", ["google"]],
		["L3", "null", ["google"]],
	}
}

test_empty_allowed_denies_every_live_linking if {
	deny_with([linking({})], {"allowed": []}) == {{
		"msg": "live linking of provider \"google\" is not allowed (allowed: none)",
		"subject": "P1",
		"record_id": "L1",
		"problem": "not allowed",
		"provider": "google",
		"allowed": [],
	}}
}

test_allowed_that_is_not_a_list_is_one_finding if {
	records := [linking({"provider": "kakao"}), linking({"id": "L2", "provider": null})]
	deny_with(records, {"allowed": "google"}) == {param_finding("string")}
	deny_with(records, {"allowed": {"google": true}}) == {param_finding("object")}
	deny_with(records, {"allowed": null}) == {param_finding("null")}
	deny_with(records, {"allowed": 1}) == {param_finding("number")}
	deny_with(records, {}) == {param_finding("null")}
}

test_no_records_no_findings if {
	count(deny([])) == 0
}

test_missing_ids_give_empty_strings if {
	record := object.remove(linking({"id": 7, "provider": "kakao"}), ["user_id"])
	some finding in deny([record])
	finding.subject == ""
	finding.record_id == ""
}

test_findings_never_hold_personal_data if {
	records := [
		linking({"provider": "kakao"}),
		linking({"id": "L2", "provider": null}),
		object.remove(linking({"id": "L3"}), ["provider"]),
	]
	findings := deny(records)
	count(findings) == 3
	every finding in findings {
		every value in finding {
			not contains(sprintf("%v", [value]), "example.com")
			not contains(sprintf("%v", [value]), "g-1001")
		}
	}
}

test_every_violation_is_a_finding if {
	records := [
		linking({"id": "L1", "user_id": "P1", "provider": "kakao"}),
		linking({"id": "L2", "user_id": "P2"}),
		linking({"id": "L3", "user_id": "P3", "provider": null}),
		linking({"id": "L4", "user_id": "P4", "provider": "kakao", "deletedAt": "2025-10-01T00:00:00Z"}),
		linking({"id": "L5", "user_id": "P1", "provider": "Kakao"}),
	]
	{[finding.subject, finding.record_id] | some finding in deny(records)} == {["P1", "L1"], ["P3", "L3"], ["P1", "L5"]}
}
