package team.cases_test

cases := [
	{"note": "one", "numbers": [1], "want": 1},
	{"note": "two", "numbers": [1, 1], "want": 2},
]

test_sum[tc.note] if {
	some tc in cases
	sum(tc.numbers) == tc.want
}

test_sum_wrong[tc.note] if {
	some tc in cases
	sum(tc.numbers) == 1
}

test_no_cases[x] if {
	some x in []
}
