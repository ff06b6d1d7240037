# METADATA
# title: Live linkings use an allowed provider
# description: >-
#   A linking record whose deletedAt is null or missing (any other value
#   counts as deleted) violates when its provider is not one of the strings
#   in allowed, compared exactly, case and white space included; a provider
#   that is missing, null or not a string is never allowed. There is one
#   finding per link, with its user_id as subject ("" when that is not a
#   string) and its id as record_id, naming the problem (not allowed,
#   missing, null or not a string), the provider and the allowed list,
#   sorted. The default allowed list holds the sign-in providers GAMEPOT
#   documents or answers with in linkings (apple, facebook, google, guest,
#   line, naver, steam, twitter): it catches misspelt and unknown providers;
#   narrow it to the providers a game enables, for instance without guest.
#   An allowed that is not a list is a finding of its own (subject and
#   record_id ""), and then no link is checked: every one would fail for a
#   mistake in the configuration. Entries of allowed that are not strings
#   allow nothing.
# custom:
#   per_record: true
#   fields:
#     - deletedAt
#     - id
#     - provider
#     - user_id
#   datasets:
#     - linkings
#   params:
#     allowed:
#       - apple
#       - facebook
#       - google
#       - guest
#       - line
#       - naver
#       - steam
#       - twitter
package gamepot.linkings.provider_allowed

import data.gpaudit.lib.records as lib_records

# allowed is the set of allowed providers: a set makes each test one lookup.
# It is undefined when the param is not a list, and so is every finding but
# the one about the param.
allowed := {provider | some provider in input.params.allowed; is_string(provider)} if is_list(input.params.allowed)

# allowed_list is what findings show, sorted once for all of them.
allowed_list := sort(allowed)

default allowed_text := "none"

allowed_text := concat(", ", allowed_list) if count(allowed_list) > 0

deny contains finding if {
	is_set(allowed)
	some record in input.records

	# The provider first: most links have an allowed one and leave here,
	# before their deletedAt is read.
	provider := object.get(record, "provider", null)
	not provider in allowed
	object.get(record, "deletedAt", null) == null
	reason := problem(provider, "provider" in object.keys(record))
	finding := {
		"msg": message(provider, reason),
		"subject": lib_records.text(object.get(record, "user_id", null)),
		"record_id": lib_records.text(object.get(record, "id", null)),
		"problem": reason,
		"provider": provider,
		"allowed": allowed_list,
	}
}

# An allowed list in the wrong shape would fail every link for a mistake in
# the configuration: one finding says so instead.
deny contains finding if {
	value := object.get(input.params, "allowed", null)
	not is_list(value)
	finding := {
		"msg": sprintf("param allowed must be a list of provider names, not %s", [type_name(value)]),
		"subject": "",
		"record_id": "",
		"param": "allowed",
	}
}

is_list(value) if is_array(value)

is_list(value) if is_set(value)

message(provider, "not allowed") := sprintf(
	"live linking of provider %q is not allowed (allowed: %s)",
	[provider, allowed_text],
)

message(_, reason) := sprintf("live linking has no usable provider: %s", [reason]) if reason != "not allowed"

# problem says why a provider is not allowed. It takes whether the record
# has the key, not the record: a function taking a whole record would hash it
# for OPA's function cache, once per call.
problem(null, false) := "missing"

problem(null, true) := "null"

problem(provider, _) := "not allowed" if is_string(provider)

problem(provider, _) := "not a string" if {
	provider != null
	not is_string(provider)
}
