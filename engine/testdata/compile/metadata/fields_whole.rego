# METADATA
# title: Fields on a policy that reads its records whole
# custom:
#   fields:
#     - id
package test.fields_whole

deny contains "x"
