package test.warn

deny contains {"msg": "denied", "subject": "P2", "record_id": "B1"} if {
	input.params.deny
}

warn contains {"msg": sprintf("block %s has no end", [record.id]), "subject": record.member_id, "record_id": record.id} if {
	some record in input.records
	record.endedAt == null
}

warn contains "a plain warning"
