# METADATA
# title: A player has at most one active block
# description: >-
#   A block record is active when its status is 1 (the number), deleted is
#   false, startedAt is at or before now and endedAt is null, missing or
#   later than now; timestamps are compared as instants, so their offsets
#   may differ (+09:00 and Z). A player (member_id) with more than one
#   active block violates, with one finding for the player, not one per
#   block: record_id is empty and the details give the block ids, sorted,
#   and their count. A block with status 1 and deleted false whose startedAt
#   is missing, null or not a valid RFC 3339 timestamp (between the years
#   1678 and 2261), or whose endedAt is not null and not one, is counted as
#   possibly active unless its other timestamp rules it out (a readable
#   endedAt at or before now, or a readable startedAt later than now): gpaudit
#   never passes what it could not evaluate. The finding lists such blocks
#   again under unreadable_ids. A block whose member_id is missing, empty or
#   not a string belongs to no player and is not counted.
# custom:
#   datasets:
#     - memberblock
#     - user_block
#   params: {}
package gamepot.blocks.duplicate_active

import data.gpaudit.lib.blocks as lib_blocks

# One finding per player with two or more active blocks. OPA indexes the
# blocks comprehension by player (comprehension indexing): it groups active
# once, instead of scanning it again for every player.
deny contains finding if {
	some [player, _, _] in active
	blocks := [[i, state] | some [p, i, state] in active; p == player]
	count(blocks) > 1
	ids := sort([id(i) | some [i, _] in blocks])
	unreadable := sort([id(i) | some [i, "unreadable"] in blocks])
	finding := {
		"msg": message(count(blocks), count(unreadable)),
		"subject": player,
		"record_id": "",
		"count": count(blocks),
		"block_ids": ids,
		"unreadable_ids": unreadable,
	}
}

# active holds [player, index, window] of every block that is or may be
# active: one pass over the records. The record index, not its id, names a
# block, so two records that share an id (or have none) stay two blocks. The
# cheap equality tests come first, inline, and no function takes a whole
# record, which OPA would hash for its function cache, once per record.
active := [[player, i, state] |
	some i, record in input.records
	record.status == 1
	record.deleted == false
	player := record.member_id
	is_string(player)
	player != ""
	state := lib_blocks.window(object.get(record, "startedAt", null), object.get(record, "endedAt", null))
]

message(total, 0) := sprintf("player has %d active blocks", [total])

message(total, unreadable) := sprintf(
	"player has %d blocks that are or may be active (%d with an unreadable window)",
	[total, unreadable],
) if {
	unreadable > 0
}

# id is the record's id when it is a string, or "", so the ids in a finding
# are always strings.
id(i) := value if {
	value := input.records[i].id
	is_string(value)
} else := ""
