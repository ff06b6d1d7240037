# METADATA
# title: A partition_min rule that reads the records it is not given
# custom:
#   partition_by:
#     - user_id
#   partition_min: least
package test.partition_min_reads

flagged if {
	some record in input.records
	record.flag == true
}

least := 2 if not flagged

deny contains "x"
