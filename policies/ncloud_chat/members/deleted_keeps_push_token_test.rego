package ncloud_chat.members.deleted_keeps_push_token_test

import data.ncloud_chat.members.deleted_keeps_push_token

token := "0e01981629256ea0ed7988a5cfead00b9db92b4d0fc28f8ee0704fb29d6a7447"

# member is a deleted chat member who still holds an FCM token, with the
# given fields replaced whole (notifications included).
member(fields) := object.union(object.remove(base, object.keys(fields)), fields)

base := {
	"id": "P1",
	"member_id": "P1",
	"name": "frost_knight53",
	"remoteip": "203.0.113.16",
	"deleted": true,
	"deleted_at": "2025-12-01T00:00:00+09:00",
	"online": false,
	"notifications": {
		"token": token,
		"device": "FCM",
		"os": "Android 14",
		"push": true,
		"ad": false,
		"night": true,
		"timezone": "Asia/Seoul",
	},
}

# with_notifications replaces fields of the member's notifications.
with_notifications(fields) := member({"notifications": object.union(base.notifications, fields)})

deny(records) := result if {
	result := deleted_keeps_push_token.deny with input as {"records": records, "params": {}}
}

finding(problem, msg, device) := {
	"msg": msg,
	"subject": "P1",
	"record_id": "P1",
	"problem": problem,
	"device": device,
}

# present is the finding about a deleted member's push token.
present(msg, device) := finding("push token present", msg, device)

test_deleted_member_with_a_token_is_denied if {
	deny([member({})]) == {present("deleted chat member still holds a push token (FCM)", "FCM")}
	apns := with_notifications({"device": "APNS"})
	deny([apns]) == {present("deleted chat member still holds a push token (APNS)", "APNS")}
	deny([with_notifications({"token": " x "})]) == {present("deleted chat member still holds a push token (FCM)", "FCM")}
}

test_device_is_given_only_when_it_is_a_short_word if {
	every fields in [
		{"device": null},
		{"device": ""},
		{"device": 1},
		{"device": ["FCM"]},
		{"device": token},
		{"device": "FCM APNS"},
	] {
		deny([with_notifications(fields)]) == {present("deleted chat member still holds a push token", null)}
	}
	deny([member({"notifications": {"token": token}})]) == {present("deleted chat member still holds a push token", null)}
}

test_live_member_with_a_token_is_allowed if {
	count(deny([member({"deleted": false})])) == 0
	count(deny([member({"deleted": false, "notifications": "broken"})])) == 0
	count(deny([member({"deleted": false, "notifications": {"token": 42}})])) == 0
}

test_deleted_member_without_a_token_is_allowed if {
	every fields in [{"token": null}, {"token": ""}, {"token": " "}, {"token": "\t\n\u00a0\u3000"}] {
		count(deny([with_notifications(fields)])) == 0
	}
	count(deny([member({"notifications": null})])) == 0
	count(deny([member({"notifications": {}})])) == 0
	count(deny([object.remove(member({}), ["notifications"])])) == 0
	count(deny([member({"notifications": object.remove(base.notifications, ["token"])})])) == 0
}

test_token_that_is_not_a_string_is_denied if {
	every value in [42, true, false, [token], {"value": token}] {
		deny([with_notifications({"token": value})]) == {finding(
			sprintf("notifications.token is %s, not a string", [type_name(value)]),
			sprintf(
				"deleted chat member's push token cannot be checked: notifications.token is %s, not a string",
				[type_name(value)],
			),
			"FCM",
		)}
	}
}

test_notifications_that_are_not_an_object_are_denied if {
	every value in [token, 1, true, [{"token": token}]] {
		deny([member({"notifications": value})]) == {finding(
			sprintf("notifications is %s, not an object", [type_name(value)]),
			sprintf(
				"deleted chat member's push token cannot be checked: notifications is %s, not an object",
				[type_name(value)],
			),
			null,
		)}
	}
}

test_unreadable_deleted_with_a_token_is_denied if {
	every value in [null, "true", 1, {}] {
		deny([member({"deleted": value})]) == {finding(
			sprintf("deleted is %s, not a boolean", [kind(value)]),
			sprintf(
				"chat member holds a push token, but whether it is deleted cannot be told: deleted is %s, not a boolean",
				[kind(value)],
			),
			"FCM",
		)}
	}
	some f in deny([object.remove(member({}), ["deleted"])])
	f.problem == "deleted is null or missing, not a boolean"
}

kind(null) := "null or missing"

kind(value) := type_name(value) if value != null

test_unreadable_deleted_with_an_unreadable_token_is_denied if {
	deny([member({"deleted": null, "notifications": {"token": 7}})]) == {finding(
		"deleted is null or missing, not a boolean",
		concat(" ", [
			"whether chat member is deleted and holds a push token cannot be told:",
			"deleted is null or missing, not a boolean, and notifications.token is number, not a string",
		]),
		null,
	)}
}

test_unreadable_deleted_without_a_token_is_allowed if {
	count(deny([member({"deleted": null, "notifications": {"token": ""}})])) == 0
	count(deny([member({"deleted": "yes", "notifications": null})])) == 0
}

test_findings_never_hold_the_token if {
	records := [
		member({}),
		member({"id": "P2", "deleted": null}),
		member({"id": "P3", "notifications": token}),
		member({"id": "P4", "notifications": {"token": [token], "device": token}}),
	]
	findings := deny(records)
	count(findings) == 4
	every f in findings {
		every value in f {
			not contains(sprintf("%v", [value]), "0e0198")
			not contains(sprintf("%v", [value]), "203.0.113")
			not contains(sprintf("%v", [value]), "frost_knight")
		}
	}
}

test_missing_ids_give_empty_strings if {
	some f in deny([object.remove(member({}), ["id"])])
	f.subject == ""
	f.record_id == ""
	some g in deny([member({"id": 5})])
	g.subject == ""
}

test_every_violation_is_a_finding if {
	records := [
		member({"id": "P1"}),
		member({"id": "P2", "deleted": false}),
		member({"id": "P3", "notifications": null}),
		member({"id": "P4", "notifications": {"token": token, "device": "APNS"}}),
		member({"id": "P5", "deleted": null, "notifications": {"token": ""}}),
	]
	{[f.subject, f.problem] | some f in deny(records)} == {["P1", "push token present"], ["P4", "push token present"]}
}
