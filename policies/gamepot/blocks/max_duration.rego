# METADATA
# title: Active blocks last no longer than max_days
# description: >-
#   A block record of the given type with status 1, deleted false and an endedAt
#   that is null, missing or later than now is active. An active block violates
#   when endedAt minus startedAt is longer than max_days days; exactly max_days
#   is allowed, and a null or missing endedAt is unbounded, so always longer.
#   Timestamps are compared as instants, so their offsets may differ
#   (+09:00 and Z). A block of the type with status 1 and deleted false whose
#   endedAt is not null and not a valid RFC 3339 timestamp (between the years
#   1678 and 2261), or whose startedAt is missing or not one while its endedAt
#   is null or later than now, also violates: its length cannot be checked,
#   and gpaudit never passes what it could not evaluate. A block with an
#   unreadable startedAt that ended before now is not active and passes.
# custom:
#   per_record: true
#   datasets:
#     - memberblock
#     - user_block
#   params:
#     max_days: 30
#     type: manual
package gamepot.blocks.max_duration

import data.gpaudit.lib.time as lib_time

day_ns := 86400000000000

# One pass over the records. The cheap equality tests come first, inline, so
# most records leave early; no function takes a whole record, which OPA would
# hash for its function cache, once per record.
deny contains finding if {
	some record in input.records
	record.type == input.params.type
	record.status == 1
	record.deleted == false
	ended_at := object.get(record, "endedAt", null)
	ns := too_long(record.startedAt, ended_at)
	finding := {
		"msg": message(ns),
		"subject": text(record, "member_id"),
		"record_id": text(record, "id"),
		"type": input.params.type,
		"days": days(ns),
		"max_days": input.params.max_days,
		"started_at": record.startedAt,
		"ended_at": ended_at,
	}
}

# A block whose window cannot be read might be active and too long: it is a
# finding of its own, never a silent pass.
deny contains finding if {
	some record in input.records
	record.type == input.params.type
	record.status == 1
	record.deleted == false
	started_at := object.get(record, "startedAt", null)
	ended_at := object.get(record, "endedAt", null)
	field := unreadable(started_at, ended_at)
	finding := {
		"msg": sprintf(
			"active %s block has an unreadable %s, so its length cannot be checked against the %v-day maximum",
			[input.params.type, field, input.params.max_days],
		),
		"subject": text(record, "member_id"),
		"record_id": text(record, "id"),
		"type": input.params.type,
		"unreadable": field,
		"max_days": input.params.max_days,
		"started_at": started_at,
		"ended_at": ended_at,
	}
}

# unreadable names the timestamp that keeps a possibly active block from
# being measured; undefined when both can be read, or when the block has
# plainly ended.
unreadable(_, ended_at) := "endedAt" if {
	ended_at != null
	not lib_time.instant(ended_at)
}

unreadable(started_at, ended_at) := "startedAt" if {
	not lib_time.instant(started_at)
	still_open(ended_at)
}

still_open(null) := true

still_open(ended_at) if lib_time.instant(ended_at) > input.now_ns

# too_long is how long a block lasts in nanoseconds, or null when it has no
# end, if it is active and longer than max_days; otherwise it is undefined.
too_long(started_at, null) := null if is_number(lib_time.instant(started_at))

too_long(started_at, ended_at) := ns if {
	ended := lib_time.instant(ended_at)
	ended > input.now_ns
	ns := ended - lib_time.instant(started_at)
	ns > input.params.max_days * day_ns
}

message(null) := sprintf(
	"active %s block has no end, longer than the %v-day maximum",
	[input.params.type, input.params.max_days],
)

message(ns) := sprintf(
	"active %s block lasts %v days, longer than the %v-day maximum",
	[input.params.type, days(ns), input.params.max_days],
) if {
	is_number(ns)
}

days(null) := null

# Rounded up to hundredths, so a block just over the maximum never reads as
# equal to it.
days(ns) := ceil((ns * 100) / day_ns) / 100 if is_number(ns)

# text is the string at key, or "" when the record has none, so a finding
# always carries string ids.
text(record, key) := value if {
	value := record[key]
	is_string(value)
} else := ""
