# METADATA
# title: Names every record, one at a time
# custom:
#   per_record: true
package test.each

deny contains {"msg": record.id, "record_id": record.id} if {
	some record in input.records
}
