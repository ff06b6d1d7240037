package report

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gpaudit/gpaudit/engine"
)

func TestJSONGolden(t *testing.T) {
	golden(t, "json.golden", render(t, NewJSON(Options{Version: "0.1.0"}), fixture()))
}

func TestJSONDocument(t *testing.T) {
	tests := []struct {
		name string
		in   *engine.Results
		want string // the whole document
	}{
		{
			name: "empty run",
			in:   &engine.Results{AsOf: asOf},
			want: `{
  "schema_version": 1,
  "tool": {
    "name": "gpaudit",
    "version": "1.2.3"
  },
  "as_of": "2026-11-22T00:00:00Z",
  "pii": "masked",
  "inputs": {
    "config": []
  },
  "summary": {
    "checks": 0,
    "passed": 0,
    "failed": 0,
    "errors": 0,
    "skipped": 0,
    "findings": 0,
    "warnings": 0,
    "waived": 0
  },
  "cohorts": [],
  "checks": [],
  "waivers": []
}
`,
		},
		{
			name: "nil tags, findings and details",
			in: &engine.Results{AsOf: asOf, Checks: []engine.CheckResult{
				{Name: "c", Status: engine.StatusFail, Findings: []engine.Finding{{Message: "<&>"}}},
			}},
			want: `{
  "schema_version": 1,
  "tool": {
    "name": "gpaudit",
    "version": "1.2.3"
  },
  "as_of": "2026-11-22T00:00:00Z",
  "pii": "masked",
  "inputs": {
    "config": []
  },
  "summary": {
    "checks": 1,
    "passed": 0,
    "failed": 1,
    "errors": 0,
    "skipped": 0,
    "findings": 1,
    "warnings": 0,
    "waived": 0
  },
  "cohorts": [],
  "checks": [
    {
      "name": "c",
      "title": "",
      "policy": "",
      "cohort": "",
      "severity": "",
      "tags": [],
      "status": "fail",
      "records": 0,
      "error": "",
      "findings": [
        {
          "id": "",
          "subject": "",
          "record_id": "",
          "message": "<&>",
          "details": {},
          "waived_by": ""
        }
      ],
      "warnings": []
    }
  ],
  "waivers": []
}
`,
		},
		{
			name: "inputs, personal data shown",
			in: &engine.Results{AsOf: asOf, ShowsPII: true, Inputs: engine.Inputs{
				Config: []engine.InputFile{
					{Path: "main.hcl", SHA256: "aa11"},
					{Path: "policies/banned.rego", SHA256: "bb22"},
					{Path: "builtin:gamepot/blocks/max_duration.rego", SHA256: "cc33"},
				},
				Snapshot: &engine.SnapshotInput{ManifestSHA256: "dd44", CreatedAt: "2026-11-21T23:00:00Z"},
			}},
			want: `{
  "schema_version": 1,
  "tool": {
    "name": "gpaudit",
    "version": "1.2.3"
  },
  "as_of": "2026-11-22T00:00:00Z",
  "pii": "shown",
  "inputs": {
    "config": [
      {
        "path": "main.hcl",
        "sha256": "aa11"
      },
      {
        "path": "policies/banned.rego",
        "sha256": "bb22"
      },
      {
        "path": "builtin:gamepot/blocks/max_duration.rego",
        "sha256": "cc33"
      }
    ],
    "snapshot": {
      "manifest_sha256": "dd44",
      "created_at": "2026-11-21T23:00:00Z"
    }
  },
  "summary": {
    "checks": 0,
    "passed": 0,
    "failed": 0,
    "errors": 0,
    "skipped": 0,
    "findings": 0,
    "warnings": 0,
    "waived": 0
  },
  "cohorts": [],
  "checks": [],
  "waivers": []
}
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(render(t, NewJSON(Options{Version: "1.2.3"}), tt.in))
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestJSONSummary(t *testing.T) {
	var doc struct {
		Summary map[string]int `json:"summary"`
	}
	if err := json.Unmarshal(render(t, NewJSON(Options{}), fixture()), &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"checks": 4, "passed": 1, "failed": 1, "errors": 1, "skipped": 1, "findings": 7, "warnings": 3, "waived": 0}
	if diff := cmp.Diff(want, doc.Summary); diff != "" {
		t.Errorf("summary without a baseline (-want +got):\n%s", diff)
	}
	doc.Summary = nil
	if err := json.Unmarshal(render(t, NewJSON(Options{}), triageFixture()), &doc); err != nil {
		t.Fatal(err)
	}
	want = map[string]int{"checks": 4, "passed": 1, "failed": 1, "errors": 1, "skipped": 1, "findings": 7, "warnings": 3,
		"waived": 2, "new": 5, "resolved": 2}
	if diff := cmp.Diff(want, doc.Summary); diff != "" {
		t.Errorf("summary with waivers and a baseline (-want +got):\n%s", diff)
	}
}

// TestJSONTriageFields: baseline and resolved are there only under a
// baseline; waived_by on every deny finding, never on a warning.
func TestJSONTriageFields(t *testing.T) {
	type finding map[string]any
	var doc struct {
		Checks []struct {
			Findings []finding  `json:"findings"`
			Warnings []finding  `json:"warnings"`
			Resolved *[]finding `json:"resolved"`
		} `json:"checks"`
	}
	for _, tt := range []struct {
		name     string
		r        *engine.Results
		baseline bool
	}{{"plain", fixture(), false}, {"triage", triageFixture(), true}} {
		t.Run(tt.name, func(t *testing.T) {
			doc.Checks = nil
			if err := json.Unmarshal(render(t, NewJSON(Options{}), tt.r), &doc); err != nil {
				t.Fatal(err)
			}
			for i, c := range doc.Checks {
				if (c.Resolved != nil) != tt.baseline {
					t.Errorf("check %d: resolved %v, want it only under a baseline", i, c.Resolved)
				}
				for _, f := range c.Findings {
					if _, ok := f["waived_by"]; !ok {
						t.Errorf("check %d: finding %v has no waived_by", i, f["id"])
					}
					if _, ok := f["baseline"]; ok != tt.baseline {
						t.Errorf("check %d: finding %v baseline %v, want it only under a baseline", i, f["id"], f["baseline"])
					}
				}
				for _, w := range c.Warnings {
					if _, ok := w["waived_by"]; ok {
						t.Errorf("check %d: warning %v has waived_by", i, w["id"])
					}
				}
			}
		})
	}
}

func TestJSONEncodeError(t *testing.T) {
	r := &engine.Results{AsOf: asOf, Checks: []engine.CheckResult{{
		Name: "c", Status: engine.StatusFail,
		Findings: []engine.Finding{{Message: "m", Details: map[string]any{"ratio": math.NaN()}}},
	}}}
	var buf bytes.Buffer
	err := NewJSON(Options{}).Report(&buf, r)
	if err == nil || !strings.Contains(err.Error(), "encode json report") {
		t.Fatalf("Report with a NaN detail: error = %v, want an encode error", err)
	}
	if buf.Len() != 0 {
		t.Errorf("Report wrote %d bytes before failing; want nothing", buf.Len())
	}
}
