package team.rules

deny contains r.id if {
	some r in input.records
	r.bad
}
