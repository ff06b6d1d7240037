# METADATA
# title: A partition_min that names no rule of the package
# custom:
#   partition_by:
#     - user_id
#   partition_min: least
package test.partition_min_rule

deny contains "x"

# least is a function, not a rule: it cannot be evaluated without arguments.
least(n) := n + 1
