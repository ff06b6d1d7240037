# METADATA
# title: Block windows end after they start
# description: >-
#   Every block record, whatever its status and deleted flag, violates when
#   its endedAt is not later than its startedAt: ending before the start, or
#   at the very instant of the start (an empty window). Timestamps are
#   compared as instants, so their offsets may differ (+09:00 and Z). A null
#   or missing endedAt is an open window and valid. A record also violates,
#   with one finding naming the unreadable fields, when its startedAt is
#   missing, null or not a valid RFC 3339 timestamp (between the years 1678
#   and 2261), or when its endedAt is not null and not one: its window cannot
#   be read, and gpaudit never passes what it could not evaluate. Deleted and
#   switched-off blocks are checked too: a bad window is a data fault
#   whatever the block's state; narrow the cohort to leave them out.
# custom:
#   per_record: true
#   datasets:
#     - memberblock
#     - user_block
#   params: {}
package gamepot.blocks.invalid_window

import data.gpaudit.lib.records as lib_records
import data.gpaudit.lib.time as lib_time

# One pass over the records; no function takes a whole record, which OPA
# would hash for its function cache, once per record. The short test of
# good comes first, so only a bad window pays for describing its problem.
deny contains finding if {
	some record in input.records
	started_at := object.get(record, "startedAt", null)
	ended_at := object.get(record, "endedAt", null)
	not good(started_at, ended_at)
	details := problem(started_at, ended_at)
	finding := object.union(
		{
			"subject": lib_records.text(object.get(record, "member_id", null)),
			"record_id": lib_records.text(object.get(record, "id", null)),
			"started_at": started_at,
			"ended_at": ended_at,
		},
		details,
	)
}

good(started_at, null) if lib_time.instant(started_at)

good(started_at, ended_at) if lib_time.instant(ended_at) > lib_time.instant(started_at)

# problem describes what is wrong with a window; it is undefined for a good
# one. A null end leaves the else branch undefined: an open window is valid.
problem(started_at, ended_at) := details if {
	fields := array.concat(bad_start(started_at), bad_end(ended_at))
	count(fields) > 0
	details := {
		"msg": sprintf("block window cannot be read: unreadable %s", [concat(" and ", fields)]),
		"problem": "unreadable",
		"unreadable": fields,
	}
} else := details if {
	length := lib_time.instant(ended_at) - lib_time.instant(started_at)
	length <= 0
	details := shape(length)
}

shape(0) := {
	"msg": "block ends at the instant it starts, so its window is empty",
	"problem": "empty",
}

shape(length) := {
	"msg": "block ends before it starts",
	"problem": "ends before start",
} if {
	length < 0
}

bad_start(ts) := [] if {
	lib_time.instant(ts)
} else := ["startedAt"]

bad_end(ts) := [] if {
	ts == null
} else := [] if {
	lib_time.instant(ts)
} else := ["endedAt"]
