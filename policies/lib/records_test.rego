package gpaudit.lib.records_test

import data.gpaudit.lib.records.text

test_text_keeps_strings if {
	text("P1") == "P1"
	text("") == ""
}

test_text_is_empty_for_anything_else if {
	every value in [null, 7, false, [], ["P1"], {}, {"id": "P1"}] {
		text(value) == ""
	}
}
