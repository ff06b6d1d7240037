package test.undefined

# A complete deny that is undefined gives no findings.
deny := ["never"] if {
	input.params.never
}
