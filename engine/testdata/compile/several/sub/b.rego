package test.several.b

deny contains "b" if {
	z == 1
}
