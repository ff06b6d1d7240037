# METADATA
# title: Echo params
# description: Denies once with the params it was given.
# custom:
#   datasets:
#     - linkings
#     - memberblock
#   params:
#     limit: 10
#     mode: strict
#     nested:
#       depth: 2
package test.params

deny contains {"msg": "params", "params": input.params}
