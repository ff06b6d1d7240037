# METADATA
# title: Datasets as a string
# custom:
#   datasets: memberblock
package test.datasets_string

deny contains "x"
