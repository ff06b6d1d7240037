package team.rules_test

import data.team.rules

test_passes if {
	print("passes")
	count(rules.deny) == 0 with input as {"records": [{"id": "a"}]}
}

test_undefined if {
	print("undefined")
	count(rules.deny) == 0 with input as {"records": [{"id": "a", "bad": true}]}
}

test_not_true := 5

test_false := false

# Not strict, to_number would leave the test undefined: a failure, not an
# error.
test_builtin_error if {
	to_number("ten") == 10
}

todo_test_later if {
	false
}

# Neither test_ nor todo_test_: no test.
todo_helper if {
	false
}

test_function(x) if {
	x == 1
}

tests.test_in_a_ref if {
	true
}

test_twice if {
	true
}

test_twice if {
	false
}
