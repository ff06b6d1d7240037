package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/tester"

	"github.com/gpaudit/gpaudit/engine"
	"github.com/gpaudit/gpaudit/policies"
)

// asOf pins the clock of every example run so the golden reports hold.
const asOf = "2026-11-22T00:00:00Z"

// badExample is the example folder whose configuration is wrong on purpose:
// it shows diagnostics, and TestBadExample holds them, instead of TestExamples.
const badExample = "bad"

// runCLI runs gpaudit in-process and returns its exit code and output.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runCLIEnv(t, []string{}, args...)
}

// runCLIEnv is runCLI with an environment.
func runCLIEnv(t *testing.T, environ []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{
		stdout:  &out,
		stderr:  &errOut,
		environ: environ,
		now:     func() time.Time { return time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC) },
	}
	code = run(context.Background(), args, e)
	return code, out.String(), errOut.String()
}

// howReadOmitted returns the JSON report doc without what only says how its
// cohorts were read (via, requests, retries), after checking that every
// cohort was read via via and, when loaded, verified; over HTTP, with
// requests.
func howReadOmitted(t *testing.T, doc, via string) string {
	t.Helper()
	out, cohorts, err := omitHowRead([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cohorts {
		if c["via"] != via {
			t.Errorf("cohort %v: via %v, want %s", c["name"], c["via"], via)
		}
		if c["status"] == "ok" {
			if c["verified"] != true {
				t.Errorf("cohort %v: not verified", c["name"])
			}
			if requests, _ := c["requests"].(float64); (via == "snapshot") != (requests == 0) {
				t.Errorf("cohort %v read via %s with %v requests", c["name"], via, requests)
			}
		}
	}
	return out
}

// omitHowRead returns a JSON report without the via, requests and retries
// of its cohorts, which differ between reading a snapshot and fetching the
// same data, and without inputs.snapshot, which names a snapshot only when
// one was read or saved; and the cohorts as they were.
func omitHowRead(doc []byte) (string, []map[string]any, error) {
	var v map[string]any
	if err := json.Unmarshal(doc, &v); err != nil {
		return "", nil, fmt.Errorf("report is not JSON: %v", err)
	}
	if inputs, ok := v["inputs"].(map[string]any); ok {
		delete(inputs, "snapshot")
	}
	entries, _ := v["cohorts"].([]any)
	var cohorts []map[string]any
	for _, e := range entries {
		c, ok := e.(map[string]any)
		if !ok {
			return "", nil, fmt.Errorf("cohort entry %v is not an object", e)
		}
		cohorts = append(cohorts, maps.Clone(c))
		delete(c, "via")
		delete(c, "requests")
		delete(c, "retries")
	}
	out, err := json.MarshalIndent(v, "", "  ")
	return string(out), cohorts, err
}

// TestExamples runs every folder under examples/ the way its README section
// does, offline against its bundled snapshot, and compares the JSON report
// with testdata/examples/NAME.json (refresh with -update).
func TestExamples(t *testing.T) {
	dirs, err := filepath.Glob("examples/*")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	caught := map[string]bool{} // built-in policy → some example check fails on it
	for _, dir := range dirs {
		if hcl, _ := filepath.Glob(filepath.Join(dir, "*.hcl")); len(hcl) == 0 || filepath.Base(dir) == badExample {
			continue
		}
		n++
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			if code, _, stderr := runCLI(t, "validate", dir); code != exitOK {
				t.Fatalf("validate %s: exit %d\n%s", dir, code, stderr)
			}
			// An example without data of its own runs on the quick start's.
			snap := filepath.Join(dir, "snapshot")
			if _, err := os.Stat(snap); err != nil {
				snap = filepath.Join("examples", "quickstart", "snapshot")
			}
			code, stdout, stderr := runCLI(t, "check", "--snapshot", snap, "--as-of", asOf, "--format", "json", dir)
			if code != exitOK && code != exitFailed {
				t.Fatalf("check %s: exit %d\n%s", dir, code, stderr)
			}
			// The same over HTTP through the sandbox gives the same report.
			liveCode, live, liveErr := runCLI(t, "check", "--sandbox", snap, "--progress", "none", "--as-of", asOf, "--format", "json", dir)
			if liveCode != code || howReadOmitted(t, live, "sandbox") != howReadOmitted(t, stdout, "snapshot") {
				t.Errorf("check --sandbox %s: exit %d (want %d), report differs from --snapshot\n%s", dir, liveCode, code, liveErr)
			}
			var doc struct {
				Checks []struct {
					Name, Status, Policy string
					Findings             []json.RawMessage
				}
			}
			if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
				t.Fatalf("check %s: report is not JSON: %v", dir, err)
			}
			for _, c := range doc.Checks {
				if c.Status != "pass" && c.Status != "fail" {
					t.Errorf("check %s in %s: status %s", c.Name, dir, c.Status)
				}
				// A waived finding is still a violation caught.
				if len(c.Findings) > 0 {
					caught[c.Policy] = true
				}
			}
			golden(t, filepath.Join("testdata", "examples", name+".json"), stdout)
			testRego(t, filepath.Join(dir, "policies"))
		})
	}
	if n == 0 {
		t.Fatal("no example folders found under examples/")
	}
	// Every built-in policy is shown at work: some example check finds a
	// violation of it.
	eng, err := engine.New(context.Background(), engine.Options{Builtin: policies.FS})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range eng.Policies() {
		if !caught[p.Name] {
			t.Errorf("no example catches a violation of %s", p.Name)
		}
	}
}

// TestBadExample holds examples/bad to what it is there to show: validate
// and check exit 2 with every diagnostic at once (HCL, then the Rego that does
// not compile), as testdata/examples/bad.txt has them (refresh with -update),
// and README's Diagnostics section shows that output as it is.
func TestBadExample(t *testing.T) {
	dir := filepath.Join("examples", badExample)
	code, stdout, stderr := runCLI(t, "validate", dir)
	if code != exitUsage || stdout != "" {
		t.Fatalf("validate %s: exit %d, stdout %q; want 2 and nothing", dir, code, stdout)
	}
	golden(t, filepath.Join("testdata", "examples", badExample+".txt"), stderr)
	for _, want := range []string{"Unknown dataset", "Did you mean", "undeclared cohort", "the policies do not compile"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("validate %s does not show %q:\n%s", dir, want, stderr)
		}
	}
	checkCode, checkOut, checkErr := runCLI(t, "check", "--snapshot", filepath.Join("examples", "quickstart", "snapshot"), dir)
	if checkCode != exitUsage || checkOut != "" || checkErr != stderr {
		t.Errorf("check %s: exit %d, stdout %q, stderr differs from validate's:\n%s", dir, checkCode, checkOut, checkErr)
	}
	section := readmeSection(t, "### Diagnostics")
	_, block, ok := strings.Cut(section, "\n```\n")
	block, _, ok2 := strings.Cut(block, "```\n")
	if !ok || !ok2 {
		t.Fatal("README's Diagnostics section has no code block")
	}
	if block != stderr {
		t.Errorf("README's Diagnostics block differs from what gpaudit validate %s prints:\n--- README ---\n%s--- gpaudit ---\n%s", dir, block, stderr)
	}
}

// testRego runs the Rego unit tests in dir, if it exists.
func testRego(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Stat(dir); err != nil {
		return
	}
	results, err := tester.Run(context.Background(), dir)
	if err != nil {
		t.Fatalf("rego tests in %s: %v", dir, err)
	}
	for _, r := range results {
		if r.Fail || r.Error != nil {
			t.Errorf("%s:%d: %s.%s failed: %v", r.Location.File, r.Location.Row, r.Package, r.Name, r.Error)
		}
	}
	if len(results) == 0 {
		t.Errorf("no rego tests in %s", dir)
	}
}

// golden compares got with the file at path, or rewrites it under -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the output; run go test -update and review the diff\n--- got ---\n%s", path, got)
	}
}

// jsonReport is the part of a JSON report the triage tests read.
type jsonReport struct {
	Summary map[string]int
	Checks  []jsonCheck
	Waivers []struct{ Name, Status string }
}

type jsonCheck struct {
	Name, Status, Severity string
	Findings               []struct {
		ID, Message string
		WaivedBy    string `json:"waived_by"`
		Baseline    *string
	}
	Resolved *[]json.RawMessage
}

func parseReport(t *testing.T, doc string) jsonReport {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal([]byte(doc), &r); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, doc)
	}
	return r
}

// TestSameIDsAWeekApart: the same snapshot checked at two clocks a week
// apart gives the same finding ids, though messages that count days since
// an instant change.
func TestSameIDsAWeekApart(t *testing.T) {
	changed := false
	for _, ex := range []struct{ dir, snap string }{
		{"examples/compliance-review", "examples/compliance-review/snapshot"},
		{"examples/nightly-ci", "examples/quickstart/snapshot"},
	} {
		at := func(asOf string) jsonReport {
			code, stdout, stderr := runCLI(t, "check", "--snapshot", ex.snap, "--as-of", asOf, "--format", "json", ex.dir)
			if code != exitFailed {
				t.Fatalf("%s at %s: exit %d\n%s", ex.dir, asOf, code, stderr)
			}
			return parseReport(t, stdout)
		}
		before, later := at("2026-11-22T00:00:00Z"), at("2026-11-29T00:00:00Z")
		n := 0
		for i, c := range before.Checks {
			var ids, laterIDs []string
			for _, f := range c.Findings {
				ids = append(ids, f.ID)
			}
			for j, f := range later.Checks[i].Findings {
				laterIDs = append(laterIDs, f.ID)
				changed = changed || (j < len(c.Findings) && f.Message != c.Findings[j].Message)
			}
			if !slices.Equal(ids, laterIDs) {
				t.Errorf("%s %s: ids %v, a week later %v", ex.dir, c.Name, ids, laterIDs)
			}
			n += len(ids)
		}
		if n == 0 {
			t.Errorf("%s: no findings to compare", ex.dir)
		}
	}
	if !changed {
		t.Error("no message changed in a week, so the test shows nothing about messages being left out of ids")
	}
}

// TestComplianceReviewTriage holds the compliance review's waivers and its
// baseline to what examples/compliance-review says of them, and to the
// issue's done-when: a waived check passing and exiting 0 with its findings
// in the report, a baseline run over the same snapshot exiting 0 with every
// finding existing.
func TestComplianceReviewTriage(t *testing.T) {
	const (
		dir    = "examples/compliance-review"
		snap   = dir + "/snapshot"
		review = dir + "/review-2026-11-22.json"
	)
	check := func(wantCode int, args ...string) (string, string) {
		t.Helper()
		code, stdout, stderr := runCLI(t, append([]string{"check", "--snapshot", snap, "--format", "json"}, append(args, dir)...)...)
		if code != wantCode {
			t.Fatalf("check %v: exit %d, want %d\n%s", args, code, wantCode, stderr)
		}
		return stdout, stderr
	}

	// The review's report, kept beside its snapshot as evidence and as the
	// next review's baseline.
	pinned, stderr := check(exitFailed, "--as-of", asOf)
	golden(t, review, pinned)
	if want := `gpaudit: warning: waiver "dq_118_block_window_fix" of check "cr8_block_window" expired at 2026-10-31T23:59:59Z; 1 finding counts again` + "\n"; stderr != want {
		t.Errorf("stderr = %q, want the expired waiver's warning %q", stderr, want)
	}
	base := parseReport(t, pinned)
	statuses := map[string]string{}
	for _, w := range base.Waivers {
		statuses[w.Name] = w.Status
	}
	if want := map[string]string{"sr_2291_shared_family_account": "active", "dq_118_block_window_fix": "expired", "sr_2104_legacy_provider": "unused"}; !maps.Equal(statuses, want) {
		t.Errorf("waivers %v, want %v", statuses, want)
	}

	t.Run("a waived check passes and keeps its findings", func(t *testing.T) {
		r := parseReport(t, first(check(exitOK, "--as-of", asOf, "--check", "cr12_one_account_one_player")))
		i := slices.IndexFunc(r.Checks, func(c jsonCheck) bool { return c.Name == "cr12_one_account_one_player" })
		if i < 0 {
			t.Fatal("no check cr12_one_account_one_player in the report")
		}
		c := r.Checks[i]
		if c.Status != "pass" || len(c.Findings) != 2 {
			t.Fatalf("cr12: status %s with %d findings, want pass with both", c.Status, len(c.Findings))
		}
		for _, f := range c.Findings {
			if f.WaivedBy != "sr_2291_shared_family_account" {
				t.Errorf("finding %s waived_by %q", f.ID, f.WaivedBy)
			}
		}
		if r.Summary["waived"] != 2 || r.Summary["findings"] != 2 {
			t.Errorf("summary %v, want 2 findings, 2 waived", r.Summary)
		}
		// The auditor's view: without waivers it fails.
		r = parseReport(t, first(check(exitFailed, "--as-of", asOf, "--check", "cr12_one_account_one_player", "--no-waivers")))
		if len(r.Waivers) != 0 || r.Summary["waived"] != 0 {
			t.Errorf("--no-waivers: waivers %v, summary %v", r.Waivers, r.Summary)
		}
	})

	t.Run("a baseline of the same snapshot", func(t *testing.T) {
		doc, _ := check(exitOK, "--as-of", asOf, "--baseline", review)
		r := parseReport(t, doc)
		if r.Summary["new"] != 0 || r.Summary["resolved"] != 0 || r.Summary["findings"] != base.Summary["findings"] {
			t.Errorf("summary %v, want every one of the %d findings existing", r.Summary, base.Summary["findings"])
		}
		for i, c := range r.Checks {
			if c.Status != base.Checks[i].Status {
				t.Errorf("%s: status %s under the baseline, %s without: statuses stay", c.Name, c.Status, base.Checks[i].Status)
			}
			if c.Resolved == nil || len(*c.Resolved) != 0 {
				t.Errorf("%s: resolved %v, want []", c.Name, c.Resolved)
			}
			for _, f := range c.Findings {
				if f.Baseline == nil || *f.Baseline != "existing" {
					t.Errorf("%s: finding %s baseline %v, want existing", c.Name, f.ID, f.Baseline)
				}
			}
		}
		// Same inputs, same bytes, with waivers and a baseline, in JSON and JUnit.
		if again, _ := check(exitOK, "--as-of", asOf, "--baseline", review); again != doc {
			t.Error("a second run with the same baseline gives another JSON report")
		}
		junit := func() string {
			code, out, stderr := runCLI(t, "check", "--snapshot", snap, "--format", "junit", "--as-of", asOf, "--baseline", review, dir)
			if code != exitOK {
				t.Fatalf("junit: exit %d\n%s", code, stderr)
			}
			return out
		}
		if a, b := junit(), junit(); a != b || !strings.Contains(a, `message="5 findings, 0 new"`) {
			t.Errorf("JUnit under a baseline differs between runs or lacks the new count:\n%s", a)
		}
	})
}

// TestNightlyBaseline runs the nightly pattern of examples/nightly-ci: the
// last run's JSON report is this run's baseline, so a run fails only on what
// is new. The last run here is two months back, so that the data has
// changed since: blocks have outlived their 30 days, and one has ended.
func TestNightlyBaseline(t *testing.T) {
	const dir, snap = "examples/nightly-ci", "examples/quickstart/snapshot"
	last := filepath.Join(t.TempDir(), "gpaudit.json")
	code, _, stderr := runCLI(t, "check", "--snapshot", snap, "--as-of", "2026-09-22T00:00:00Z", "--fail-on", "high",
		"--out", "json="+last, "--format", "junit", dir)
	if code != exitFailed {
		t.Fatalf("last run: exit %d, want 1\n%s", code, stderr)
	}
	code, tonight, stderr := runCLI(t, "check", "--snapshot", snap, "--as-of", asOf, "--fail-on", "high",
		"--baseline", last, "--format", "json", dir)
	r := parseReport(t, tonight)
	if r.Summary["new"] == 0 || r.Summary["resolved"] == 0 {
		t.Fatalf("summary %v: want new and resolved findings since two months ago", r.Summary)
	}
	failing := false // a high or critical check has a new finding
	for _, c := range r.Checks {
		for _, f := range c.Findings {
			if f.Baseline == nil {
				t.Fatalf("%s: finding %s has no baseline", c.Name, f.ID)
			}
			failing = failing || (*f.Baseline == "new" && f.WaivedBy == "" && (c.Severity == "high" || c.Severity == "critical"))
		}
	}
	if want := map[bool]int{true: exitFailed, false: exitOK}[failing]; code != want {
		t.Errorf("tonight: exit %d, want %d (a new finding at or above high: %v)\n%s", code, want, failing, stderr)
	}
	// Tonight's report as tomorrow's baseline: over the same data and
	// clock, nothing is new and the run passes.
	next := filepath.Join(t.TempDir(), "gpaudit.json")
	if err := os.WriteFile(next, []byte(tonight), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "check", "--snapshot", snap, "--as-of", asOf, "--fail-on", "high", "--baseline", next, "--format", "json", dir)
	if s := parseReport(t, stdout).Summary; code != exitOK || s["new"] != 0 || s["resolved"] != 0 {
		t.Errorf("tomorrow: exit %d, summary %v; want 0 and nothing new or resolved\n%s", code, s, stderr)
	}
}

// first returns its first argument.
func first(s, _ string) string { return s }
