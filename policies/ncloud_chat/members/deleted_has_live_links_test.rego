package ncloud_chat.members.deleted_has_live_links_test

import data.ncloud_chat.members.deleted_has_live_links

# member is a deleted chat member, with the given fields replaced.
member(fields) := object.union(
	{
		"id": "P1",
		"member_id": "P1",
		"name": "frost_knight53",
		"remoteip": "203.0.113.16",
		"deleted": true,
		"deleted_at": "2025-12-01T00:00:00+09:00",
		"online": false,
	},
	fields,
)

# link is a live google linking of P1, with the given fields replaced.
link(fields) := object.union(
	{
		"id": "L1",
		"username": "146449401275669482221",
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

gone := {"deletedAt": "2025-12-01T00:00:00+09:00"}

deny(members, links) := result if {
	result := deleted_has_live_links.deny with input as {
		"records": members,
		"params": {},
		"cohorts": {"links": links},
		"now": "2026-01-01T00:00:00Z",
		"now_ns": time.parse_rfc3339_ns("2026-01-01T00:00:00Z"),
	}
}

# one is the only finding of members against links.
one(members, links) := finding if {
	findings := deny(members, links)
	count(findings) == 1
	some finding in findings
}

test_with_cohort_missing_is_denied if {
	missing := {
		"msg": concat(" ", [
			"with cohort links is missing: name a linkings cohort holding these members' linkings,",
			"as with = { links = cohort.NAME }",
		]),
		"subject": "",
		"record_id": "",
		"problem": "with cohort missing",
	}
	every cohorts in [{}, {"blocks": [link({})]}, {"links": null}, {"links": {"P1": link({})}}] {
		findings := deleted_has_live_links.deny with input as {
			"records": [member({}), member({"id": null})],
			"params": {},
			"cohorts": cohorts,
		}
		findings == {missing}
	}
}

test_deleted_member_with_live_linkings_is_denied if {
	links := [
		link({"id": "L2"}),
		link({"id": "L1", "provider": "apple"}),
		link({"id": "L3", "deletedAt": "2025-12-01T00:00:00Z"}),
	]
	deny([member({})], links) == {{
		"msg": "deleted chat member still has 2 live linking(s)",
		"subject": "P1",
		"record_id": "P1",
		"problem": "live linkings",
		"count": 2,
		"links": ["L1", "L2"],
		"unreadable_links": [],
	}}
}

test_missing_deleted_at_counts_as_live if {
	one([member({})], [object.remove(link({}), ["deletedAt"])]).links == ["L1"]
}

test_deleted_member_without_live_linkings_is_allowed if {
	count(deny([member({})], [])) == 0
	count(deny([member({})], [link(gone)])) == 0
	count(deny([member({})], [link({"deletedAt": "2099-01-01T00:00:00Z"})])) == 0
	count(deny([member({})], [link({"user_id": "P2"})])) == 0
}

test_live_member_is_allowed if {
	count(deny([member({"deleted": false})], [link({}), link({"id": "L2", "deletedAt": ""})])) == 0
	count(deny([member({"deleted": false, "id": null})], [link({})])) == 0
}

test_unreadable_deleted_at_may_be_live if {
	every value in ["", "yesterday", 1764514800, "2025-02-29T00:00:00Z", true, {}] {
		deny([member({})], [link({"deletedAt": value})]) == {{
			"msg": "deleted chat member may still have live linkings: 1 linking(s) with an unreadable deletedAt",
			"subject": "P1",
			"record_id": "P1",
			"problem": "unreadable deletedAt",
			"count": 0,
			"links": [],
			"unreadable_links": ["L1"],
		}}
	}
}

test_live_and_unreadable_linkings_share_one_finding if {
	finding := one([member({})], [link({"id": "L1"}), link({"id": "L2", "deletedAt": ""})])
	finding.msg == "deleted chat member still has 1 live linking(s) and 1 with an unreadable deletedAt"
	finding.problem == "live linkings"
	finding.links == ["L1"]
	finding.unreadable_links == ["L2"]
}

test_unreadable_deleted_with_linkings_is_denied if {
	every value in [null, "true", 1, []] {
		deny([member({"deleted": value})], [link({})]) == {{
			"msg": sprintf(
				"chat member has 1 live linking(s), and whether it is deleted cannot be told: deleted is %s, not a boolean",
				[kind(value)],
			),
			"subject": "P1",
			"record_id": "P1",
			"problem": sprintf("deleted is %s, not a boolean", [kind(value)]),
			"count": 1,
			"links": ["L1"],
			"unreadable_links": [],
		}}
	}
	one([object.remove(member({}), ["deleted"])], [link({"deletedAt": ""})]).msg == concat(" ", [
		"chat member has 1 linking(s) with an unreadable deletedAt,",
		"and whether it is deleted cannot be told: deleted is null or missing, not a boolean",
	])
}

kind(null) := "null or missing"

kind(value) := type_name(value) if value != null

test_unreadable_deleted_without_linkings_is_allowed if {
	count(deny([member({"deleted": null})], [])) == 0
	count(deny([member({"deleted": null})], [link(gone)])) == 0
}

test_linkings_without_a_user_id_are_not_read if {
	count(deny([member({})], [link({"user_id": null}), object.remove(link({}), ["user_id"]), link({"user_id": 1})])) == 0
}

test_deleted_members_without_an_id_are_counted if {
	members := [
		member({"id": null}),
		object.remove(member({}), ["id"]),
		member({"id": ""}),
		member({"id": 7, "deleted": null}),
		member({"id": null, "deleted": false}),
		member({"id": "P2"}),
	]
	deny(members, [link({"user_id": ""})]) == {{
		"msg": "4 deleted or possibly deleted chat member record(s) have no id, so their linkings cannot be looked up",
		"subject": "",
		"record_id": "",
		"problem": "no id",
		"count": 4,
	}}
}

test_missing_link_ids_give_empty_strings if {
	one([member({})], [object.remove(link({}), ["id"])]).links == [""]
	one([member({})], [link({"id": 3})]).links == [""]
}

test_findings_never_hold_personal_data if {
	findings := deny([member({}), member({"id": "P2", "deleted": null})], [link({}), link({"id": "L2", "user_id": "P2"})])
	count(findings) == 2
	every finding in findings {
		every value in finding {
			not contains(sprintf("%v", [value]), "example.com")
			not contains(sprintf("%v", [value]), "1464494012")
			not contains(sprintf("%v", [value]), "203.0.113")
			not contains(sprintf("%v", [value]), "frost_knight")
		}
	}
}

test_every_violation_is_a_finding if {
	members := [
		member({"id": "P1"}),
		member({"id": "P2"}),
		member({"id": "P3", "deleted": false}),
		member({"id": "P4"}),
	]
	links := [
		link({"id": "L1", "user_id": "P1"}),
		link({"id": "L2", "user_id": "P1"}),
		link({"id": "L3", "user_id": "P2", "deletedAt": "2025-12-01T00:00:00Z"}),
		link({"id": "L4", "user_id": "P3"}),
		link({"id": "L5", "user_id": "P4", "provider": "apple"}),
		link({"id": "L6", "user_id": "P5"}),
	]
	{[f.subject, f.count, f.links] | some f in deny(members, links)} == {["P1", 2, ["L1", "L2"]], ["P4", 1, ["L5"]]}
}
