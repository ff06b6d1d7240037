package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"
)

// TestGroupByErrors: gpaudit.group_by refuses what it cannot group, under
// the strict built-in errors the engine evaluates with, and never quotes
// the pairs (they may hold emails).
func TestGroupByErrors(t *testing.T) {
	// The arguments come from input, so that the type checker cannot
	// refuse them before the built-in sees them.
	tests := []struct {
		name         string
		pairs, least any
		want         string
	}{
		{"pairs an object", map[string]any{"a": 1}, 1, "operand 1 must be an array"},
		{"a pair a string", []any{[]any{"a", 1}, "x@example.com"}, 1, "must hold [key, value] pairs, and holds a string"},
		{"a pair of three", []any{[]any{"a", 1, "x@example.com"}}, 1, "must hold [key, value] pairs, and holds an array of 3"},
		{"min a string", []any{[]any{"a", 1}}, "2", "operand 2 must be a number, not string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			input := map[string]any{"pairs": tt.pairs, "min": tt.least}
			wantBuiltinError(t, "gpaudit.group_by(input.pairs, input.min)", input, tt.want, "a pair")
		})
	}
}

// TestGroupByFieldsErrors: gpaudit.group_by_fields refuses what it cannot
// group, and never quotes the records.
func TestGroupByFieldsErrors(t *testing.T) {
	records := []any{map[string]any{"email": "x@example.com"}}
	tests := []struct {
		name                   string
		records, fields, least any
		want                   string
	}{
		{"records an object", map[string]any{"email": "x@example.com"}, []any{"email"}, 1, "operand 1 must be an array of records, not object"},
		{"no fields", records, []any{}, 1, "operand 2 must be a non-empty array of field names"},
		{"fields a string", records, "email", 1, "operand 2 must be a non-empty array of field names"},
		{"a field a number", records, []any{"email", 3}, 1, "operand 2 must hold field names, and holds a number"},
		{"min a string", records, []any{"email"}, "2", "operand 3 must be a number, not string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			input := map[string]any{"records": tt.records, "fields": tt.fields, "min": tt.least}
			wantBuiltinError(t, "gpaudit.group_by_fields(input.records, input.fields, input.min)", input, tt.want, "a record")
		})
	}
}

// wantBuiltinError evaluates query over input and wants it to fail saying
// want, without quoting what (the records or pairs, whose emails are
// example.com).
func wantBuiltinError(t *testing.T, query string, input map[string]any, want, what string) {
	t.Helper()
	_, err := rego.New(rego.Query(query), rego.Input(input), rego.StrictBuiltinErrors(true)).Eval(context.Background())
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error = %v, want it to say %q", err, want)
	}
	if strings.Contains(err.Error(), "example.com") {
		t.Errorf("error %q quotes %s", err, what)
	}
}
