package pii.cite_links

# A finding per linking with an email, citing it in the message, under its
# own key and inside free text of a nested detail.
deny contains {
	"msg": sprintf("linking %s has email %s", [r.provider, r.email]),
	"subject": r.user_id,
	"record_id": r.id,
	"email": r.email,
	"contact": {"lines": [sprintf("write to %s", [r.email])]},
} if {
	some r in input.records
	is_string(r.email)
	trim_space(r.email) != ""
}

# A warning per linking too: warnings are findings of their own.
warn contains {
	"msg": sprintf("linking %s of %s", [r.id, r.email]),
	"subject": r.user_id,
	"record_id": r.id,
} if {
	some r in input.records
	is_string(r.email)
	trim_space(r.email) != ""
}
