# METADATA
# title: Names the fields of every record, partitioned by user_id
# custom:
#   partition_by:
#     - user_id
#   fields:
#     - id
package test.keys_by_user

deny contains {"msg": concat(",", sort(object.keys(record))), "record_id": record.id} if {
	some record in input.records
}
