# METADATA
# title: Fields that are not a list of field names
# custom:
#   per_record: true
#   fields:
#     - id
#     - 3
package test.fields_number

deny contains "x"
