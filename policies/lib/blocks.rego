# METADATA
# title: Block window helpers for the built-in policies
# description: >-
#   window(started_at, ended_at) says whether a block's window holds now
#   (input.now_ns): "active" when startedAt is at or before now and endedAt is
#   null or later than now, "unreadable" when one of the timestamps is neither
#   null (for endedAt) nor a timestamp instant can read and the other one does
#   not rule now out (a readable endedAt at or before now, or a readable
#   startedAt later than now), and undefined otherwise. Timestamps are compared
#   as instants, so their offsets may differ (+09:00 and Z). nanos(ts) is the
#   timestamp in nanoseconds, null for null and "unreadable" for anything else
#   instant cannot read. The block policies share these so that they agree on
#   which blocks are in force.
package gpaudit.lib.blocks

import data.gpaudit.lib.time as lib_time

# window is "active" when the block's window holds now, and "unreadable" when
# one of its timestamps cannot be read and the other does not rule now out;
# undefined otherwise. Each timestamp is parsed at most once, and the start
# not at all when the block has plainly ended, as most have.
window(started_at, ended_at) := result if {
	ended := nanos(ended_at)
	not ended_by_now(ended)
	result := state(nanos(started_at), ended)
}

# nanos is the timestamp in nanoseconds, null for null, and "unreadable" for
# anything else instant cannot read.
nanos(null) := null

nanos(ts) := ns if {
	ns := lib_time.instant(ts)
} else := "unreadable" if {
	ts != null
}

# state is window for a block that has not plainly ended.
state(started, ended) := "active" if {
	is_number(started)
	started <= input.now_ns
	open_at_now(ended)
} else := "unreadable" if {
	not ruled_out(started)
}

open_at_now(null) := true

open_at_now(ended) if {
	is_number(ended)
	ended > input.now_ns
}

# ruled_out only looks at the start: state is not called for a block whose
# end rules now out.
ruled_out(started) if {
	is_number(started)
	started > input.now_ns
}

ended_by_now(ended) if {
	is_number(ended)
	ended <= input.now_ns
}
