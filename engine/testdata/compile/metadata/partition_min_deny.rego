# METADATA
# title: A partition_min that names deny
# custom:
#   partition_by:
#     - user_id
#   partition_min: deny
package test.partition_min_deny

deny contains "x"
