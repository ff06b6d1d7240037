package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// reviewArgs is the compliance review with its waivers and its report as
// the baseline: every part of a report that triage fills.
var reviewArgs = []string{"check", "--snapshot", "examples/compliance-review/snapshot", "--as-of", asOf,
	"--baseline", "examples/compliance-review/review-2026-11-22.json"}

// TestCheckFormats runs check with each report format on stdout and in an
// --out file at once: the two are the same bytes, and so are two runs.
func TestCheckFormats(t *testing.T) {
	for _, format := range []string{"text", "json", "junit", "sarif", "markdown", "html"} {
		t.Run(format, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "report."+format)
			args := append(append([]string{}, reviewArgs...), "--format", format, "--out", format+"="+file, "examples/compliance-review")
			code, stdout, stderr := runCLI(t, args...)
			if code != exitOK && code != exitFailed {
				t.Fatalf("check --format %s: exit %d\n%s", format, code, stderr)
			}
			written, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if stdout != string(written) {
				t.Errorf("--out %s differs from --format %s", format, format)
			}
			if len(written) == 0 {
				t.Errorf("empty %s report", format)
			}
			if _, again, _ := runCLI(t, args...); again != stdout {
				t.Errorf("two runs give different %s reports", format)
			}
		})
	}
}

func TestUnknownFormat(t *testing.T) {
	for _, args := range [][]string{
		{"--format", "pdf"},
		{"--format", "HTML"},
		{"--out", "sarif2=r.sarif"},
	} {
		all := append(append([]string{"check", "--snapshot", "examples/quickstart/snapshot"}, args...), "examples/quickstart")
		code, stdout, stderr := runCLI(t, all...)
		if code != exitUsage || stdout != "" || !strings.Contains(stderr, "(want text, json, junit, sarif, markdown or html)") {
			t.Errorf("check %s: exit %d, stdout %q, stderr %q; want exit 2 naming the formats", strings.Join(args, " "), code, stdout, stderr)
		}
	}
}

// TestSARIFPointsAtChecks: every SARIF result of the compliance review
// points at the line of its check's block in the file that declares it.
func TestSARIFPointsAtChecks(t *testing.T) {
	args := append(append([]string{}, reviewArgs...), "--format", "sarif", "examples/compliance-review")
	code, stdout, stderr := runCLI(t, args...)
	if code != exitOK && code != exitFailed {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID              string
						FullDescription struct{ Text string }
					}
				}
			}
			Results []struct {
				RuleID        string
				BaselineState string
				Suppressions  []struct{ Justification string }
				Locations     []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	for _, r := range run.Tool.Driver.Rules {
		if r.FullDescription.Text == "" {
			t.Errorf("rule %s has no description; every built-in policy has one", r.ID)
		}
	}
	var suppressed, unchanged int
	for _, r := range run.Results {
		loc := r.Locations[0].PhysicalLocation
		if line := lineOf(t, loc.ArtifactLocation.URI, loc.Region.StartLine); !strings.HasPrefix(line, fmt.Sprintf("check %q", r.RuleID)) {
			t.Errorf("result of %s points at %s:%d, which reads %q", r.RuleID, loc.ArtifactLocation.URI, loc.Region.StartLine, line)
		}
		if len(r.Suppressions) > 0 && r.Suppressions[0].Justification != "" {
			suppressed++
		}
		if r.BaselineState == "unchanged" {
			unchanged++
		}
	}
	if len(run.Results) == 0 || suppressed == 0 || unchanged == 0 {
		t.Errorf("%d results, %d suppressed with a reason, %d unchanged; the review has findings, waivers and a baseline",
			len(run.Results), suppressed, unchanged)
	}
}

// lineOf returns line n of file, or "" when there is none.
func lineOf(t *testing.T, file string, n int) string {
	t.Helper()
	data, err := os.ReadFile(filepath.FromSlash(file))
	if err != nil {
		t.Errorf("location %s: %v", file, err)
		return ""
	}
	s := bufio.NewScanner(bytes.NewReader(data))
	for i := 1; s.Scan(); i++ {
		if i == n {
			return s.Text()
		}
	}
	return ""
}
