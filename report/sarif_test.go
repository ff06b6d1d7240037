package report

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/gpaudit/gpaudit/engine"
)

const sarifSchemaFile = "../../shared/schemas/sarif-2.1.0.json"

// pointed gives the fixture's checks what the engine takes from the
// configuration and the policies: the line of each check block and the
// policy's description.
func pointed(r *engine.Results) *engine.Results {
	at := map[string]struct {
		line int
		desc string
	}{
		"manual_block_max_days": {12, "An active manual block (status 1) whose end is more than max_days after its start, or that has no end, violates."},
		"google_link_unique":    {27, "Each player has at most one live linking of the provider; a second one violates."},
		"chat_blocked_players":  {3, "A player with an active block is muted in chat: <muted> & \"silent\"."},
		"stale_chat_members":    {18, ""},
	}
	for i := range r.Checks {
		c := &r.Checks[i]
		c.Line, c.Description = at[c.Name].line, at[c.Name].desc
	}
	return r
}

func TestSARIFGolden(t *testing.T) {
	for _, tt := range []struct {
		file string
		r    func() *engine.Results
	}{
		{"sarif.golden", fixture},
		{"triage.sarif.golden", triageFixture},
	} {
		t.Run(tt.file, func(t *testing.T) {
			golden(t, tt.file, render(t, NewSARIF(Options{Version: "0.1.0"}), pointed(tt.r())))
		})
	}
}

// compileSchema compiles the JSON schema at path, of any draft the library
// reads (SARIF's is draft-04), with formats asserted. Locally a missing
// schema skips the test; in CI it fails it.
func compileSchema(t *testing.T, path string) *jsonschema.Schema {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("schema: %v", err)
		}
		t.Skipf("schema not found beside the checkout: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(path)
	if err != nil {
		t.Fatalf("compile %s: %v", path, err)
	}
	return sch
}

// TestSARIFSchema validates SARIF logs against the OASIS SARIF 2.1.0 schema.
func TestSARIFSchema(t *testing.T) {
	sch := compileSchema(t, sarifSchemaFile)
	cases := map[string]*engine.Results{
		"fixture": pointed(fixture()),
		"triage":  pointed(triageFixture()),
		"empty":   {AsOf: asOf},
		"bare": {AsOf: asOf, Checks: []engine.CheckResult{
			{Name: "no_file", Status: engine.StatusFail, Findings: []engine.Finding{{Message: ""}}},
			{Name: "absolute", File: "/srv/audit/my checks.hcl", Line: 4, Status: engine.StatusError, Error: "boom"},
		}},
	}
	for name, r := range cases {
		t.Run(name, func(t *testing.T) {
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(render(t, NewSARIF(Options{Version: "0.1.0"}), r)))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(doc); err != nil {
				t.Errorf("SARIF log is not valid: %v", err)
			}
		})
	}
	// The schema is strict enough to catch a mistake: a level SARIF does
	// not know.
	bad := strings.Replace(string(render(t, NewSARIF(Options{}), pointed(fixture()))), `"level": "error"`, `"level": "high"`, 1)
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(doc); err == nil {
		t.Error("a SARIF log with level \"high\" passes the schema; the test would not catch a mistake")
	}
}

// sarifDoc is the part of a SARIF log the structure test reads back.
type sarifDoc struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Name, Version string
				Rules         []struct {
					ID                   string
					ShortDescription     struct{ Text string }
					FullDescription      *struct{ Text string }
					DefaultConfiguration struct{ Level string }
				}
			}
		}
		Invocations []struct {
			ExecutionSuccessful        bool
			ToolExecutionNotifications []struct {
				Level          string
				Message        struct{ Text string }
				AssociatedRule struct {
					ID    string
					Index int
				}
			}
		}
		Results []struct {
			RuleID    string
			RuleIndex int
			Level     string
			Message   struct{ Text string }
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct{ URI string }
					Region           *struct{ StartLine int }
				}
			}
			PartialFingerprints map[string]string
			BaselineState       string
			Suppressions        []struct {
				Kind, Status, Justification string
				Properties                  map[string]string
			}
			Properties map[string]any
		}
	}
}

func readSARIF(t *testing.T, r *engine.Results) sarifDoc {
	t.Helper()
	var doc sarifDoc
	if err := json.Unmarshal(render(t, NewSARIF(Options{Version: "0.1.0"}), r), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(doc.Runs))
	}
	return doc
}

// TestSARIFRules: one rule per check, in order, with the check's title,
// its policy's description and a level from its severity.
func TestSARIFRules(t *testing.T) {
	run := readSARIF(t, pointed(fixture())).Runs[0]
	if d := run.Tool.Driver; d.Name != "gpaudit" || d.Version != "0.1.0" {
		t.Errorf("driver %s %s, want gpaudit 0.1.0", d.Name, d.Version)
	}
	type rule struct{ ID, Short, Full, Level string }
	var got []rule
	for _, r := range run.Tool.Driver.Rules {
		full := ""
		if r.FullDescription != nil {
			full = r.FullDescription.Text
		}
		got = append(got, rule{r.ID, r.ShortDescription.Text, full, r.DefaultConfiguration.Level})
	}
	want := []rule{
		{"manual_block_max_days", "No active manual block longer than 30 days", "An active manual block (status 1) whose end is more than max_days after its start, or that has no end, violates.", "error"},
		{"google_link_unique", "One Google account per player", "Each player has at most one live linking of the provider; a second one violates.", "note"},
		{"chat_blocked_players", "Blocked players are muted in chat", "A player with an active block is muted in chat: <muted> & \"silent\".", "warning"},
		{"stale_chat_members", "Chat members seen within a year", "", "note"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	for _, tt := range []struct{ severity, level string }{
		{"critical", "error"}, {"high", "error"}, {"medium", "warning"}, {"low", "note"}, {"info", "note"},
	} {
		if got := sarifLevel(tt.severity); got != tt.level {
			t.Errorf("sarifLevel(%q) = %q, want %q", tt.severity, got, tt.level)
		}
	}
	inv := run.Invocations[0]
	if inv.ExecutionSuccessful || len(inv.ToolExecutionNotifications) != 1 {
		t.Fatalf("invocation %+v: want unsuccessful with one notification for the errored check", inv)
	}
	if n := inv.ToolExecutionNotifications[0]; n.AssociatedRule.ID != "chat_blocked_players" || n.AssociatedRule.Index != 2 ||
		n.Level != "error" || !strings.Contains(n.Message.Text, "HTTP 503") {
		t.Errorf("notification %+v: want the error of chat_blocked_players (rule 2)", n)
	}
}

// TestSARIFResults: a result per finding and warning, pointing at the
// check's block, with the finding id as fingerprint, subject and record id
// as properties, a suppression per waived finding and a baseline state per
// deny finding under a baseline.
func TestSARIFResults(t *testing.T) {
	in := pointed(triageFixture())
	run := readSARIF(t, in).Runs[0]
	type result struct {
		Rule, Level, ID, Subject, Record, URI, State, Waiver, Reason string
		Line, Index                                                  int
		Warning                                                      bool
	}
	var got []result
	for _, r := range run.Results {
		loc := r.Locations[0].PhysicalLocation
		res := result{Rule: r.RuleID, Index: r.RuleIndex, Level: r.Level, ID: r.PartialFingerprints["gpauditFinding"],
			URI: loc.ArtifactLocation.URI, Line: loc.Region.StartLine, State: r.BaselineState}
		res.Subject, _ = r.Properties["subject"].(string)
		res.Record, _ = r.Properties["record_id"].(string)
		res.Warning, _ = r.Properties["warning"].(bool)
		if r.Suppressions == nil {
			t.Errorf("result %s has no suppressions list; want one, empty when not waived", res.ID)
		}
		for _, s := range r.Suppressions {
			if s.Kind != "external" || s.Status != "accepted" {
				t.Errorf("suppression %+v: want kind external, status accepted", s)
			}
			res.Waiver, res.Reason = s.Properties["waiver"], s.Justification
		}
		got = append(got, res)
	}
	var want []result
	reasons := map[string]string{}
	for _, w := range in.Waivers {
		reasons[w.Name] = w.Reason
	}
	for i, c := range in.Checks {
		for _, f := range c.Findings {
			state := map[string]string{engine.BaselineNew: "new", engine.BaselineExisting: "unchanged"}[f.Baseline]
			want = append(want, result{c.Name, sarifLevel(c.Severity), f.ID, f.Subject, f.RecordID, c.File, state,
				f.WaivedBy, reasons[f.WaivedBy], c.Line, i, false})
		}
		for _, f := range c.Warnings {
			want = append(want, result{c.Name, "note", f.ID, f.Subject, f.RecordID, c.File, "", "", "", c.Line, i, true})
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	// The fixture has what this test is about.
	var waived, unchanged, fresh int
	for _, r := range got {
		if r.Waiver != "" {
			waived++
		}
		switch r.State {
		case "unchanged":
			unchanged++
		case "new":
			fresh++
		}
	}
	if waived != 2 || unchanged == 0 || fresh == 0 {
		t.Errorf("%d waived, %d unchanged, %d new results; the triage fixture should have 2 waived and both states", waived, unchanged, fresh)
	}
	// Without a baseline no result has a state.
	for _, r := range readSARIF(t, pointed(fixture())).Runs[0].Results {
		if r.BaselineState != "" {
			t.Errorf("result %s has baselineState %q without a baseline", r.PartialFingerprints["gpauditFinding"], r.BaselineState)
		}
	}
}

func TestFileURI(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"examples/quickstart/main.hcl", "examples/quickstart/main.hcl"},
		{"./main.hcl", "main.hcl"},
		{"../audit/main.hcl", "../audit/main.hcl"},
		{"my checks/ü#1.hcl", "my%20checks/%C3%BC%231.hcl"},
		{"a:b/main.hcl", "./a:b/main.hcl"},
		{"/srv/audit/main.hcl", "file:///srv/audit/main.hcl"},
	} {
		if got := fileURI(tt.in); got != tt.want {
			t.Errorf("fileURI(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
