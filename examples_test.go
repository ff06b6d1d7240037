package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
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
				if c.Status == "fail" {
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
	// Every built-in policy is shown at work: some example check fails on it.
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
