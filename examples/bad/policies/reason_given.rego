# METADATA
# title: Every block gives a reason
package team.reason_given

deny contains msg if {
	some b in input.records
	not b.reason
	msg := sprintf("block %s gives no reason", [b.id]
}
