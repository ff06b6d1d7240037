package test.strict

# Strict built-in errors: a timestamp that does not parse is an error, not a
# silently undefined expression.
deny contains record.id if {
	some record in input.records
	time.parse_rfc3339_ns(record.startedAt) > input.now_ns
}
