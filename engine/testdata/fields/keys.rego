# METADATA
# title: Names the fields of every record it is given
# description: >-
#   It breaks its custom.fields promise on purpose, so that the fields
#   gpaudit leaves out show.
# custom:
#   per_record: true
#   fields:
#     - id
#     - a
package test.keys

deny contains {"msg": concat(",", sort(object.keys(record))), "record_id": record.id} if {
	some record in input.records
}
