package gpaudit.lib.blocks_test

import data.gpaudit.lib.blocks as lib_blocks

# now is 2025-07-01T00:00:00Z.
now := time.parse_rfc3339_ns("2025-07-01T00:00:00Z")

at_now := {"now_ns": now}

test_window_active if {
	lib_blocks.window("2025-01-01T00:00:00Z", null) == "active" with input as at_now
	lib_blocks.window("2025-01-01T00:00:00Z", "2025-12-31T00:00:00Z") == "active" with input as at_now
}

test_window_active_from_exactly_now if {
	lib_blocks.window("2025-07-01T00:00:00Z", null) == "active" with input as at_now
	lib_blocks.window("2025-07-01T09:00:00+09:00", "2025-07-01T00:00:00.000000001Z") == "active" with input as at_now
}

test_window_ended_exactly_now_is_undefined if {
	not lib_blocks.window("2025-01-01T00:00:00Z", "2025-07-01T00:00:00Z") with input as at_now
	not lib_blocks.window("2025-01-01T00:00:00Z", "2025-07-01T09:00:00+09:00") with input as at_now
}

test_window_compares_instants_across_offsets if {
	# 08:00+09:00 is 23:00Z the day before: started before now.
	lib_blocks.window("2025-07-01T08:00:00+09:00", null) == "active" with input as at_now

	# 10:00+09:00 is 01:00Z: started after now.
	not lib_blocks.window("2025-07-01T10:00:00+09:00", null) with input as at_now

	# 08:59:59+09:00 is before now, so the block has ended.
	not lib_blocks.window("2025-01-01T00:00:00Z", "2025-07-01T08:59:59+09:00") with input as at_now
	lib_blocks.window("2025-01-01T00:00:00Z", "2025-07-01T09:00:01+09:00") == "active" with input as at_now
}

test_window_ruled_out_by_readable_timestamps if {
	not lib_blocks.window("2025-01-01T00:00:00Z", "2025-06-01T00:00:00Z") with input as at_now
	not lib_blocks.window("2025-08-01T00:00:00Z", null) with input as at_now
	not lib_blocks.window("2025-08-01T00:00:00Z", "2025-12-31T00:00:00Z") with input as at_now
}

test_window_unreadable_start if {
	every started_at in [null, "", "2025-07-01", "2025-02-29T00:00:00Z", 1751328000, false, {}] {
		lib_blocks.window(started_at, null) == "unreadable" with input as at_now
		lib_blocks.window(started_at, "2025-12-31T00:00:00Z") == "unreadable" with input as at_now
	}
}

test_window_unreadable_end if {
	every ended_at in ["", "someday", "2025-13-01T00:00:00Z", 1751328000, false, []] {
		lib_blocks.window("2025-01-01T00:00:00Z", ended_at) == "unreadable" with input as at_now
		lib_blocks.window(null, ended_at) == "unreadable" with input as at_now
	}
}

test_window_unreadable_ruled_out_by_the_other_timestamp if {
	not lib_blocks.window(null, "2025-06-01T00:00:00Z") with input as at_now
	not lib_blocks.window("x", "2025-07-01T00:00:00Z") with input as at_now
	not lib_blocks.window("2025-08-01T00:00:00Z", "someday") with input as at_now
	not lib_blocks.window("2025-07-01T00:00:00.000000001Z", 7) with input as at_now
}

test_nanos if {
	lib_blocks.nanos("2025-07-01T09:00:00+09:00") == now
	lib_blocks.nanos(null) == null
	every ts in ["", "someday", 7, false, [], {}] {
		lib_blocks.nanos(ts) == "unreadable"
	}
}
