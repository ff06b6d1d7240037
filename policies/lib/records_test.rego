package gpaudit.lib.records_test

import data.gpaudit.lib.records as lib_records

test_text_keeps_strings if {
	lib_records.text("P1") == "P1"
	lib_records.text("") == ""
}

test_text_is_empty_for_anything_else if {
	every value in [null, 7, false, [], ["P1"], {}, {"id": "P1"}] {
		lib_records.text(value) == ""
	}
}
