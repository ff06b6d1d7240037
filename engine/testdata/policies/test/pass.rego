package test.pass

deny contains "a record without an id" if {
	some record in input.records
	not record.id
}
