# METADATA
# title: A partition_min rule that fails when evaluated
# custom:
#   partition_by:
#     - user_id
#   partition_min: least
package test.least_fails

least := to_number(input.params.max)

deny contains "x" if {
	some record in input.records
	record.id == "none"
}
