# METADATA
# title: A partition_min without partition_by
# custom:
#   partition_min: 2
package test.partition_min_alone

deny contains "x"
