# METADATA
# title: A player has at most max live linkings of each provider
# description: >-
#   Live linking records (deletedAt null or missing; any other value counts
#   as deleted) are counted per player (user_id) and provider. A player
#   violates when they have more than max live links of one provider; exactly
#   max is allowed. There is one finding per player and provider, with the
#   player as subject, record_id "" and the provider as key (a player may
#   have too many links of several providers), naming the provider, count, max and
#   link_ids (the ids of those links, sorted; "" for a link without a string
#   id). user_id and provider are compared exactly, case and white space
#   included. Links whose user_id is missing, null or not a string are
#   counted together under the subject "", as one unknown player, so that
#   many of them still make a finding instead of passing unseen. A link whose
#   provider is missing, null or not a string is out of this rule: it cannot
#   be counted with any provider, and gamepot.linkings.provider_allowed
#   reports it. A max that is not a number is a finding of its own (subject
#   and record_id ""), and then no player is counted: nothing could be
#   compared with it.
# custom:
#   datasets:
#     - linkings
#   params:
#     max: 1
#   partition_by:
#     - user_id
#     - provider
#   partition_min: partition_min
package gamepot.linkings.max_per_provider

import data.gpaudit.lib.records as lib_records

# partition_min is how many links a player must have of one provider for
# any of them to make a finding: floor(max) + 1, the fewest that are more
# than max. gpaudit leaves the other links out of input.records (README,
# custom.partition_min), so a million players of one link each are never
# converted, grouped or looked at. With a max that is not a number it is
# undefined, and every link is given.
partition_min := floor(input.params.max) + 1 if is_number(input.params.max)

deny contains finding if {
	limit := input.params.max
	is_number(limit)

	# gpaudit.group_by_fields groups the records by user_id and provider in
	# Go, a field that is not a string counting as "", as text reads a
	# user_id: grouping by sorting costs a million-record cohort tens of
	# seconds in Rego, a rule keyed by player and provider (links[key]
	# contains i) costs time quadratic in the number of records, and even
	# building the pairs to group costs several Rego steps a record. Only
	# the groups of more than max records come back (floor(max) + 1 or
	# more; a negative max gives every group), and only their records are
	# looked at: the live ones whose provider is a string, which in one
	# group is always the same.
	groups := gpaudit.group_by_fields(input.records, ["user_id", "provider"], floor(limit) + 1)
	some [[player, provider], candidates] in groups
	links := [i |
		some i in candidates
		object.get(input.records[i], "deletedAt", null) == null
		is_string(input.records[i].provider)
	]
	count(links) > 0
	count(links) > limit
	finding := {
		"msg": sprintf("player has %d live %s linkings, more than the maximum of %v", [count(links), provider, limit]),
		"subject": player,
		"record_id": "",
		"key": provider,
		"provider": provider,
		"count": count(links),
		"max": limit,
		"link_ids": sort([lib_records.text(object.get(input.records[i], "id", null)) | some i in links]),
	}
}

# A max of another type compares with every count without an error (Rego
# orders values of different types), so every player would pass unchecked.
deny contains finding if {
	limit := object.get(input.params, "max", null)
	not is_number(limit)
	finding := {
		"msg": sprintf("param max must be a number, not %s", [type_name(limit)]),
		"subject": "",
		"record_id": "",
		"param": "max",
	}
}
