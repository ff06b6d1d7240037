# METADATA
# title: Timestamp helpers for the built-in policies
# description: >-
#   instant(ts) is an RFC 3339 timestamp in nanoseconds since 1970, and is
#   undefined for anything else: null, a number, another date format, an
#   impossible date, or a year outside 1678..2261 (beyond int64 nanoseconds).
#   gpaudit evaluates with strict built-in errors, so a policy that parsed an
#   unchecked value would turn one bad record into an error for the whole
#   check; parse through instant instead and decide what undefined means.
package gpaudit.lib.time

# instant is the timestamp in nanoseconds, undefined unless ts is a valid RFC
# 3339 timestamp between the years 1678 and 2261. Every check
# time.parse_rfc3339_ns could fail on is made first, because gpaudit
# evaluates with strict built-in errors and one bad record must not turn the
# whole check into an error. February 29 is rare, so its leap-year test runs
# only when the common pattern does not match.
instant(ts) := time.parse_rfc3339_ns(ts) if {
	is_string(ts)
	regex.match(common_date, ts)
} else := time.parse_rfc3339_ns(ts) if {
	is_string(ts)
	regex.match(february_29, ts)
	leap_year(to_number(substring(ts, 0, 4)))
}

# Nanoseconds since 1970 fit in 64 bits only between 1677 and 2262.
year := `(?:1(?:6(?:7[89]|[89]\d)|[7-9]\d\d)|2(?:[01]\d\d|2(?:[0-5]\d|6[01])))`

clock := `T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$`

# Every month with its own day range, February up to the 28th.
common_date := concat("", [
	"^",
	year,
	`-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])`,
	`|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)`,
	`|02-(?:0[1-9]|1\d|2[0-8]))`,
	clock,
])

february_29 := concat("", ["^", year, "-02-29", clock])

leap_year(y) if {
	y % 4 == 0
	y % 100 != 0
}

leap_year(y) if y % 400 == 0
