package snapshot

import (
	"testing"
)

func TestMatchFilter(t *testing.T) {
	record := map[string]any{
		"id":        "B1",
		"status":    num("1"),
		"big":       num("9007199254740993"),
		"ratio":     num("0.25"),
		"deleted":   false,
		"message":   nil,
		"endedAt":   "",
		"member_id": map[string]any{"id": "TWVt", "n": num("10")},
		"messageMulti": []any{
			map[string]any{"lang": "ko", "value": "x", "default": true},
		},
		"tags": []any{},
	}
	tests := []struct {
		name   string
		filter map[string]any
		want   bool
	}{
		{"nil filter matches everything", nil, true},
		{"empty filter matches everything", map[string]any{}, true},
		{"equal string", map[string]any{"id": "B1"}, true},
		{"other string", map[string]any{"id": "B2"}, false},
		{"strings compare exactly", map[string]any{"id": "b1"}, false},
		{"equal number", map[string]any{"status": num("1")}, true},
		{"number with a fraction of zero", map[string]any{"status": num("1.0")}, true},
		{"number with an exponent", map[string]any{"status": num("10e-1")}, true},
		{"fraction against exponent", map[string]any{"ratio": num("2.5E-1")}, true},
		{"other number", map[string]any{"status": num("2")}, false},
		{"negative number", map[string]any{"status": num("-1")}, false},
		{"large integers stay exact", map[string]any{"big": num("9007199254740992")}, false},
		{"large integer equal", map[string]any{"big": num("9007199254740993.0")}, true},
		{"Go number", map[string]any{"status": 1}, true},
		{"Go float", map[string]any{"ratio": 0.25}, true},
		{"a number never equals a string", map[string]any{"status": "1"}, false},
		{"equal bool", map[string]any{"deleted": false}, true},
		{"other bool", map[string]any{"deleted": true}, false},
		{"a bool never equals a string", map[string]any{"deleted": "false"}, false},
		{"null matches null", map[string]any{"message": nil}, true},
		{"null matches a missing field", map[string]any{"nope": nil}, true},
		{"null does not match an empty string", map[string]any{"endedAt": nil}, false},
		{"an empty string does not match null", map[string]any{"message": ""}, false},
		{"a value does not match a missing field", map[string]any{"nope": "x"}, false},
		{"equal object", map[string]any{"member_id": map[string]any{"n": num("10.0"), "id": "TWVt"}}, true},
		{"object with a key less", map[string]any{"member_id": map[string]any{"id": "TWVt"}}, false},
		{"object with another value", map[string]any{"member_id": map[string]any{"id": "TWVt", "n": num("11")}}, false},
		{"equal array", map[string]any{"messageMulti": []any{map[string]any{"lang": "ko", "value": "x", "default": true}}}, true},
		{"array of another length", map[string]any{"messageMulti": []any{}}, false},
		{"empty array", map[string]any{"tags": []any{}}, true},
		{"an empty array does not match null", map[string]any{"tags": nil}, false},
		{"every key must match", map[string]any{"id": "B1", "status": num("2")}, false},
		{"every key matches", map[string]any{"id": "B1", "status": num("1"), "deleted": false}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MatchFilter(record, tt.filter); got != tt.want {
				t.Errorf("MatchFilter(%v) = %v, want %v", tt.filter, got, tt.want)
			}
		})
	}
}

func TestNumbersEqual(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"0", "-0", true},
		{"0", "0.000e5", true},
		{"100", "1e2", true},
		{"100", "1E+2", true},
		{"0.001", "1e-3", true},
		{"0.0010", "10e-4", true},
		{"12.34", "1234e-2", true},
		{"1", "10", false},
		{"1", "0.1", false},
		{"12", "21", false},
		{"-1", "1", false},
		{"1e1000000", "1e1000000", true}, // same text, never parsed
		{"1e10000000000", "1e10000000001", false},
		{"abc", "abd", false},
		{"1.", "1", true},
		{"", "0", false},
		{"1e", "1", false},
		{"1x", "1", false},
	}
	for _, tt := range tests {
		if got := numbersEqual(tt.a, tt.b); got != tt.want {
			t.Errorf("numbersEqual(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := numbersEqual(tt.b, tt.a); got != tt.want {
			t.Errorf("numbersEqual(%q, %q) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
}
