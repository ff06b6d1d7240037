# METADATA
# title: Names every record it is given, partitioned by user_id, groups of two or more
# description: >-
#   It breaks its partition_min promise on purpose, so that the records
#   gpaudit leaves out show.
# custom:
#   partition_by:
#     - user_id
#   partition_min: 2
package test.seen

deny contains {"msg": record.id, "record_id": record.id} if {
	some record in input.records
}
