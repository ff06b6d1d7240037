# METADATA
# title: Deleted chat members keep no push token
# description: >-
#   A chat member whose deleted is true violates when notifications.token is a
#   string that is not empty or only white space. An empty or white-space
#   token, a null or missing token and a null or missing notifications are no
#   token. Findings never hold the token, which is personal data: they say a
#   token is present and give notifications.device (FCM or APNS) when it is a
#   short word (up to 16 letters, digits, _ or -), else null. gpaudit never
#   passes what it could not evaluate, so a member whose deleted is true is
#   also a finding when notifications is not an object or the token is not a
#   string (a number, a list, an object, a boolean), and a member whose
#   deleted is missing, null or not a boolean is a finding when it holds a
#   token or one of those. A member whose deleted is false passes. subject and
#   record_id are the member id ("" when it has none).
# custom:
#   per_record: true
#   datasets:
#     - chat_members
#   params: {}
package ncloud_chat.members.deleted_keeps_push_token

import data.gpaudit.lib.records as lib_records

# One pass over the members: the equality test comes first, inline, so the
# members that are plainly not deleted leave at once.
deny contains finding if {
	some member in input.records
	deleted := object.get(member, "deleted", null)
	deleted != false
	notifications := object.get(member, "notifications", null)
	token := token_state(notifications)
	token != "absent"
	id := lib_records.text(object.get(member, "id", null))
	finding := {
		"msg": message(deleted, token, notifications),
		"subject": id,
		"record_id": id,
		"problem": problem(deleted, token),
		"device": device(notifications),
	}
}

# token_state says what notifications holds, without the token: "absent",
# "present", or why it cannot be read.
token_state(null) := "absent"

token_state(notifications) := state if {
	is_object(notifications)
	state := token_value(object.get(notifications, "token", null))
} else := sprintf("notifications is %s, not an object", [type_name(notifications)]) if {
	notifications != null
}

# is_string comes first: trim_space on anything else is a built-in error,
# and gpaudit evaluates with strict built-in errors.
token_value(null) := "absent"

token_value(token) := "present" if {
	is_string(token)
	trim_space(token) != ""
} else := "absent" if {
	is_string(token)
} else := sprintf("notifications.token is %s, not a string", [type_name(token)]) if {
	token != null
}

problem(true, "present") := "push token present"

problem(true, token) := token if token != "present"

problem(deleted, _) := sprintf("deleted is %s, not a boolean", [kind(deleted)]) if {
	not is_boolean(deleted)
}

message(true, "present", notifications) := sprintf(
	"deleted chat member still holds a push token%s",
	[device_note(device(notifications))],
)

message(true, token, _) := sprintf(
	"deleted chat member's push token cannot be checked: %s",
	[token],
) if {
	token != "present"
}

message(deleted, "present", _) := sprintf(
	"chat member holds a push token, but whether it is deleted cannot be told: deleted is %s, not a boolean",
	[kind(deleted)],
) if {
	not is_boolean(deleted)
}

message(deleted, token, _) := sprintf(
	"whether chat member is deleted and holds a push token cannot be told: deleted is %s, not a boolean, and %s",
	[kind(deleted), token],
) if {
	not is_boolean(deleted)
	token != "present"
}

# device is the push service, when it is a short word: a longer or odd
# value could be anything, the token itself included.
device(notifications) := value if {
	is_object(notifications)
	value := notifications.device
	is_string(value)
	regex.match(`^[A-Za-z0-9_-]{1,16}$`, value)
} else := null

device_note(null) := ""

device_note(value) := sprintf(" (%s)", [value]) if value != null

kind(null) := "null or missing"

kind(value) := type_name(value) if value != null
