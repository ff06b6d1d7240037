# METADATA
# title: A partition by something that is not a list of field names
# custom:
#   partition_by: user_id
package test.partition_string

deny contains "x"
