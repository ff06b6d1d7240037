# METADATA
# title: A join without its to
# custom:
#   with:
#     links: linkings
#   joins:
#     links:
#       field: user_id
package test.joins_half

deny contains "x"
