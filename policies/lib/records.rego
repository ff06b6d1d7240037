# METADATA
# title: Record field helpers for the built-in policies
# description: >-
#   text(value) is value when it is a string, and "" for anything else: null,
#   a number, an object, or a missing field read as null. Findings carry
#   record ids and subjects through it, so they are always strings, whatever
#   a record holds.
package gpaudit.lib.records

# text is value when it is a string, or "", so findings always carry string
# ids.
text(value) := value if {
	is_string(value)
} else := ""
