# Tests of gpaudit.group_by, the grouping built-in of gpaudit (engine/builtins.go).
# opa test does not know it; gpaudit test and the library's Go tests run these.
package gpaudit.lib.group_by_test

test_groups_sorted_by_key_values_in_order if {
	gpaudit.group_by([["b", 1], ["a", 2], ["b", 3], ["a", 4], ["c", 5]], 1) == [["a", [2, 4]], ["b", [1, 3]], ["c", [5]]]
}

test_min_leaves_out_small_groups if {
	gpaudit.group_by([["b", 1], ["a", 2], ["b", 3], ["c", 5]], 2) == [["b", [1, 3]]]
}

test_keys_of_any_type if {
	pairs := [
		[["google", "u1"], 0], [["google", "u1"], 1], [["apple", "u1"], 2],
		[1, 3], [1, 4], [null, 5], [{"k": 1}, 6], [{"k": 1}, 7],
	]
	gpaudit.group_by(pairs, 2) == [[1, [3, 4]], [["google", "u1"], [0, 1]], [{"k": 1}, [6, 7]]]
	gpaudit.group_by(pairs, 1) == [
		[null, [5]],
		[1, [3, 4]],
		[["apple", "u1"], [2]],
		[["google", "u1"], [0, 1]],
		[{"k": 1}, [6, 7]],
	]
}

test_numbers_are_one_key_by_value if {
	gpaudit.group_by([[1, "a"], [1.0, "b"]], 2) == [[1, ["a", "b"]]]
}

test_nothing_to_group if {
	gpaudit.group_by([], 1) == []
	gpaudit.group_by([["a", 1]], 2) == []
}

test_a_fractional_or_negative_min if {
	gpaudit.group_by([["a", 1], ["a", 2], ["b", 3]], 1.5) == [["a", [1, 2]]]
	gpaudit.group_by([["a", 1]], -3) == [["a", [1]]]
}

# gpaudit.group_by_fields groups record indexes by their fields' strings.
records := [
	{"user_id": "u1", "provider": "google"},
	{"user_id": "u1", "provider": "google", "extra": 1},
	{"user_id": null, "provider": "google"},
	{"provider": "google"},
	{"user_id": "", "provider": "google"},
	{"user_id": 5, "provider": "google"},
	{"user_id": "u1", "provider": "apple"},
	"not an object",
	{"user_id": "u2", "provider": ["google"]},
]

test_fields_group_indexes_sorted_by_values if {
	gpaudit.group_by_fields(records, ["user_id", "provider"], 1) == [
		[["", ""], [7]],
		[["", "google"], [2, 3, 4, 5]],
		[["u1", "apple"], [6]],
		[["u1", "google"], [0, 1]],
		[["u2", ""], [8]],
	]
}

test_fields_min_leaves_out_small_groups if {
	gpaudit.group_by_fields(records, ["user_id", "provider"], 2) == [
		[["", "google"], [2, 3, 4, 5]],
		[["u1", "google"], [0, 1]],
	]
	gpaudit.group_by_fields(records, ["provider"], 3) == [[["google"], [0, 1, 2, 3, 4, 5]]]
	gpaudit.group_by_fields([], ["provider"], 1) == []
}

test_fields_values_cannot_run_together if {
	gpaudit.group_by_fields([{"a": "x", "b": "yz"}, {"a": "xy", "b": "z"}], ["a", "b"], 1) == [
		[["x", "yz"], [0]],
		[["xy", "z"], [1]],
	]
}
