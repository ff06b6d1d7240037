package gpaudit.lib.time_test

import data.gpaudit.lib.time as lib_time

test_instant_accepts_valid_timestamps if {
	lib_time.instant("2025-07-23T00:00:00+09:00") == time.parse_rfc3339_ns("2025-07-22T15:00:00Z")
	lib_time.instant("2024-02-29T12:00:00Z") == time.parse_rfc3339_ns("2024-02-29T12:00:00Z")
	lib_time.instant("2000-02-29T00:00:00Z") == time.parse_rfc3339_ns("2000-02-29T00:00:00Z")
	lib_time.instant("2025-12-31T23:59:59.123456789-23:59") == time.parse_rfc3339_ns("2025-12-31T23:59:59.123456789-23:59")
	lib_time.instant("1678-01-01T00:00:00Z") == time.parse_rfc3339_ns("1678-01-01T00:00:00Z")
	lib_time.instant("2261-12-31T23:59:59Z") == time.parse_rfc3339_ns("2261-12-31T23:59:59Z")
}

test_instant_rejects_what_parsing_would_fail_on if {
	every ts in [
		null,
		false,
		42,
		["2025-01-01T00:00:00Z"],
		"",
		"2025-01-01",
		"2025-01-01 00:00:00Z",
		"2025-01-01t00:00:00z",
		"2025-01-01T00:00:00",
		"2025-01-01T24:00:00Z",
		"2025-01-01T00:60:00Z",
		"2025-01-01T00:00:60Z",
		"2025-01-32T00:00:00Z",
		"2025-04-31T00:00:00Z",
		"2025-00-10T00:00:00Z",
		"1900-02-29T00:00:00Z",
		"2025-02-29T00:00:00Z",
		"2025-01-01T00:00:00+24:00",
		"2025-01-01T00:00:00+09:60",
		"2025-01-01T00:00:00+0900",
		"2025-01-01T00:00:00.Z",
		"1677-12-31T00:00:00Z",
		"2262-01-01T00:00:00Z",
		"0001-01-01T00:00:00Z",
		" 2025-01-01T00:00:00Z",
		"2025-01-01T00:00:00Z\n",
	] {
		not lib_time.instant(ts)
	}
}
