package personal.cite

# Cites the personal data of each record, as a careless policy might, in its
# messages and in details at every depth.
deny contains {
	"msg": sprintf("%s signed in from %s", [r.email, r.remoteip]),
	"subject": r.user_id,
	"record_id": r.id,
	"email": r.email,
	"notifications": {"token": r.token, "device": "FCM"},
	"seen": [r.remoteip, "1.5.1"],
	"adid": r.adid,
} if {
	some r in input.records
}

warn contains {"msg": sprintf("warned %s", [r.email]), "record_id": r.id} if {
	some r in input.records
}
