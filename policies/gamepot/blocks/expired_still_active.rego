# METADATA
# title: Blocks that have ended are switched off
# description: >-
#   A block record with status 1 (the number) and deleted false violates when
#   its endedAt is earlier than now: the block has ended but is still switched
#   on. Ending exactly now is allowed. A null or missing endedAt never ends,
#   so it never violates. Timestamps are compared as instants, so their
#   offsets may differ (+09:00 and Z). A block with status 1 and deleted
#   false whose endedAt is not null and not a valid RFC 3339 timestamp
#   (between the years 1678 and 2261) also violates: whether it has ended
#   cannot be read, and gpaudit never passes what it could not evaluate.
#   Blocks with another status, or with deleted true, null or missing, are
#   not switched on and pass. startedAt is not read.
# custom:
#   per_record: true
#   datasets:
#     - memberblock
#     - user_block
#   params: {}
package gamepot.blocks.expired_still_active

import data.gpaudit.lib.records as lib_records
import data.gpaudit.lib.time as lib_time

# One day in hundredths: nanoseconds divided by it, rounded up, are days to
# two decimals. One division instead of a multiplication and a division:
# arithmetic on 19-digit numbers is costly, once per finding.
centiday_ns := 864000000000

# One pass over the records: the cheap equality tests come first, inline, so
# most records leave early, and no function takes a whole record, which OPA
# would hash for its function cache, once per record.
deny contains finding if {
	some record in input.records
	record.status == 1
	record.deleted == false
	ended_at := object.get(record, "endedAt", null)
	ended := lib_time.instant(ended_at)
	ended < input.now_ns
	days := ceil((input.now_ns - ended) / centiday_ns) / 100
	finding := {
		"msg": sprintf("block ended %v days ago but still has status 1", [days]),
		"subject": lib_records.text(object.get(record, "member_id", null)),
		"record_id": lib_records.text(object.get(record, "id", null)),
		"ended_at": ended_at,
		"days_since_end": days,
	}
}

# An unreadable end may lie in the past: it is a finding, never a pass. OPA
# caches instant by its argument, so this second pass parses nothing again.
deny contains finding if {
	some record in input.records
	record.status == 1
	record.deleted == false
	ended_at := object.get(record, "endedAt", null)
	ended_at != null
	not lib_time.instant(ended_at)
	finding := {
		"msg": "block with status 1 has an unreadable endedAt, so whether it has ended cannot be checked",
		"subject": lib_records.text(object.get(record, "member_id", null)),
		"record_id": lib_records.text(object.get(record, "id", null)),
		"ended_at": ended_at,
		"unreadable": "endedAt",
	}
}
