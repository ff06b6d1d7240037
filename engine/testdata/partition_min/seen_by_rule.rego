# METADATA
# title: Names every record it is given, partitioned by user_id, groups of more than max
# custom:
#   partition_by:
#     - user_id
#   partition_min: least
#   params:
#     max: 1
package test.seen_by_rule

least := input.params.max + 1 if is_number(input.params.max)

deny contains {"msg": record.id, "record_id": record.id} if {
	some record in input.records
}
