# METADATA
# title: Blocks carry a reason in the default and required languages
# description: >-
#   Every block record, whatever its status and deleted flag, violates when
#   no entry of its messageMulti has default true and a non-blank value. A
#   value is blank when it is missing, null, not a string, empty or only
#   white space; an entry that is not an object is no entry; a messageMulti
#   that is missing, null or not a list has no entries. The finding says
#   which of these it is (problem). Each language code in the languages
#   param must also have an entry whose lang equals it and whose value is
#   not blank, default or not: a record that lacks some gets one finding
#   listing them all, sorted (missing_languages). A languages param that is
#   not a list of strings gives one finding for the whole check (subject
#   and record_id empty) instead of passing unchecked. The three kinds of
#   finding have the keys default, languages and param, so that the two a
#   record may get have ids of their own. Findings never hold the reason
#   text, which may name a player.
# custom:
#   per_record: true
#   datasets:
#     - memberblock
#     - user_block
#   params:
#     languages: []
package gamepot.blocks.reason_required

import data.gpaudit.lib.records as lib_records

# One pass over the records. The test is an inline comprehension over the
# record's few entries: no function takes a whole record or its entries,
# which OPA would hash for its function cache, once per record.
deny contains finding if {
	some record in input.records
	entries := object.get(record, "messageMulti", null)
	count([1 |
		is_array(entries)
		some entry in entries
		is_object(entry)
		entry["default"] == true
		usable(entry.value)
	]) == 0
	problem := default_problem(entries)
	finding := {
		"msg": sprintf("block has no default reason: %s", [problem]),
		"subject": lib_records.text(object.get(record, "member_id", null)),
		"record_id": lib_records.text(object.get(record, "id", null)),
		"key": "default",
		"problem": problem,
	}
}

deny contains finding if {
	count(languages) > 0
	some record in input.records
	entries := object.get(record, "messageMulti", null)
	covered := {entry.lang |
		is_array(entries)
		some entry in entries
		is_object(entry)
		usable(entry.value)
	}
	missing_set := languages - covered
	count(missing_set) > 0
	missing := sort(missing_set)
	finding := {
		"msg": sprintf("block has no reason in %s", [concat(", ", missing)]),
		"subject": lib_records.text(object.get(record, "member_id", null)),
		"record_id": lib_records.text(object.get(record, "id", null)),
		"key": "languages",
		"problem": "missing languages",
		"missing_languages": missing,
	}
}

deny contains finding if {
	not valid_languages
	finding := {
		"msg": sprintf("param languages must be a list of language codes (strings), not %s", [param_type("languages")]),
		"subject": "",
		"record_id": "",
		"key": "param",
		"problem": "bad param",
		"param": "languages",
	}
}

# languages is the set of required codes; empty when the param is not a
# list of strings, which its own finding reports.
default languages := set()

languages := {lang | some lang in input.params.languages} if valid_languages

valid_languages if {
	is_array(input.params.languages)
	every lang in input.params.languages {
		is_string(lang)
	}
}

# param_type is the JSON type of a param, or "missing": the engine merges the
# defaults in, but a caller evaluating the policy directly may not.
param_type(name) := type_name(input.params[name]) if {
	_ = input.params[name]
} else := "missing"

# usable is false for blank values. is_string comes first: trim_space on
# anything else is a built-in error, and gpaudit evaluates with strict
# built-in errors.
usable(value) if {
	is_string(value)
	trim_space(value) != ""
}

# default_problem names why messageMulti holds no default reason, without
# repeating any value: a reason may name a player.
default_problem(entries) := "messageMulti is null or missing" if {
	entries == null
} else := "messageMulti is not a list" if {
	not is_array(entries)
} else := "messageMulti is empty" if {
	count(entries) == 0
} else := "no entry is marked default" if {
	count([1 | some entry in entries; is_object(entry); entry["default"] == true]) == 0
} else := "the default entry's value is blank"
