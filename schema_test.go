package main

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

const reportSchema = "schemas/report.schema.json"

func compileReportSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(reportSchema)
	if err != nil {
		t.Fatalf("compile %s: %v", reportSchema, err)
	}
	return sch
}

// isReport says whether data is a gpaudit JSON report of schema_version 1,
// rather than a snapshot manifest, a SARIF log or a report that a test
// makes wrong on purpose (schema_version 2).
func isReport(data []byte) bool {
	var doc struct {
		SchemaVersion int `json:"schema_version"`
		Tool          struct{ Name string }
		AsOf          *string `json:"as_of"`
	}
	return json.Unmarshal(data, &doc) == nil && doc.SchemaVersion == 1 && doc.Tool.Name == "gpaudit" && doc.AsOf != nil
}

// repoReports returns every JSON report kept in the repository: the report
// package's goldens, the examples' goldens and reviews, and the reports in
// the test scripts, by where they are.
func repoReports(t *testing.T) map[string][]byte {
	t.Helper()
	reports := map[string][]byte{}
	for _, root := range []string{"report/testdata", "testdata", "examples"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			switch {
			case strings.HasSuffix(path, ".json"), strings.HasSuffix(path, ".golden"):
				data, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				if isReport(data) {
					reports[path] = data
				}
			case strings.HasSuffix(path, ".txtar"):
				a, err := txtar.ParseFile(path)
				if err != nil {
					return err
				}
				for _, f := range a.Files {
					if strings.HasSuffix(f.Name, ".json") && isReport(f.Data) {
						reports[path+":"+f.Name] = f.Data
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return reports
}

// TestReportSchema validates every JSON report in the repository, and a
// fresh one of the compliance review under its baseline, against
// schemas/report.schema.json.
func TestReportSchema(t *testing.T) {
	sch := compileReportSchema(t)
	reports := repoReports(t)
	// The walk finds what it is meant to: a test that validates nothing
	// proves nothing.
	for _, want := range []string{
		"report/testdata/json.golden", "report/testdata/triage.json.golden",
		"testdata/examples/quickstart.json", "testdata/examples/compliance-review.json",
		"examples/compliance-review/review-2026-11-22.json",
		"testdata/script/check_exit_codes.txtar:want.json",
	} {
		if _, ok := reports[filepath.FromSlash(want)]; !ok {
			t.Errorf("%s is not among the reports found", want)
		}
	}
	code, stdout, stderr := runCLI(t, append(append([]string{}, reviewArgs...), "--format", "json", "examples/compliance-review")...)
	if code != exitOK && code != exitFailed {
		t.Fatalf("check: exit %d\n%s", code, stderr)
	}
	reports["compliance review under its baseline"] = []byte(stdout)

	names := slices.Sorted(func(yield func(string) bool) {
		for name := range reports {
			if !yield(name) {
				return
			}
		}
	})
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(reports[name]))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(doc); err != nil {
				t.Errorf("%v", err)
			}
		})
	}
}

// TestReportSchemaRejects: the schema catches what a consumer would trip
// on: an unknown status, a missing field, a field it does not name.
func TestReportSchemaRejects(t *testing.T) {
	sch := compileReportSchema(t)
	good, err := os.ReadFile("report/testdata/triage.json.golden")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, old, new string }{
		{"check status", `"status": "fail"`, `"status": "failed"`},
		{"waiver status", `"status": "active"`, `"status": "ok"`},
		{"severity", `"severity": "high"`, `"severity": "urgent"`},
		{"baseline", `"baseline": "new"`, `"baseline": "fresh"`},
		{"finding id", `"id": "f-`, `"id": "x-`},
		{"pii", `"pii": "masked"`, `"pii": "hidden"`},
		{"missing waived_by", `"waived_by": "",`, ``},
		{"unknown field", `"schema_version": 1,`, `"schema_version": 1, "extra": true,`},
		{"schema_version 2", `"schema_version": 1`, `"schema_version": 2`},
		{"as_of not a time", `"as_of": "2026-11-22T00:00:00Z"`, `"as_of": "yesterday"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bad := strings.Replace(string(good), tt.old, tt.new, 1)
			if bad == string(good) {
				t.Fatalf("%q is not in the golden report", tt.old)
			}
			doc, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
			if err != nil {
				t.Fatal(err)
			}
			if sch.Validate(doc) == nil {
				t.Errorf("a report with %s %q passes the schema", tt.name, tt.new)
			}
		})
	}
}
