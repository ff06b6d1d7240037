package report

import (
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gpaudit/gpaudit/engine"
)

const junitSchema = "../../shared/schemas/junit-10.xsd"

func TestJUnitGolden(t *testing.T) {
	golden(t, "junit.golden", render(t, &JUnit{Folder: "examples/quickstart"}, fixture()))
}

// TestJUnitClassnames holds classnames to SPEC.md: "gpaudit.", the
// configuration folder with dots for slashes, then the file's stem.
func TestJUnitClassnames(t *testing.T) {
	tests := []struct {
		folder, file, want string
	}{
		{"examples/quickstart", "examples/quickstart/main.hcl", "gpaudit.examples.quickstart.main"},
		{"quickstart", "main.hcl", "gpaudit.quickstart.main"},
		{"audit", "/ci/audit/chat.hcl", "gpaudit.audit.chat"},
		{"a/b", "a/b/x.y.hcl", "gpaudit.a.b.x.y"},
		{"", "main.hcl", "gpaudit.main"},
		{".", "main.hcl", "gpaudit.main"},
		{"audit/", "", "gpaudit.audit"},
	}
	for _, tt := range tests {
		if got := classname(tt.folder, tt.file); got != tt.want {
			t.Errorf("classname(%q, %q) = %q, want %q", tt.folder, tt.file, got, tt.want)
		}
	}
	r := &engine.Results{AsOf: asOf, Checks: []engine.CheckResult{
		{Name: "a", File: "examples/quickstart/main.hcl", Status: engine.StatusPass},
	}}
	p := parseJUnitWith(t, &JUnit{Folder: "examples/quickstart"}, r)
	if got := p.Suites[0].Cases[0].Classname; got != "gpaudit.examples.quickstart.main" {
		t.Errorf("report classname = %q, want gpaudit.examples.quickstart.main", got)
	}
}

// TestJUnitSkipped: a skipped case says why, and its suite counts it among
// its tests and its skips.
func TestJUnitSkipped(t *testing.T) {
	r := &engine.Results{AsOf: asOf, Checks: []engine.CheckResult{
		{Name: "run", File: "main.hcl", Status: engine.StatusPass},
		{Name: "by_tag", File: "main.hcl", Status: engine.StatusSkip, Error: "deselected by --tag"},
		{Name: "no_reason", File: "main.hcl", Status: engine.StatusSkip},
	}}
	p := parseJUnit(t, r)
	s := p.Suites[0]
	if s.Tests != 3 || s.Skipped != 2 || p.Tests != 3 {
		t.Errorf("suite tests/skipped = %d/%d, all tests %d; want 3/2, 3", s.Tests, s.Skipped, p.Tests)
	}
	for i, want := range []string{"", "deselected by --tag", notSelected} {
		got := s.Cases[i].Skipped
		switch {
		case want == "" && got != nil:
			t.Errorf("case %s: skipped %+v, want none", s.Cases[i].Name, got)
		case want != "" && (got == nil || got.Message != want):
			t.Errorf("case %s: skipped %+v, want message %q", s.Cases[i].Name, got, want)
		}
	}
}

// junitCases are the Results the schema test validates, beyond the fixture.
func junitCases() map[string]*engine.Results {
	dup := engine.CheckResult{Name: "dup", File: "main.hcl", Status: engine.StatusPass, Severity: "low"}
	return map[string]*engine.Results{
		"fixture": fixture(),
		"triage":  triageFixture(),
		"empty":   {AsOf: asOf},
		"no file and duplicate names": {AsOf: asOf, Checks: []engine.CheckResult{
			dup, dup, {Name: "dup (2)", File: "main.hcl", Status: engine.StatusFail, Severity: "high"},
			{Name: "orphan", Status: engine.StatusSkip, Error: "deselected by --tag"},
		}},
		"control characters": {AsOf: asOf, Checks: []engine.CheckResult{{
			Name: "c\x01", File: "a.hcl", Status: engine.StatusError, Severity: "low\x00", Error: "bad \x1b[31m\ufffe byte",
		}}},
	}
}

// TestJUnitSchema validates reports against the Jenkins xUnit schema with
// xmllint. Locally a missing xmllint skips the test; in CI it fails it.
func TestJUnitSchema(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("xmllint is needed to validate JUnit reports in CI (apt-get install libxml2-utils): %v", err)
		}
		t.Skip("xmllint not installed (apt-get install libxml2-utils); set CI=1 to make this a failure")
	}
	if _, err := os.Stat(junitSchema); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("JUnit schema: %v", err)
		}
		t.Skipf("JUnit schema not found beside the checkout: %v", err)
	}
	dir := t.TempDir()
	for name, r := range junitCases() {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".xml")
			if err := os.WriteFile(file, render(t, NewJUnit(), r), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(xmllint, "--noout", "--schema", junitSchema, file).CombinedOutput()
			if err != nil {
				t.Fatalf("xmllint: %v\n%s", err, out)
			}
		})
	}
}

// parsed is the part of a JUnit report the structure test reads back.
type parsed struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Suites   []struct {
		Name       string `xml:"name,attr"`
		Tests      int    `xml:"tests,attr"`
		Failures   int    `xml:"failures,attr"`
		Errors     int    `xml:"errors,attr"`
		Skipped    int    `xml:"skipped,attr"`
		Properties []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
		Cases []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
			} `xml:"error"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func parseJUnit(t *testing.T, r *engine.Results) parsed {
	t.Helper()
	return parseJUnitWith(t, NewJUnit(), r)
}

func parseJUnitWith(t *testing.T, j *JUnit, r *engine.Results) parsed {
	t.Helper()
	var p parsed
	if err := xml.Unmarshal(render(t, j, r), &p); err != nil {
		t.Fatalf("parse JUnit report: %v", err)
	}
	return p
}

func TestJUnitStructure(t *testing.T) {
	p := parseJUnit(t, fixture())
	if p.Tests != 4 || p.Failures != 1 || p.Errors != 1 {
		t.Errorf("testsuites tests/failures/errors = %d/%d/%d, want 4/1/1", p.Tests, p.Failures, p.Errors)
	}
	if len(p.Suites) != 2 {
		t.Fatalf("got %d suites, want 2 (main, chat)", len(p.Suites))
	}
	main, chat := p.Suites[0], p.Suites[1]
	if main.Name != "main" || chat.Name != "chat" {
		t.Errorf("suite names = %q, %q; want main, chat in order of first appearance", main.Name, chat.Name)
	}
	if main.Tests != 2 || main.Failures != 1 || main.Errors != 0 || main.Skipped != 0 {
		t.Errorf("main counts = %d/%d/%d/%d, want 2/1/0/0", main.Tests, main.Failures, main.Errors, main.Skipped)
	}
	if chat.Tests != 2 || chat.Failures != 0 || chat.Errors != 1 || chat.Skipped != 1 {
		t.Errorf("chat counts = %d/%d/%d/%d, want 2/0/1/1", chat.Tests, chat.Failures, chat.Errors, chat.Skipped)
	}
	fail := main.Cases[0]
	if fail.Name != "manual_block_max_days" || fail.Classname != "gpaudit.main" {
		t.Errorf("failing case = %q %q, want manual_block_max_days gpaudit.main", fail.Name, fail.Classname)
	}
	if fail.Failure == nil || fail.Failure.Message != "7 findings" || fail.Failure.Type != "high" {
		t.Fatalf("failure = %+v, want message \"7 findings\" type high", fail.Failure)
	}
	lines := strings.Split(fail.Failure.Text, "\n")
	if len(lines) != 7 {
		t.Errorf("failure text has %d lines, want one per finding (7):\n%s", len(lines), fail.Failure.Text)
	}
	if want := engine.FindingID("manual_block_max_days", "gamepot.blocks.max_duration", "0a1b2c3d-0002", "TWVtYmVyQmxvY2s6Mg==", "") +
		` 0a1b2c3d-0002 TWVtYmVyQmxvY2s6Mg==: reason <script>alert("x")</script> & 'quoted'`; lines[1] != want {
		t.Errorf("failure line 2 = %q, want %q", lines[1], want)
	}
	if got := chat.Cases[0].Error; got == nil || !strings.HasPrefix(got.Message, "cohort blocked_in_chat") {
		t.Errorf("error case = %+v, want the check's error as message", got)
	}
	if chat.Cases[1].Skipped == nil || chat.Cases[1].Skipped.Message != notSelected {
		t.Errorf("skipped check has <skipped> %+v, want one saying why", chat.Cases[1].Skipped)
	}
	warns := main.Cases[1]
	if got, want := warns.SystemOut, "warn: "+engine.FindingID("google_link_unique", "gamepot.linkings.unique_provider", "", "", "")+
		": cohort is smaller than expected\nwarn: "+engine.FindingID("google_link_unique", "gamepot.linkings.unique_provider", "0a1b2c3d-0009", "TGlua2luZzo5", "")+
		" 0a1b2c3d-0009 TGlua2luZzo5: linked <today> & unverified"; got != want {
		t.Errorf("passing check's system-out = %q, want %q", got, want)
	}
	var props []string
	for _, pr := range chat.Properties {
		props = append(props, pr.Name+"="+pr.Value)
	}
	wantProps := []string{
		"chat_blocked_players.severity=medium", "chat_blocked_players.policy=chat.members.blocked_muted",
		"chat_blocked_players.cohort=active_manual_blocks",
		"stale_chat_members.severity=info", "stale_chat_members.policy=chat.members.stale",
		"stale_chat_members.cohort=blocked_in_chat",
	}
	if diff := cmp.Diff(wantProps, props); diff != "" {
		t.Errorf("chat suite properties (-want +got):\n%s", diff)
	}
}

func TestJUnitUniqueNames(t *testing.T) {
	tests := []struct {
		name   string
		checks []engine.CheckResult
		want   []string // name@classname of every case, suite by suite
	}{
		{
			name: "same name in two files stays as is",
			checks: []engine.CheckResult{
				{Name: "a", File: "main.hcl", Status: engine.StatusPass},
				{Name: "a", File: "chat.hcl", Status: engine.StatusPass},
			},
			want: []string{"a@gpaudit.main", "a@gpaudit.chat"},
		},
		{
			name: "same name in one file is numbered",
			checks: []engine.CheckResult{
				{Name: "a", File: "main.hcl", Status: engine.StatusPass},
				{Name: "a", File: "main.hcl", Status: engine.StatusFail},
				{Name: "a", File: "main.hcl", Status: engine.StatusPass},
			},
			want: []string{"a@gpaudit.main", "a (2)@gpaudit.main", "a (3)@gpaudit.main"},
		},
		{
			name: "a numbered name that is taken moves on",
			checks: []engine.CheckResult{
				{Name: "a (2)", File: "main.hcl", Status: engine.StatusPass},
				{Name: "a", File: "main.hcl", Status: engine.StatusPass},
				{Name: "a", File: "main.hcl", Status: engine.StatusPass},
			},
			want: []string{"a (2)@gpaudit.main", "a@gpaudit.main", "a (3)@gpaudit.main"},
		},
		{
			name: "same stem in two folders shares the classname",
			checks: []engine.CheckResult{
				{Name: "a", File: "x/main.hcl", Status: engine.StatusPass},
				{Name: "a", File: "y/main.hcl", Status: engine.StatusPass},
			},
			want: []string{"a@gpaudit.main", "a (2)@gpaudit.main"},
		},
		{
			name: "no file",
			checks: []engine.CheckResult{
				{Name: "a", Status: engine.StatusPass},
				{Name: "a", File: "gpaudit.hcl", Status: engine.StatusPass},
			},
			want: []string{"a@gpaudit", "a@gpaudit.gpaudit"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := parseJUnit(t, &engine.Results{AsOf: asOf, Checks: tt.checks})
			var got []string
			for _, s := range p.Suites {
				for _, c := range s.Cases {
					got = append(got, c.Name+"@"+c.Classname)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("test names (-want +got):\n%s", diff)
			}
		})
	}
}

func TestJUnitUnknownStatus(t *testing.T) {
	r := &engine.Results{AsOf: asOf, Checks: []engine.CheckResult{{Name: "c", Status: "maybe"}}}
	var buf strings.Builder
	err := NewJUnit().Report(&buf, r)
	if err == nil || !strings.Contains(err.Error(), `unknown status "maybe"`) {
		t.Fatalf("error = %v, want one naming the unknown status", err)
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %d bytes before failing; want nothing", buf.Len())
	}
}
