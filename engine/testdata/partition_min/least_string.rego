# METADATA
# title: A partition_min rule that gives a string
# custom:
#   partition_by:
#     - user_id
#   partition_min: least
package test.least_string

least := "2"

deny contains "x" if {
	some record in input.records
	record.id == "none"
}
