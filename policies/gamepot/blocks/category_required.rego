# METADATA
# title: Manual blocks carry a category
# description: >-
#   Every block record whose type is manual, whatever its status and deleted
#   flag, violates when its category_id is missing, null, not a string,
#   empty, or only white space. The finding says which of these it is
#   (problem). Blocks of another type, or with no type, are not manual and
#   pass.
# custom:
#   per_record: true
#   datasets:
#     - memberblock
#     - user_block
#   params: {}
package gamepot.blocks.category_required

import data.gpaudit.lib.records as lib_records

# One pass over the records; the type test comes first, inline, so other
# blocks leave early.
deny contains finding if {
	some record in input.records
	record.type == "manual"
	not usable(object.get(record, "category_id", null))
	problem := describe(object.filter(record, {"category_id"}))
	finding := {
		"msg": sprintf("manual block has no category: %s", [problem]),
		"subject": lib_records.text(object.get(record, "member_id", null)),
		"record_id": lib_records.text(object.get(record, "id", null)),
		"problem": problem,
	}
}

# usable takes the value, not the record: a function taking a whole record
# would hash it for OPA's function cache, once per record. is_string comes
# first: trim_space on anything else is a built-in error, and gpaudit
# evaluates with strict built-in errors.
usable(value) if {
	is_string(value)
	trim_space(value) != ""
}

# describe names what is wrong with the category_id of field, an object
# holding it or nothing when the record has none.
describe(field) := "missing" if {
	count(field) == 0
} else := "null" if {
	field.category_id == null
} else := "not a string" if {
	not is_string(field.category_id)
} else := "empty" if {
	field.category_id == ""
} else := "only white space"
