# METADATA
# title: Deleted chat members have no live linkings
# description: >-
#   Reads the chat members (the records) against the linkings cohort named in
#   the check's with as links (input.cohorts.links). links is required:
#   gpaudit rejects a check without it, and should the policy run without it
#   all the same (input.cohorts.links undefined or not an array), the check
#   fails with one finding, "with cohort links is missing", whose subject and
#   record_id are empty, and nothing else is checked. A linking belongs to the
#   member whose id is its user_id; it is live when its deletedAt is null or
#   missing, and deleted when deletedAt is a valid RFC 3339 timestamp (between
#   the years 1678 and 2261), whatever its time. A member whose deleted is
#   true violates when it has a live linking: one finding per member, subject
#   and record_id the member id, with the count of live linkings and their
#   ids, sorted (never usernames or emails). gpaudit never passes what it
#   could not evaluate, so a linking whose deletedAt is anything else (an
#   empty string, a number, another date format) may be live: it is listed
#   under unreadable_links, and makes a finding of its own for a deleted
#   member without live linkings. A member whose deleted is missing, null or
#   not a boolean is a finding when it has live or unreadable linkings, and
#   deleted or possibly deleted members whose id is missing, empty or not a
#   string give one finding with their count. A member whose deleted is false
#   passes. Linkings whose user_id is missing, empty or not a string belong to
#   no member and are not read; for the check to see every linking of a
#   member, the links cohort must not filter them out (a provider filter
#   limits the check to that provider).
# custom:
#   datasets:
#     - chat_members
#   params: {}
#   with:
#     links: linkings
#   joins:
#     links:
#       field: user_id
#       to: id
package ncloud_chat.members.deleted_has_live_links

import data.gpaudit.lib.records as lib_records
import data.gpaudit.lib.time as lib_time

deny contains finding if {
	not links_given
	finding := {
		"msg": concat(" ", [
			"with cohort links is missing: name a linkings cohort holding these members' linkings,",
			"as with = { links = cohort.NAME }",
		]),
		"subject": "",
		"record_id": "",
		"problem": "with cohort missing",
	}
}

# One pass over the members: the equality test comes first, inline, so the
# members that are plainly not deleted leave at once.
deny contains finding if {
	links_given
	some member in input.records
	deleted := object.get(member, "deleted", null)
	deleted != false
	entries := links_by_member[member.id]
	live := {id | some [id, "live"] in entries}
	unreadable := {id | some [id, "unreadable"] in entries}
	finding := {
		"msg": message(deleted, count(live), count(unreadable)),
		"subject": member.id,
		"record_id": member.id,
		"problem": problem(deleted, count(live)),
		"count": count(live),
		"links": sort(live),
		"unreadable_links": sort(unreadable),
	}
}

# Counting the members with an id, inline, is cheaper than testing each
# one for the lack of it in a function.
deny contains finding if {
	links_given
	suspected := [member | some member in input.records; object.get(member, "deleted", null) != false]
	n := count(suspected) - count([1 | some member in suspected; is_string(member.id); member.id != ""])
	n > 0
	finding := {
		"msg": sprintf(
			"%d deleted or possibly deleted chat member record(s) have no id, so their linkings cannot be looked up",
			[n],
		),
		"subject": "",
		"record_id": "",
		"problem": "no id",
		"count": n,
	}
}

# links_given is a rule of its own: OPA evaluates the reference in
# "not is_array(input.cohorts.links)" outside the negation, so with links
# missing that expression is undefined, not true.
links_given if is_array(input.cohorts.links)

# suspects are the ids of the members that are or may be deleted: the only
# ones whose linkings matter, usually few. A comprehension, not a partial
# rule: OPA would evaluate a partial set again for each key looked up.
suspects := {member.id |
	some member in input.records
	object.get(member, "deleted", null) != false
	is_string(member.id)
	member.id != ""
}

# linkings holds [user_id, id, state] of every linking of a suspect that is
# or may be live; id is "" when not a string. One pass over the linkings,
# each tested by a set lookup.
linkings contains [player, lib_records.text(object.get(link, "id", null)), state] if {
	some link in input.cohorts.links
	player := link.user_id
	player in suspects
	state := liveness(object.get(link, "deletedAt", null))
}

# links_by_member groups the linkings by member once, as a whole object, so
# the lookup per member is a key lookup: OPA indexes the inner comprehension
# on player.
links_by_member := {player: entries |
	some player in players
	entries := {[id, state] | some [p, id, state] in linkings; p == player}
}

players := {player | some [player, _, _] in linkings}

# liveness is "live" for a null deletedAt, "unreadable" for one instant
# cannot read, and undefined for a deleted linking.
liveness(null) := "live"

liveness(deleted_at) := "unreadable" if {
	deleted_at != null
	not lib_time.instant(deleted_at)
}

problem(true, 0) := "unreadable deletedAt"

problem(true, n) := "live linkings" if n > 0

problem(deleted, _) := sprintf("deleted is %s, not a boolean", [kind(deleted)]) if {
	not is_boolean(deleted)
}

message(true, 0, unreadable) := sprintf(
	"deleted chat member may still have live linkings: %s",
	[linkings_phrase(0, unreadable)],
)

message(true, live, unreadable) := sprintf(
	"deleted chat member still has %s",
	[linkings_phrase(live, unreadable)],
) if {
	live > 0
}

message(deleted, live, unreadable) := sprintf(
	"chat member has %s, and whether it is deleted cannot be told: deleted is %s, not a boolean",
	[linkings_phrase(live, unreadable), kind(deleted)],
) if {
	not is_boolean(deleted)
}

linkings_phrase(live, 0) := sprintf("%d live linking(s)", [live])

linkings_phrase(0, unreadable) := sprintf("%d linking(s) with an unreadable deletedAt", [unreadable]) if unreadable > 0

linkings_phrase(live, unreadable) := sprintf(
	"%d live linking(s) and %d with an unreadable deletedAt",
	[live, unreadable],
) if {
	live > 0
	unreadable > 0
}

kind(null) := "null or missing"

kind(value) := type_name(value) if value != null
