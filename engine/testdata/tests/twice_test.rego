package team.rules_test

# A third definition of test_twice, in another file of the package.
test_twice if {
	print("third")
	true
}
