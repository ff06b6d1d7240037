# METADATA
# title: A partition_min rule that reads a with cohort through a function
# custom:
#   partition_by:
#     - user_id
#   partition_min: least
package test.partition_min_cohorts

least := size(input.cohorts.other) + 1

size(records) := count(records)

deny contains "x"
