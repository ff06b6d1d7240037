package test.runtime

deny contains msg if {
	some record in input.records
	ratio := record.status / input.params.divisor
	msg := sprintf("ratio %v", [ratio])
}
