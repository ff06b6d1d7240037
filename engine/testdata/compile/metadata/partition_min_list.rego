# METADATA
# title: A partition_min that is neither a number nor a rule's name
# custom:
#   partition_by:
#     - user_id
#   partition_min:
#     - 2
package test.partition_min_list

deny contains "x"
