package test.bad

deny contains msg if {
	msg := "unterminated
}
