package test.join

import data.test.lib

# A block whose player is in the chat cohort.
deny contains finding if {
	some record in input.records
	some member in input.cohorts.chat
	member.id == record.member_id
	finding := {
		"msg": sprintf("blocked player %s is a chat member", [lib.name(member)]),
		"subject": record.member_id,
		"record_id": record.id,
	}
}
