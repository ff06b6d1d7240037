package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/engine"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test ./report/ -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs from the golden file (-want +got):\n%s", name, diff)
	}
}

func render(t testing.TB, rep Reporter, r *engine.Results) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := rep.Report(&buf, r); err != nil {
		t.Fatalf("Report: %v", err)
	}
	return buf.Bytes()
}

var asOf = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

// fixture covers every status, more findings than the text format shows,
// warnings, nested details with json.Number, text that needs escaping in
// XML and JSON, a terminal escape in player data, and two HCL files.
func fixture() *engine.Results {
	blocks := []engine.Finding{
		{Subject: "0a1b2c3d-0001", RecordID: "TWVtYmVyQmxvY2s6MQ==", Message: "manual block active for 45 days (max 30)",
			Details: map[string]any{"days": json.Number("45"), "max_days": json.Number("30"),
				"block": map[string]any{"type": "manual", "startedAt": "2026-10-08T00:00:00+09:00", "reasons": []any{"spam", "abuse"}}}},
		{Subject: "0a1b2c3d-0002", RecordID: "TWVtYmVyQmxvY2s6Mg==", Message: `reason <script>alert("x")</script> & 'quoted'`,
			Details: map[string]any{"days": json.Number("31.5"), "note": `<&>"'`}},
		{Subject: "0a1b2c3d-0003", RecordID: "TWVtYmVyQmxvY2s6Mw==", Message: "닉네임 «용사» blocked — 40 days 🎮",
			Details: map[string]any{"nickname": "용사", "days": json.Number("40")}},
		{Subject: "0a1b2c3d-0004", RecordID: "TWVtYmVyQmxvY2s6NA==", Message: "nickname \x1b[31mred\x1b[0m\nsecond line", Details: map[string]any{}},
		{Subject: "0a1b2c3d-0005", RecordID: "TWVtYmVyQmxvY2s6NQ==", Message: "manual block active for 90 days (max 30)", Details: nil},
		{Subject: "0a1b2c3d-0006", RecordID: "TWVtYmVyQmxvY2s6Ng==", Message: "manual block active for 33 days (max 30)", Details: map[string]any{"days": 33}},
		{Subject: "0a1b2c3d-0007", RecordID: "", Message: "manual block active for 61 days (max 30)", Details: map[string]any{"nested": map[string]any{"z": true, "a": nil, "m": []any{json.Number("1"), "two"}}}},
	}
	return withIDs(&engine.Results{
		AsOf: asOf,
		Inputs: engine.Inputs{
			Config: []engine.InputFile{
				{Path: "main.hcl", SHA256: "9f2c6a1e0b7d4c3a8e5f6b2d1c0a9e8f7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e"},
				{Path: "policies/banned.rego", SHA256: "0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e"},
			},
			Snapshot: &engine.SnapshotInput{ManifestSHA256: "5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f", CreatedAt: "2026-11-21T23:00:00Z"},
		},
		Cohorts: []engine.CohortResult{
			{Name: "active_manual_blocks", Source: "gamepot.main", Dataset: "memberblock", Records: 120, Status: "ok",
				Via: "api", Requests: 4, Retries: 1, Verified: true},
			{Name: "google_links", Source: "gamepot.main", Dataset: "linkings", Records: 1, Status: "ok",
				Via: "api", Requests: 3},
			{Name: "blocked_in_chat", Source: "ncloud_chat.main", Dataset: "chat_members", Status: "error",
				Error: "fetch chat_members page 1: HTTP 503 <html>Service & \"Unavailable\"</html>\nretried 3 times",
				Via:   "api", Requests: 4, Retries: 3},
			{Name: "spare", Source: "gamepot.main", Dataset: "memberblock", Status: "unused", Via: "api"},
		},
		Checks: []engine.CheckResult{
			{Name: "manual_block_max_days", Title: "No active manual block longer than 30 days",
				Policy: "gamepot.blocks.max_duration", Cohort: "active_manual_blocks", Severity: "high",
				Tags: []string{"compliance", "blocks"}, File: "examples/quickstart/main.hcl", Status: engine.StatusFail,
				Records: 120, Findings: blocks,
				Warnings: []engine.Finding{{Subject: "0a1b2c3d-0008", RecordID: "TWVtYmVyQmxvY2s6OA==", Message: "block ends in 2 days", Details: map[string]any{}}}},
			{Name: "google_link_unique", Title: "One Google account per player",
				Policy: "gamepot.linkings.unique_provider", Cohort: "google_links", Severity: "low",
				Tags: []string{"linkings"}, File: "examples/quickstart/main.hcl", Status: engine.StatusPass, Records: 1,
				Warnings: []engine.Finding{
					{Message: "cohort is smaller than expected", Details: map[string]any{}},
					{Subject: "0a1b2c3d-0009", RecordID: "TGlua2luZzo5", Message: "linked <today> & unverified", Details: map[string]any{}},
				}},
			{Name: "chat_blocked_players", Title: "Blocked players are muted in chat",
				Policy: "chat.members.blocked_muted", Cohort: "active_manual_blocks", Severity: "medium",
				Tags: []string{"chat"}, File: "examples/quickstart/chat.hcl", Status: engine.StatusError,
				Error: "cohort blocked_in_chat: fetch chat_members page 1: HTTP 503 <html>Service & \"Unavailable\"</html>"},
			{Name: "stale_chat_members", Title: "Chat members seen within a year",
				Policy: "chat.members.stale", Cohort: "blocked_in_chat", Severity: "info",
				File: "examples/quickstart/chat.hcl", Status: engine.StatusSkip},
		},
	})
}

// withIDs gives every finding and warning of r its id, as the engine does.
func withIDs(r *engine.Results) *engine.Results {
	for i := range r.Checks {
		c := &r.Checks[i]
		for _, fs := range [][]engine.Finding{c.Findings, c.Warnings} {
			for j := range fs {
				fs[j].ID = engine.FindingID(c.Name, c.Policy, fs[j].Subject, fs[j].RecordID, fs[j].Key)
			}
		}
	}
	return r
}

// triageFixture is fixture with waivers (active, expired and unused) and a
// baseline applied by the engine: findings waived, new and existing, and
// resolved ones.
func triageFixture() *engine.Results {
	r := fixture()
	blocks := r.Checks[0].Findings
	r.Waive([]*config.Waiver{
		{Name: "legal_hold", Check: "manual_block_max_days", Subjects: []string{"0a1b2c3d-0001"}, Findings: []string{blocks[2].ID},
			Reason: "Legal hold LH-2026-114: the blocks stay until the case closes.", Owner: "trust-safety@example.com",
			Expires: time.Date(2027, 1, 31, 23, 59, 59, 0, time.UTC)},
		{Name: "old_exception", Check: "manual_block_max_days", Records: []string{blocks[3].RecordID},
			Reason: "Until the appeal was decided.", Owner: "appeals@example.com",
			Expires: time.Date(2026, 10, 31, 23, 59, 59, 0, time.UTC)},
		{Name: "stale", Check: "google_link_unique", Subjects: []string{"0a1b2c3d-0009"},
			Reason: "Warnings are never waived.", Owner: "links@example.com",
			Expires: time.Date(2027, 6, 30, 23, 59, 59, 0, time.UTC)},
	})
	r.CompareBaseline(engine.Baseline{
		"manual_block_max_days": {
			{ID: blocks[0].ID, Subject: blocks[0].Subject, RecordID: blocks[0].RecordID},
			{ID: blocks[4].ID, Subject: blocks[4].Subject, RecordID: blocks[4].RecordID},
			{ID: "f-0123456789abcdef", Subject: "0a1b2c3d-0000", RecordID: "TWVtYmVyQmxvY2s6MA=="},
		},
		"google_link_unique": {{ID: "f-fedcba9876543210", Subject: "0a1b2c3d-0010"}},
	})
	return r
}

// TestTriageGolden renders triageFixture in every format.
func TestTriageGolden(t *testing.T) {
	tests := []struct {
		file string
		rep  Reporter
	}{
		{"triage.json.golden", NewJSON(Options{Version: "0.1.0"})},
		{"triage.junit.golden", NewJUnit()},
		{"triage.text.golden", NewText(Options{})},
		{"triage_verbose.text.golden", NewText(Options{Verbose: true})},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			golden(t, tt.file, render(t, tt.rep, triageFixture()))
		})
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		format  string
		want    Reporter
		wantErr string
	}{
		{format: "text", want: &Text{}},
		{format: "json", want: &JSON{}},
		{format: "junit", want: &JUnit{}},
		{format: "sarif", want: &SARIF{}},
		{format: "markdown", want: &Markdown{}},
		{format: "html", want: &HTML{}},
		{format: "xml", wantErr: `unknown format "xml" (want text, json, junit, sarif, markdown or html)`},
		{format: "", wantErr: `unknown format "" (want text, json, junit, sarif, markdown or html)`},
		{format: "JSON", wantErr: `unknown format "JSON" (want text, json, junit, sarif, markdown or html)`},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			got, err := New(tt.format, Options{})
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("New(%q) error = %v, want %q", tt.format, err, tt.wantErr)
				}
				if got != nil {
					t.Errorf("New(%q) = %T, want nil with the error", tt.format, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("New(%q): %v", tt.format, err)
			}
			if fmt.Sprintf("%T", got) != fmt.Sprintf("%T", tt.want) {
				t.Errorf("New(%q) = %T, want %T", tt.format, got, tt.want)
			}
		})
	}
}

func TestCheckFormats(t *testing.T) {
	got := Formats()
	if want := []string{"text", "json", "junit", "sarif", "markdown", "html"}; !slices.Equal(got, want) {
		t.Fatalf("Formats() = %q, want %q", got, want)
	}
	for _, f := range got {
		if _, err := New(f, Options{}); err != nil {
			t.Errorf("New(%q) for a listed format: %v", f, err)
		}
	}
	if got, want := FormatList(), "text, json, junit, sarif, markdown or html"; got != want {
		t.Errorf("FormatList() = %q, want %q", got, want)
	}
	got[0] = "changed"
	if Formats()[0] != "text" {
		t.Error("Formats returns its internal slice; a caller changed it")
	}
}

// TestDeterministic renders every format twice, from separately built
// Results, and wants the same bytes: details are maps, whose order Go varies.
func TestDeterministic(t *testing.T) {
	for _, format := range Formats() {
		for _, opts := range []Options{{Version: "0.1.0"}, {Color: true, Verbose: true}} {
			t.Run(fmt.Sprintf("%s/%+v", format, opts), func(t *testing.T) {
				a, err := New(format, opts)
				if err != nil {
					t.Fatal(err)
				}
				b, err := New(format, opts)
				if err != nil {
					t.Fatal(err)
				}
				for _, results := range []func() *engine.Results{fixture, triageFixture} {
					first := render(t, a, results())
					for range 5 {
						if again := render(t, b, results()); !bytes.Equal(first, again) {
							t.Fatalf("two renders differ:\n%s\n---\n%s", first, again)
						}
					}
				}
			})
		}
	}
}

func TestFormatAsOf(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{asOf, "2026-11-22T00:00:00Z"},
		{time.Date(2026, 11, 22, 9, 0, 0, 0, time.FixedZone("KST", 9*3600)), "2026-11-22T00:00:00Z"},
		{time.Date(2026, 11, 22, 0, 0, 1, 500_000_000, time.UTC), "2026-11-22T00:00:01.5Z"},
		{time.Date(2026, 11, 22, 0, 0, 1, 123, time.UTC), "2026-11-22T00:00:01.000000123Z"},
	}
	for _, tt := range tests {
		if got := formatAsOf(tt.in); got != tt.want {
			t.Errorf("formatAsOf(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain 용사 🎮 <&>", "plain 용사 🎮 <&>"},
		{"a\tb", "a b"},
		{"line\nnext\r", `line\nnext\r`},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"\u0085next", `\x85next`},
		{"evil\u202etxt.exe", `evil\u202etxt.exe`},
	}
	for _, tt := range tests {
		if got := clean(tt.in); got != tt.want {
			t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// bigResults is a run of 50 checks with 200 findings each, for benchmarks.
func bigResults() *engine.Results {
	r := &engine.Results{AsOf: asOf}
	for i := range 50 {
		c := engine.CheckResult{
			Name: fmt.Sprintf("check_%02d", i), Title: "A check", Policy: "gamepot.blocks.max_duration",
			Cohort: "active_manual_blocks", Severity: "high", Tags: []string{"compliance"},
			File: fmt.Sprintf("file%d.hcl", i%3), Status: engine.StatusFail, Records: 1000,
		}
		for j := range 200 {
			c.Findings = append(c.Findings, engine.Finding{
				Subject: fmt.Sprintf("player-%05d", j), RecordID: fmt.Sprintf("rec-%05d", j),
				Message: "manual block active for 45 days (max 30)",
				Details: map[string]any{"days": json.Number("45"), "type": "manual"},
			})
		}
		r.Checks = append(r.Checks, c)
	}
	return r
}

func BenchmarkReport(b *testing.B) {
	r := bigResults()
	for _, format := range Formats() {
		b.Run(format, func(b *testing.B) {
			rep, err := New(format, Options{Version: "0.1.0", Verbose: true})
			if err != nil {
				b.Fatal(err)
			}
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := rep.Report(&buf, r); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(buf.Len()))
		})
	}
}
