# METADATA
# title: One provider account is linked to one player only
# description: >-
#   Live linking records (deletedAt null or missing; any other value counts
#   as deleted) with the same provider and the same username name the same
#   provider account. The account violates when its live links belong to more
#   than one player: each of those links is a finding, with the link's user_id
#   as subject and its id as record_id, so every player involved is listed
#   under their own id and can be looked up, and no finding has to stand for a
#   player it does not name. provider and username are compared exactly, case
#   and white space included. A link whose provider or username is missing,
#   null, not a string, empty or only white space is out of this rule: it
#   cannot be compared (gamepot.linkings.provider_allowed reports a provider
#   that is not a string). A link whose user_id is missing, not a string,
#   empty or only white space cannot be shown to belong to any other link's
#   player, so it counts as a player of its own: it makes its account a
#   violation as soon as the account has another live link; its finding has
#   the subject "" when the user_id is not a string. The username is an
#   account identifier of the player and never appears in a finding; a
#   finding names the provider, players (how many players the account is
#   linked to), other_user_ids (the readable user ids of the players other
#   than the subject, sorted), links_without_user_id (how many of the account's other links
#   have no readable user_id), links (how many live links the account has)
#   and link_ids (their ids, sorted; the first one is the same in every
#   finding about the account, so it tells the accounts apart). Both lists
#   hold at most their first 20 entries, which keeps the report linear in
#   size when many players share a placeholder username.
# custom:
#   datasets:
#     - linkings
#   params: {}
#   partition_by:
#     - provider
#     - username
#   partition_min: 2
package gamepot.linkings.duplicate_account

import data.gpaudit.lib.records as lib_records

# The lists a finding carries are cut to this length: a placeholder username
# shared by thousands of links would otherwise repeat thousands of ids in
# thousands of findings.
listed := 20

# accounts holds [[provider, username], links] for every account with two
# or more comparable live links, links being their indexes in input.records
# in order. gpaudit.group_by_fields groups the records by provider and
# username in Go, a field that is not a string counting as "": grouping by
# sorting costs a million-record cohort tens of seconds in Rego, a rule
# keyed by account (accounts[key] contains i) costs time quadratic in the
# number of records, and even building the pairs to group costs several
# Rego steps a record. Only the records of a group of two or more are
# looked at here. A group whose provider or username is blank holds the
# links that cannot be compared (missing, null, not a string, empty or
# only white space); in any other group every link has that very provider
# and username, and only its deletedAt is left to test. The username stays
# inside the policy; no finding reads it.
accounts := [[[provider, username], links] |
	some [[provider, username], candidates] in gpaudit.group_by_fields(input.records, ["provider", "username"], 2)
	trim_space(provider) != ""
	trim_space(username) != ""
	links := [i | some i in candidates; object.get(input.records[i], "deletedAt", null) == null]
	count(links) >= 2
]

# shared holds each account linked to more than one player, with what all
# of its findings repeat: worked out once per account, not once per link,
# so that an account shared by thousands of links costs linear time.
shared contains {
	"provider": provider,
	"links": links,
	"owners": count(owners),
	"players": players,
	"user_ids": sort(players),
	"unreadable": count(owners) - count(players),
	"link_ids": sort([lib_records.text(object.get(input.records[i], "id", null)) | some i in links]),
} if {
	some [[provider, _], links] in accounts
	owners := {owner(object.get(input.records[i], "user_id", null), i) | some i in links}
	count(owners) > 1
	players := {id | some [kind, id] in owners; kind == "player"}
}

deny contains finding if {
	some group in shared
	some i in group.links
	user_id := object.get(input.records[i], "user_id", null)
	others := count(group.players) - among(user_id, group.players)
	without := group.unreadable - unreadable(user_id)
	finding := {
		"msg": sprintf("%s account is shared with %s", [group.provider, who(group.user_ids, user_id, others, without)]),
		"subject": lib_records.text(user_id),
		"record_id": lib_records.text(object.get(input.records[i], "id", null)),
		"provider": group.provider,
		"players": group.owners,
		"other_user_ids": first(group.user_ids, user_id, listed),
		"links_without_user_id": without,
		"links": count(group.links),
		"link_ids": array.slice(group.link_ids, 0, listed),
	}
}

# owner is who a link belongs to: its player, or, when its user_id cannot be
# read, the link itself, so that it is never taken for another link's player.
owner(user_id, _) := ["player", user_id] if readable(user_id)

owner(user_id, i) := ["link", i] if not readable(user_id)

# first is the first n of the sorted player ids other than user_id. It looks
# at n + 1 of them only, since user_id is among them at most once.
first(user_ids, user_id, n) := array.slice([id | some id in array.slice(user_ids, 0, n + 1); id != user_id], 0, n)

# who lists the other owners of an account for a message: up to three player
# ids, then how many more, then the links without a player.
who(user_ids, user_id, others, without) := concat(", ", array.concat(
	named(user_ids, user_id, others),
	unnamed(without),
))

named(user_ids, user_id, others) := first(user_ids, user_id, 3) if {
	others <= 3
} else := array.concat(first(user_ids, user_id, 3), [sprintf("%d more players", [others - 3])])

unnamed(0) := []

unnamed(1) := ["1 link with no user_id"]

unnamed(n) := [sprintf("%d links with no user_id", [n])] if n > 1

# readable takes the field, not the record: a function taking a whole record
# would hash it for OPA's function cache, once per call. is_string comes
# first: trim_space on anything else is a built-in error, and gpaudit
# evaluates with strict built-in errors.
readable(user_id) if {
	is_string(user_id)
	trim_space(user_id) != ""
}

# among is 1 when the set holds user_id, else 0: how many entries leaving it
# out removes, found without copying the set once per link.
among(user_id, players) := 1 if {
	user_id in players
} else := 0

# unreadable counts a link's own user_id among those that cannot be read.
unreadable(user_id) := 0 if {
	readable(user_id)
} else := 1
