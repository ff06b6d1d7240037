# METADATA
# title: Manual blocks are at most max_ratio of the active blocks
# description: >-
#   An aggregate check over the whole cohort. A block record is active when
#   its status is 1 (the number), deleted is false, startedAt is at or before
#   now and endedAt is null, missing or later than now; timestamps are
#   compared as instants, so their offsets may differ (+09:00 and Z). A block
#   with status 1 and deleted false whose startedAt is missing, null or not a
#   valid RFC 3339 timestamp (between the years 1678 and 2261), or whose
#   endedAt is not null and not one, is counted as active unless its other
#   timestamp rules it out (a readable endedAt at or before now, or a readable
#   startedAt later than now), as gamepot.blocks.duplicate_active does; the
#   finding says how many (unreadable). A block counts whatever its member_id.
#   A manual block is one whose type is manual. The cohort violates when
#   manual active blocks are more than max_ratio of all active blocks (exactly
#   max_ratio is allowed), with one finding for the cohort (subject and
#   record_id empty) giving active, manual, ratio (rounded up to 4 decimals)
#   and max_ratio. No active block means no finding. A max_ratio that is not a
#   number from 0 to 1 gives one finding instead of passing unchecked (a share
#   above 1 cannot be exceeded).
# custom:
#   datasets:
#     - memberblock
#     - user_block
#   params:
#     max_ratio: 0.5
package gamepot.blocks.manual_share_max

import data.gpaudit.lib.blocks as lib_blocks

# active holds [type, window] of every block that is or may be active: one
# pass over the records.
active := [[object.get(record, "type", null), state] |
	some record in input.records
	record.status == 1
	record.deleted == false
	state := lib_blocks.window(object.get(record, "startedAt", null), object.get(record, "endedAt", null))
]

# Comparing manual with max_ratio * total, not the ratio with max_ratio,
# keeps the test exact: no division rounds it.
deny contains finding if {
	valid_max_ratio
	total := count(active)
	total > 0
	manual := count([1 | some ["manual", _] in active])
	manual > input.params.max_ratio * total
	ratio := ceil((manual * 10000) / total) / 10000
	finding := {
		"msg": sprintf(
			"%d of %d active blocks are manual (%v), more than the maximum share of %v",
			[manual, total, ratio, input.params.max_ratio],
		),
		"subject": "",
		"record_id": "",
		"active": total,
		"manual": manual,
		"ratio": ratio,
		"max_ratio": input.params.max_ratio,
		"unreadable": count([1 | some [_, "unreadable"] in active]),
	}
}

# A share above 1 can never be exceeded, so a max_ratio of 50 meant as a
# percentage would pass every cohort: it is reported instead.
deny contains finding if {
	not valid_max_ratio
	finding := {
		"msg": sprintf("param max_ratio must be a number from 0 to 1, not %s", [param_value(input.params, "max_ratio")]),
		"subject": "",
		"record_id": "",
		"problem": "bad param",
		"param": "max_ratio",
	}
}

valid_max_ratio if {
	is_number(input.params.max_ratio)
	input.params.max_ratio >= 0
	input.params.max_ratio <= 1
}

# param_value is a param's value when it is a number, else its JSON type, or
# "missing": the engine merges the defaults in, but a caller evaluating the
# policy directly may not.
param_value(params, name) := sprintf("%v", [params[name]]) if {
	is_number(params[name])
} else := type_name(params[name]) if {
	_ = params[name]
} else := "missing"
