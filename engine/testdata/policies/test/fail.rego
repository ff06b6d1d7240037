# METADATA
# title: Findings in every shape
# description: Denies with a plain string and with objects, out of order, to test normalization and sorting.
# custom:
#   datasets: [memberblock]
package test.fail

deny contains "plain message"

deny contains finding if {
	some record in input.records
	record.status == 1
	finding := {
		"msg": sprintf("block %s is active", [record.id]),
		"subject": record.member_id,
		"record_id": record.id,
		"status": record.status,
		"ratio": 0.5,
		"big": 12345678901234567890,
		"flags": [true, null],
		"window": {"from": record.startedAt, "to": record.endedAt},
		"kinds": {"b", "a"},
	}
}

deny contains {"msg": "no record id", "subject": "P1", "key": null}

# Without a key it would have the id of "plain message".
deny contains {"msg": "null ids", "subject": null, "record_id": null, "key": "null ids"}
