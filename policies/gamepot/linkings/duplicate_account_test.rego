package gamepot.linkings.duplicate_account_test

import data.gamepot.linkings.duplicate_account

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

deny(records) := result if {
	result := duplicate_account.deny with input as {"records": records, "params": {}}
}

# shared_pair is the same google account linked to P1 (L1) and P2 (L2).
shared_pair := [linking({"id": "L1"}), linking({"id": "L2", "user_id": "P2"})]

# brief is what a test compares of a finding when the rest is tested elsewhere.
brief(findings) := {[f.subject, f.record_id, f.msg] | some f in findings}

test_two_players_on_one_account_are_both_denied if {
	deny(shared_pair) == {
		{
			"msg": "google account is shared with P2",
			"subject": "P1",
			"record_id": "L1",
			"provider": "google",
			"players": 2,
			"other_user_ids": ["P2"],
			"links_without_user_id": 0,
			"links": 2,
			"link_ids": ["L1", "L2"],
		},
		{
			"msg": "google account is shared with P1",
			"subject": "P2",
			"record_id": "L2",
			"provider": "google",
			"players": 2,
			"other_user_ids": ["P1"],
			"links_without_user_id": 0,
			"links": 2,
			"link_ids": ["L1", "L2"],
		},
	}
}

test_distinct_accounts_are_allowed if {
	count(deny([linking({"id": "L1"})])) == 0
	count(deny([linking({"id": "L1"}), linking({"id": "L2", "user_id": "P2", "username": "g-2002"})])) == 0
	count(deny([linking({"id": "L1"}), linking({"id": "L2", "user_id": "P2", "provider": "apple"})])) == 0
}

test_one_player_linked_twice_is_allowed if {
	count(deny([linking({"id": "L1"}), linking({"id": "L2"})])) == 0
}

test_every_link_of_a_shared_account_is_a_finding if {
	records := [linking({"id": "L1"}), linking({"id": "L2"}), linking({"id": "L3", "user_id": "P2"})]
	findings := deny(records)
	brief(findings) == {
		["P1", "L1", "google account is shared with P2"],
		["P1", "L2", "google account is shared with P2"],
		["P2", "L3", "google account is shared with P1"],
	}
	every f in findings {
		f.players == 2
		f.links == 3
		f.link_ids == ["L1", "L2", "L3"]
	}
}

test_other_user_ids_are_sorted_and_leave_out_the_subject if {
	records := [
		linking({"id": "L1", "user_id": "P3"}),
		linking({"id": "L2", "user_id": "P1"}),
		linking({"id": "L3", "user_id": "P2"}),
	]
	{[f.subject, f.other_user_ids] | some f in deny(records)} == {
		["P1", ["P2", "P3"]],
		["P2", ["P1", "P3"]],
		["P3", ["P1", "P2"]],
	}
	{f.msg | some f in deny(records); f.subject == "P2"} == {"google account is shared with P1, P3"}
}

test_message_names_three_players_then_how_many_more if {
	records := [linking({"id": sprintf("L%d", [n]), "user_id": sprintf("P%d", [n])}) | some n in numbers.range(1, 6)]
	{f.msg | some f in deny(records); f.subject == "P1"} == {"google account is shared with P2, P3, P4, 2 more players"}
	{f.msg | some f in deny(records); f.subject == "P4"} == {"google account is shared with P1, P2, P3, 2 more players"}
	{f.msg | some f in deny(array.slice(records, 0, 4)); f.subject == "P4"} == {"google account is shared with P1, P2, P3"}
}

test_lists_hold_at_most_twenty_entries if {
	records := [linking({"id": sprintf("L%02d", [n]), "user_id": sprintf("P%02d", [n])}) | some n in numbers.range(1, 25)]
	findings := deny(records)
	count(findings) == 25
	every f in findings {
		f.players == 25
		f.links == 25
		f.link_ids == [sprintf("L%02d", [n]) | some n in numbers.range(1, 20)]
		count(f.other_user_ids) == 20
	}
	first_others := [sprintf("P%02d", [n]) | some n in numbers.range(2, 21)]
	{f.other_user_ids | some f in findings; f.subject == "P01"} == {first_others}
	last_others := [sprintf("P%02d", [n]) | some n in numbers.range(1, 20)]
	{f.other_user_ids | some f in findings; f.subject == "P25"} == {last_others}
	{f.msg | some f in findings; f.subject == "P01"} == {"google account is shared with P02, P03, P04, 21 more players"}
}

# The links of an account are found wherever they sit among the records.
test_separate_accounts_are_separate_groups if {
	records := [
		linking({"id": "L4", "user_id": "P4", "username": "g-3003"}),
		linking({"id": "L1"}),
		linking({"id": "L5", "user_id": "P5", "provider": "apple"}),
		linking({"id": "L3", "user_id": "P3", "username": "g-3003"}),
		linking({"id": "L6", "user_id": "P6", "provider": "apple", "username": "a-6006"}),
		linking({"id": "L2", "user_id": "P2"}),
	]
	{[f.subject, f.record_id, f.link_ids] | some f in deny(records)} == {
		["P1", "L1", ["L1", "L2"]],
		["P2", "L2", ["L1", "L2"]],
		["P3", "L3", ["L3", "L4"]],
		["P4", "L4", ["L3", "L4"]],
	}
}

test_same_username_of_other_providers_is_allowed if {
	records := [
		linking({"id": "L1", "provider": "google"}),
		linking({"id": "L2", "user_id": "P2", "provider": "apple"}),
		linking({"id": "L3", "user_id": "P3", "provider": "line"}),
	]
	count(deny(records)) == 0
}

test_usernames_and_providers_are_compared_exactly if {
	count(deny([linking({"id": "L1"}), linking({"id": "L2", "user_id": "P2", "username": "G-1001"})])) == 0
	count(deny([linking({"id": "L1"}), linking({"id": "L2", "user_id": "P2", "username": "g-1001 "})])) == 0
	count(deny([linking({"id": "L1"}), linking({"id": "L2", "user_id": "P2", "provider": "Google"})])) == 0
	count(deny([linking({"id": "L1"}), linking({"id": "L2", "user_id": "P2", "provider": " google"})])) == 0
}

test_user_ids_are_compared_exactly if {
	brief(deny([linking({"id": "L1"}), linking({"id": "L2", "user_id": "p1"})])) == {
		["P1", "L1", "google account is shared with p1"],
		["p1", "L2", "google account is shared with P1"],
	}
}

test_deleted_linkings_are_not_counted if {
	count(deny([
		linking({"id": "L1"}),
		linking({"id": "L2", "user_id": "P2", "deletedAt": "2025-10-01T00:00:00+09:00"}),
	])) == 0
	count(deny([
		linking({"id": "L1", "deletedAt": "2025-10-01T00:00:00Z"}),
		linking({"id": "L2", "user_id": "P2", "deletedAt": "2025-10-01T00:00:00Z"}),
	])) == 0

	# Only null or missing is live: any other deletedAt, even one that is no
	# timestamp, counts as deleted, as in every linkings policy.
	count(deny([linking({"id": "L1"}), linking({"id": "L2", "user_id": "P2", "deletedAt": "soon"})])) == 0
}

test_deleted_linkings_are_not_listed if {
	records := array.concat(shared_pair, [linking({"id": "L3", "user_id": "P3", "deletedAt": "2025-10-01T00:00:00Z"})])
	every f in deny(records) {
		f.link_ids == ["L1", "L2"]
		f.players == 2
		f.links == 2
	}
	count(deny(records)) == 2
}

test_missing_deleted_at_counts_as_live if {
	records := [object.remove(linking({"id": "L1"}), ["deletedAt"]), linking({"id": "L2", "user_id": "P2"})]
	{f.record_id | some f in deny(records)} == {"L1", "L2"}
}

test_linkings_without_a_comparable_username_are_out_of_scope if {
	every username in [null, "", " ", "\t\u3000", 1001, false, ["g-1001"], {"id": "g-1001"}] {
		count(deny([
			linking({"id": "L1", "username": username}),
			linking({"id": "L2", "user_id": "P2", "username": username}),
		])) == 0
	}
	count(deny([
		object.remove(linking({"id": "L1"}), ["username"]),
		object.remove(linking({"id": "L2", "user_id": "P2"}), ["username"]),
	])) == 0
}

test_linkings_without_a_comparable_provider_are_out_of_scope if {
	every provider in [null, "", " ", 1, true, ["google"]] {
		count(deny([
			linking({"id": "L1", "provider": provider}),
			linking({"id": "L2", "user_id": "P2", "provider": provider}),
		])) == 0
	}
	count(deny([
		object.remove(linking({"id": "L1"}), ["provider"]),
		object.remove(linking({"id": "L2", "user_id": "P2"}), ["provider"]),
	])) == 0
}

# A link whose user_id cannot be read cannot be shown to be P1's: it counts
# as a player of its own.
test_linking_without_a_user_id_is_a_player_of_its_own if {
	records := [linking({"id": "L1"}), object.remove(linking({"id": "L2"}), ["user_id"])]
	deny(records) == {
		{
			"msg": "google account is shared with 1 link with no user_id",
			"subject": "P1",
			"record_id": "L1",
			"provider": "google",
			"players": 2,
			"other_user_ids": [],
			"links_without_user_id": 1,
			"links": 2,
			"link_ids": ["L1", "L2"],
		},
		{
			"msg": "google account is shared with P1",
			"subject": "",
			"record_id": "L2",
			"provider": "google",
			"players": 2,
			"other_user_ids": ["P1"],
			"links_without_user_id": 0,
			"links": 2,
			"link_ids": ["L1", "L2"],
		},
	}
}

test_every_unreadable_user_id_is_a_player_of_its_own if {
	every user_id in [null, 42, true, {"id": "P1"}, ["P1"], "", " "] {
		brief(deny([linking({"id": "L1"}), linking({"id": "L2", "user_id": user_id})])) == {
			["P1", "L1", "google account is shared with 1 link with no user_id"],
			[text(user_id), "L2", "google account is shared with P1"],
		}
	}

	# Two of them are two players, not one, even with the same value.
	brief(deny([linking({"id": "L1", "user_id": null}), linking({"id": "L2", "user_id": null})])) == {
		["", "L1", "google account is shared with 1 link with no user_id"],
		["", "L2", "google account is shared with 1 link with no user_id"],
	}
	{f.players | some f in deny([linking({"id": "L1", "user_id": ""}), linking({"id": "L2", "user_id": ""})])} == {2}
}

test_message_names_players_before_links_without_a_user_id if {
	records := [
		linking({"id": "L1"}),
		linking({"id": "L2", "user_id": "P2"}),
		linking({"id": "L3", "user_id": null}),
		object.remove(linking({"id": "L4"}), ["user_id"]),
	]
	findings := deny(records)
	brief(findings) == {
		["P1", "L1", "google account is shared with P2, 2 links with no user_id"],
		["P2", "L2", "google account is shared with P1, 2 links with no user_id"],
		["", "L3", "google account is shared with P1, P2, 1 link with no user_id"],
		["", "L4", "google account is shared with P1, P2, 1 link with no user_id"],
	}
	every f in findings {
		f.players == 4
		f.links == 4
	}
	{[f.record_id, f.links_without_user_id, f.other_user_ids] | some f in findings} == {
		["L1", 2, ["P2"]],
		["L2", 2, ["P1"]],
		["L3", 1, ["P1", "P2"]],
		["L4", 1, ["P1", "P2"]],
	}
}

test_missing_link_ids_give_empty_strings if {
	records := [
		object.remove(linking({}), ["id"]),
		linking({"id": 9, "user_id": "P2"}),
		linking({"id": "L3", "user_id": "P3"}),
	]
	findings := deny(records)
	count(findings) == 3
	{f.record_id | some f in findings} == {"", "L3"}
	every f in findings {
		f.link_ids == ["", "", "L3"]
	}
}

test_no_records_no_findings if {
	count(deny([])) == 0
}

test_findings_never_hold_the_username_or_email if {
	records := [
		linking({"id": "L1"}),
		linking({"id": "L2", "user_id": "P2"}),
		linking({"id": "L3", "user_id": null}),
		linking({"id": "L4", "user_id": "P4", "provider": "apple", "username": "001.apple-secret"}),
		linking({"id": "L5", "user_id": "P5", "provider": "apple", "username": "001.apple-secret"}),
	]
	findings := deny(records)
	count(findings) == 5
	every finding in findings {
		every value in finding {
			not contains(sprintf("%v", [value]), "g-1001")
			not contains(sprintf("%v", [value]), "apple-secret")
			not contains(sprintf("%v", [value]), "example.com")
		}
	}
}

text(value) := value if {
	is_string(value)
} else := ""
