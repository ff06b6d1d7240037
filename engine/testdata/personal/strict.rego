package personal.strict

# Fails at run time with an error that quotes the record's email.
deny contains "never" if {
	some r in input.records
	time.parse_rfc3339_ns(r.email) > 0
}
