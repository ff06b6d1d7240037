package gamepot.linkings.max_per_provider_test

import data.gamepot.linkings.max_per_provider

# linking is a live google linking of player P1, with the given fields replaced.
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

# deny uses the policy's default, max 1.
deny(records) := deny_with(records, {"max": 1})

deny_with(records, params) := result if {
	result := max_per_provider.deny with input as {"records": records, "params": params}
}

two_google := [linking({"id": "L1"}), linking({"id": "L2", "username": "g-2002"})]

param_finding(type) := {
	"msg": sprintf("param max must be a number, not %s", [type]),
	"subject": "",
	"record_id": "",
	"param": "max",
}

test_one_linking_per_provider_is_allowed if {
	count(deny([linking({})])) == 0
	count(deny([
		linking({"id": "L1"}),
		linking({"id": "L2", "provider": "apple"}),
		linking({"id": "L3", "provider": "line"}),
	])) == 0
}

test_two_linkings_of_one_provider_are_denied if {
	deny(two_google) == {{
		"msg": "player has 2 live google linkings, more than the maximum of 1",
		"subject": "P1",
		"record_id": "",
		"key": "google",
		"provider": "google",
		"count": 2,
		"max": 1,
		"link_ids": ["L1", "L2"],
	}}
}

test_link_ids_are_sorted if {
	records := [linking({"id": "L9"}), linking({"id": "L10"}), linking({"id": "L2"})]
	some finding in deny(records)
	finding.link_ids == ["L10", "L2", "L9"]
	finding.count == 3
}

test_one_finding_per_player_and_provider if {
	# In no order: the links of a player are found wherever they sit.
	records := [
		linking({"id": "L8", "user_id": "P3"}),
		linking({"id": "L1"}),
		linking({"id": "L3", "provider": "apple"}),
		linking({"id": "L6", "user_id": "P2"}),
		linking({"id": "L5", "provider": "line"}),
		linking({"id": "L2"}),
		linking({"id": "L7", "user_id": "P2", "provider": "apple"}),
		linking({"id": "L4", "provider": "apple"}),
		linking({"id": "L9", "user_id": "P3"}),
	]
	every f in deny(records) {
		f.key == f.provider
	}
	{[f.subject, f.provider, f.count, f.link_ids] | some f in deny(records)} == {
		["P1", "google", 2, ["L1", "L2"]],
		["P1", "apple", 2, ["L3", "L4"]],
		["P3", "google", 2, ["L8", "L9"]],
	}
}

test_max_param_sets_the_limit if {
	records := [linking({"id": "L1"}), linking({"id": "L2"}), linking({"id": "L3"})]
	count(deny_with(records, {"max": 3})) == 0

	# Exactly max is allowed; one more is not.
	count(deny_with(array.slice(records, 0, 2), {"max": 2})) == 0
	{[f.count, f.max] | some f in deny_with(records, {"max": 2})} == {[3, 2]}
	{[f.count, f.max] | some f in deny_with([linking({})], {"max": 0})} == {[1, 0]}
	msgs := {f.msg | some f in deny_with(records, {"max": 2.5})}
	msgs == {"player has 3 live google linkings, more than the maximum of 2.5"}
}

test_max_that_is_not_a_number_is_one_finding if {
	deny_with(two_google, {"max": "1"}) == {param_finding("string")}
	deny_with(two_google, {"max": null}) == {param_finding("null")}
	deny_with(two_google, {"max": true}) == {param_finding("boolean")}
	deny_with(two_google, {"max": [1]}) == {param_finding("array")}
	deny_with(two_google, {}) == {param_finding("null")}
	deny_with([], {"max": "1"}) == {param_finding("string")}
}

test_deleted_linkings_are_not_counted if {
	count(deny([linking({"id": "L1"}), linking({"id": "L2", "deletedAt": "2025-10-01T00:00:00+09:00"})])) == 0

	# Only null or missing is live: any other deletedAt, even one that is no
	# timestamp, counts as deleted, as in every linkings policy.
	count(deny([linking({"id": "L1"}), linking({"id": "L2", "deletedAt": ""})])) == 0
}

test_missing_deleted_at_counts_as_live if {
	records := [object.remove(linking({"id": "L1"}), ["deletedAt"]), linking({"id": "L2"})]
	{f.link_ids | some f in deny(records)} == {["L1", "L2"]}
}

test_providers_are_compared_exactly if {
	count(deny([linking({"id": "L1"}), linking({"id": "L2", "provider": "Google"})])) == 0
	count(deny([linking({"id": "L1"}), linking({"id": "L2", "provider": "google "})])) == 0
	{f.provider | some f in deny([linking({"id": "L1", "provider": ""}), linking({"id": "L2", "provider": ""})])} == {""}
}

test_user_ids_are_compared_exactly if {
	count(deny([linking({"id": "L1"}), linking({"id": "L2", "user_id": "p1"})])) == 0
	count(deny([linking({"id": "L1"}), linking({"id": "L2", "user_id": " P1"})])) == 0
}

test_linkings_without_a_string_provider_are_not_counted if {
	records := [
		linking({"id": "L1"}),
		linking({"id": "L2", "provider": null}),
		object.remove(linking({"id": "L3"}), ["provider"]),
		linking({"id": "L4", "provider": 7}),
		linking({"id": "L5", "provider": null}),
		linking({"id": "L6", "provider": ["google"]}),
	]
	count(deny(records)) == 0
}

test_linkings_without_a_string_user_id_are_one_unknown_player if {
	records := [
		object.remove(linking({"id": "L1"}), ["user_id"]),
		linking({"id": "L2", "user_id": null}),
		linking({"id": "L3", "user_id": 42}),
		linking({"id": "L4", "user_id": {"id": "P1"}}),
		linking({"id": "L5", "provider": "apple", "user_id": null}),
	]
	deny(records) == {{
		"msg": "player has 4 live google linkings, more than the maximum of 1",
		"subject": "",
		"record_id": "",
		"key": "google",
		"provider": "google",
		"count": 4,
		"max": 1,
		"link_ids": ["L1", "L2", "L3", "L4"],
	}}
}

test_missing_link_ids_are_empty_strings if {
	records := [object.remove(linking({}), ["id"]), linking({"id": null}), linking({"id": "L3"})]
	{f.link_ids | some f in deny(records)} == {["", "", "L3"]}
}

test_no_records_no_findings if {
	count(deny([])) == 0
}

test_findings_never_hold_personal_data if {
	findings := deny(two_google)
	count(findings) == 1
	every finding in findings {
		every value in finding {
			not contains(sprintf("%v", [value]), "example.com")
			not contains(sprintf("%v", [value]), "g-1001")
			not contains(sprintf("%v", [value]), "g-2002")
		}
	}
}

# partition_min is the fewest links of one player and provider that can be
# more than max; gpaudit leaves smaller groups out.
test_partition_min_is_the_fewest_links_over_max if {
	max_per_provider.partition_min == 2 with input.params.max as 1
	max_per_provider.partition_min == 1 with input.params.max as 0
	max_per_provider.partition_min == 3 with input.params.max as 2.5
	max_per_provider.partition_min == 0 with input.params.max as -1
}

test_partition_min_undefined_for_a_bad_max if {
	not max_per_provider.partition_min with input.params.max as "2"
	not max_per_provider.partition_min with input.params as {}
}
