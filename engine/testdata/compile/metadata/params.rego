# METADATA
# title: Params as a list
# custom:
#   params: [max_days]
package test.params_list

deny contains "x"
