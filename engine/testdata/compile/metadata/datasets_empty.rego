# METADATA
# title: Datasets as an empty list
# custom:
#   datasets: []
package test.datasets_empty

deny contains "x"
