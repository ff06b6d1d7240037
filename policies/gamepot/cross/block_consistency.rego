# METADATA
# title: Blocks agree between memberblock and the v1 user_block API
# description: >-
#   Compares the records (memberblock blocks) with the user_block cohort named
#   in the check's with as v1 (input.cohorts.v1). v1 is required: gpaudit
#   rejects a check without it, and should the policy run without it all the
#   same (input.cohorts.v1 undefined or not an array), the check fails with
#   one finding, "with cohort v1 is missing", whose subject and record_id are
#   empty, and nothing else is compared. A block of either side is active now
#   when its status is 1 (the number), deleted is false, startedAt is at or
#   before now and endedAt is null, missing or later than now; timestamps are
#   compared as instants, so their offsets may differ (+09:00 and Z). Any
#   other status or deleted value makes a block inactive. A player (member_id)
#   is blocked per a side when that side holds an active block of the player.
#   Every player with a block in either side's records is compared, and a
#   player missing from one side counts as not blocked per that side. This
#   takes the v1 cohort to have looked up every player of the records (users =
#   cohort.<the check's cohort>), and the memberblock cohort to hold every
#   block of the players in v1, with no filter that drops active blocks;
#   otherwise a missing player reads as not blocked. A player violates when
#   blocked per one side and not per the other: one finding per player, whose
#   record_id is the blocked side's active block id (the first in sort order
#   when there are several). A block with status 1 and deleted false whose
#   startedAt is missing, null or not a valid RFC 3339 timestamp (between the
#   years 1678 and 2261), or whose endedAt is not null and not one, is
#   unreadable unless its other timestamp rules now out (a readable endedAt at
#   or before now, or a readable startedAt later than now). A player with an
#   unreadable block is a finding of its own, record_id the first unreadable
#   block id, unless both sides hold an active block, or the side without
#   unreadable blocks is not blocked while the other one is (a plain
#   disagreement): gpaudit never passes what it could not evaluate. An active
#   or unreadable block whose member_id is missing, empty or not a string
#   cannot be compared and is a finding of its own, record_id its id and key
#   its dataset and window ("memberblock active"), since one block id may
#   be in both sides. Details list the active and unreadable block ids of
#   each side, sorted.
# custom:
#   datasets:
#     - memberblock
#   params: {}
#   with:
#     v1: user_block
package gamepot.cross.block_consistency

import data.gpaudit.lib.blocks as lib_blocks
import data.gpaudit.lib.records as lib_records

deny contains finding if {
	not v1_given
	finding := {
		"msg": concat(" ", [
			"with cohort v1 is missing: name a user_block cohort that looked up this cohort's players,",
			"as with = { v1 = cohort.NAME }",
		]),
		"subject": "",
		"record_id": "",
		"problem": "with cohort missing",
	}
}

# One finding per player whose sides disagree or cannot be compared. The
# grouping below is one pass over each side, so this loops over players only.
deny contains finding if {
	v1_given
	some player, entries in by_player
	mb_active := {id | some ["memberblock", id, "active"] in entries}
	mb_unreadable := {id | some ["memberblock", id, "unreadable"] in entries}
	v1_active := {id | some ["user_block", id, "active"] in entries}
	v1_unreadable := {id | some ["user_block", id, "unreadable"] in entries}
	problem := disagreement(count(mb_active), count(mb_unreadable), count(v1_active), count(v1_unreadable))
	finding := {
		"msg": message(problem, count(mb_active), count(v1_active), count(mb_unreadable | v1_unreadable)),
		"subject": player,
		"record_id": first_id(problem, mb_active, v1_active, mb_unreadable | v1_unreadable),
		"problem": problem,
		"memberblock_active": sort(mb_active),
		"memberblock_unreadable": sort(mb_unreadable),
		"user_block_active": sort(v1_active),
		"user_block_unreadable": sort(v1_unreadable),
	}
}

# A block that may be in force but names no player cannot be compared.
deny contains finding if {
	v1_given
	some [side, "", id, state] in windows
	finding := {
		"msg": sprintf("%s block that is %s has no member_id, so it cannot be compared", [side, wording[state]]),
		"subject": "",
		"record_id": id,
		"key": sprintf("%s %s", [side, state]),
		"problem": "no member_id",
		"dataset": side,
		"window": state,
	}
}

# v1_given is a rule of its own: OPA evaluates the reference in
# "not is_array(input.cohorts.v1)" outside the negation, so with v1 missing
# that expression is undefined, not true.
v1_given if is_array(input.cohorts.v1)

wording := {"active": "active now", "unreadable": "possibly active (unreadable window)"}

# sides names the two cohorts compared, so one rule reads both.
sides := {"memberblock": input.records, "user_block": input.cohorts.v1}

# windows holds [side, member_id, id, window] of every block of either side
# that is or may be active; member_id and id are "" when not a string. The
# cheap equality tests come first, so most blocks leave early, and no
# function takes a whole block, which OPA would hash for its function cache.
windows contains [side, member_id, id, state] if {
	some side, records in sides
	some block in records
	block.status == 1
	block.deleted == false
	state := lib_blocks.window(object.get(block, "startedAt", null), object.get(block, "endedAt", null))
	member_id := lib_records.text(object.get(block, "member_id", null))
	id := lib_records.text(object.get(block, "id", null))
}

# by_player groups the windows by player once: OPA indexes the inner
# comprehension on player, so this is no loop over all blocks per player.
# The outer loop runs over distinct players, which halves the time over
# looping on the windows themselves.
by_player := {player: entries |
	some player in players
	entries := {[side, id, state] | some [side, p, id, state] in windows; p == player}
}

players := {player | some [_, player, _, _] in windows; player != ""}

# disagreement names what is wrong with a player's counts of active and
# unreadable blocks per side; undefined when the sides agree.
disagreement(mb_active, _, 0, 0) := "blocked only per memberblock" if mb_active > 0

disagreement(0, 0, v1_active, _) := "blocked only per user_block" if v1_active > 0

disagreement(mb_active, mb_unreadable, v1_active, v1_unreadable) := "unreadable window" if {
	mb_unreadable + v1_unreadable > 0
	0 in {mb_active, v1_active}
	not plain(mb_active, mb_unreadable, v1_active, v1_unreadable)
}

# plain holds when one side is blocked and the other has no block at all
# that may be active: that disagreement is reported as such.
plain(mb_active, _, 0, 0) if mb_active > 0

plain(0, 0, v1_active, _) if v1_active > 0

message("blocked only per memberblock", n, _, _) := sprintf(
	"player is blocked now per memberblock (%d active block(s)) but not per user_block",
	[n],
)

message("blocked only per user_block", _, n, _) := sprintf(
	"player is blocked now per user_block (%d active block(s)) but not per memberblock",
	[n],
)

message("unreadable window", _, _, n) := sprintf(
	"whether the player is blocked now cannot be compared: %d block(s) have an unreadable startedAt or endedAt",
	[n],
)

first_id("blocked only per memberblock", ids, _, _) := sort(ids)[0]

first_id("blocked only per user_block", _, ids, _) := sort(ids)[0]

first_id("unreadable window", _, _, ids) := sort(ids)[0]
