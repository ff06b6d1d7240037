package test.worse

deny contains "x" if {
	input.a ==
}
