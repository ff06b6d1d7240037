# METADATA
# title: Names the fields of every record, declaring none
# custom:
#   per_record: true
package test.keys_all

deny contains {"msg": concat(",", sort(object.keys(record))), "record_id": record.id} if {
	some record in input.records
}
