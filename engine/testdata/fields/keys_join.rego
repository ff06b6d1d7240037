# METADATA
# title: Names the fields of every record, joining users by user_id
# custom:
#   per_record: true
#   fields:
#     - id
#   joins:
#     users:
#       field: id
#       to: user_id
package test.keys_join

deny contains {"msg": concat(",", sort(object.keys(record))), "record_id": record.id} if {
	some record in input.records
}
