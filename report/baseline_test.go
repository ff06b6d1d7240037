package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gpaudit/gpaudit/engine"
)

// TestReadBaselineRoundTrip reads back what the JSON reporter writes: every
// deny finding of every check, by id, and no warning.
func TestReadBaselineRoundTrip(t *testing.T) {
	for _, results := range []func() *engine.Results{fixture, triageFixture} {
		r := results()
		b, err := ReadBaseline(bytes.NewReader(render(t, NewJSON(Options{Version: "0.1.0"}), r)))
		if err != nil {
			t.Fatal(err)
		}
		want := engine.Baseline{}
		for _, c := range r.Checks {
			list := []engine.Resolved{}
			for _, f := range c.Findings {
				list = append(list, engine.Resolved{ID: f.ID, Subject: f.Subject, RecordID: f.RecordID})
			}
			if len(list) == 0 {
				list = nil
			}
			want[c.Name] = list
		}
		if diff := cmp.Diff(want, b); diff != "" {
			t.Errorf("ReadBaseline (-want +got):\n%s", diff)
		}
	}
}

func TestReadBaselineErrors(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"empty", ``, "not a JSON document: EOF"},
		{"not JSON", `FAIL manual_block_max_days`, "not a JSON document: invalid character 'F' looking for beginning of value"},
		{"cut short", `{"schema_version": 1, "tool": {"name": "gpaudit"}, "checks": [`, "not a JSON document: unexpected EOF"},
		{"two documents", `{"schema_version": 1, "tool": {"name": "gpaudit"}, "checks": []} {}`, "not one JSON document: more follows the first"},
		{"an array", `[{"id": "f-0123456789abcdef"}]`, "not a gpaudit JSON report: the document is a JSON array"},
		{"another tool's JSON", `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "checkov"}}}]}`, "not a gpaudit JSON report: it has no tool.name"},
		{"another tool's name", `{"schema_version": 1, "tool": {"name": "conftest"}, "checks": []}`, `not a gpaudit JSON report: tool.name is "conftest"`},
		{"schema_version 2", `{"schema_version": 2, "tool": {"name": "gpaudit"}, "checks": []}`, "a gpaudit JSON report of schema_version 2; this gpaudit reads schema_version 1"},
		{"no schema_version", `{"tool": {"name": "gpaudit"}, "checks": []}`, "not a gpaudit JSON report: it has no schema_version"},
		{"schema_version a string", `{"schema_version": "1", "tool": {"name": "gpaudit"}, "checks": []}`, "not a gpaudit JSON report: schema_version is a JSON string"},
		{"a test report", `{"schema_version": 1, "tool": {"name": "gpaudit"}, "tests": []}`, "not a gpaudit JSON report: it has no checks"},
		{"a finding without an id", `{"schema_version": 1, "tool": {"name": "gpaudit"}, "checks": [{"name": "c", "findings": [{"subject": "p1"}]}]}`,
			"finding 1 of check c has no finding id (f- and 16 hex digits): the report was written by a gpaudit that gave none; run that check again to make a baseline"},
		{"a check without a name", `{"schema_version": 1, "tool": {"name": "gpaudit"}, "checks": [{"findings": []}]}`, "not a gpaudit JSON report: a check has no name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := ReadBaseline(strings.NewReader(tt.doc))
			if err == nil || err.Error() != tt.want {
				t.Fatalf("ReadBaseline error = %v, want %q", err, tt.want)
			}
			if b != nil {
				t.Errorf("ReadBaseline gave %v beside the error", b)
			}
		})
	}
}
