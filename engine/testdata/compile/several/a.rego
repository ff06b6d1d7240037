package test.several.a

deny contains x if {
	x := y
}
