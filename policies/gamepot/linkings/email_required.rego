# METADATA
# title: Live linkings of a provider carry an email
# description: >-
#   A linking record of the given provider whose deletedAt is null or missing
#   violates when its email is missing, null, not a string, empty, or only
#   white space. Findings say which of these it is, never the email itself.
# custom:
#   per_record: true
#   fields:
#     - deletedAt
#     - email
#     - id
#     - provider
#     - user_id
#   datasets:
#     - linkings
#   params:
#     provider: google
package gamepot.linkings.email_required

deny contains finding if {
	some record in input.records
	record.provider == input.params.provider
	object.get(record, "deletedAt", null) == null
	not usable(object.get(record, "email", null))
	finding := {
		"msg": sprintf("%s linking has no email: %s", [input.params.provider, problem(record)]),
		"subject": text(record, "user_id"),
		"record_id": text(record, "id"),
		"provider": input.params.provider,
		"problem": problem(record),
	}
}

# usable takes the email, not the record: a function taking a whole record
# would hash it for OPA's function cache, once per record. is_string comes
# first: trim_space on anything else is a built-in error, and gpaudit
# evaluates with strict built-in errors.
usable(email) if {
	is_string(email)
	trim_space(email) != ""
}

# problem names what is wrong with an email has_email rejected, without
# repeating the value: it is personal data.
problem(record) := "missing" if {
	not has_key(record, "email")
} else := "null" if {
	record.email == null
} else := "not a string" if {
	not is_string(record.email)
} else := "empty" if {
	record.email == ""
} else := "only white space"

has_key(obj, key) if {
	_ = obj[key]
}

# text is the string at key, or "" when the record has none, so a finding
# always carries string ids.
text(record, key) := value if {
	value := record[key]
	is_string(value)
} else := ""
