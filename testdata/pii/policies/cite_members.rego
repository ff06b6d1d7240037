package pii.cite_members

# A finding per chat member, citing its IP address in the message and in
# free text, and its push token and ad id under their keys.
deny contains {
	"msg": sprintf("member signed in from %s", [r.remoteip]),
	"subject": r.member_id,
	"record_id": r.id,
	"remoteip": r.remoteip,
	"adid": object.get(r, "adid", null),
	"push_token": token(r),
	"notifications": object.get(r, "notifications", null),
	"seen": [{"note": sprintf("last seen at %s", [r.remoteip])}],
} if {
	some r in input.records
}

token(r) := t if {
	is_object(r.notifications)
	t := object.get(r.notifications, "token", null)
} else := null
