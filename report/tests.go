package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/gpaudit/gpaudit/engine"
	"github.com/gpaudit/gpaudit/english"
)

// TestReporter writes the outcome of one `gpaudit test` run in one format.
type TestReporter interface {
	Report(w io.Writer, run *engine.TestReport) error
}

// testFormats are the formats of a `gpaudit test` report, a family apart from
// checkFormats: the check formats to come (sarif, markdown, html) speak of
// checks and findings, which a test run has none of.
var testFormats = family[TestReporter]{
	{"text", func(opts Options) TestReporter { return testsText{NewText(opts)} }},
	{"json", func(Options) TestReporter { return testsJSON{} }},
	{"junit", func(Options) TestReporter { return testsJUnit{} }},
}

// TestFormats returns the format names NewTests accepts, in the order help
// text lists them.
func TestFormats() []string {
	return testFormats.names()
}

// TestFormatList is TestFormats as flag help names them, "text, json or
// junit", so the help of gpaudit test lists what NewTests accepts.
func TestFormatList() string {
	return english.Or(TestFormats())
}

// NewTests returns the TestReporter for format, one of TestFormats: text (a
// line per test, the failing ones with where they failed), json or junit (a
// <testsuite> per Rego file, a <testcase> per test rule). An unknown format
// is an error that lists TestFormats.
func NewTests(format string, opts Options) (TestReporter, error) {
	return testFormats.new(format, opts)
}

// TestCounts tallies outcomes: passed, failed, errors, skipped.
func TestCounts(run *engine.TestReport) (passed, failed, errors, skipped int) {
	for _, r := range run.Results {
		switch r.Status {
		case engine.TestPass:
			passed++
		case engine.TestFail:
			failed++
		case engine.TestError:
			errors++
		case engine.TestSkip:
			skipped++
		}
	}
	return passed, failed, errors, skipped
}

// testsText is the text test report; it shares the check report's status
// words and colours.
type testsText struct {
	text *Text
}

// Report writes run as text.
func (tt testsText) Report(w io.Writer, run *engine.TestReport) error {
	t := tt.text
	var b bytes.Buffer
	for _, r := range run.Results {
		word, paint := t.status(r.Status) // test outcomes share the check statuses' words
		fmt.Fprintf(&b, "%s  %s.%s  %s:%d\n", paint.Sprint(fmt.Sprintf("%-5s", word)), r.Package, r.Name, r.File, r.Row)
		if r.Message != "" && (r.Status == engine.TestFail || r.Status == engine.TestError) {
			fmt.Fprintf(&b, "       %s\n", strings.ReplaceAll(r.Message, "\n", "\n       "))
		}
		if r.Output != "" && (t.verbose || r.Status != engine.TestPass) {
			fmt.Fprintf(&b, "       output: %s\n", strings.ReplaceAll(strings.TrimRight(r.Output, "\n"), "\n", "\n               "))
		}
	}
	for _, c := range run.Coverage {
		fmt.Fprintf(&b, "cover  %5.1f%%  %s\n", c.Percent, c.File)
	}
	passed, failed, errs, skipped := TestCounts(run)
	fmt.Fprintf(&b, "\n%s: %d passed, %d failed, %s, %d skipped", english.Plural(len(run.Results), "test"), passed, failed, english.Plural(errs, "error"), skipped)
	if run.Coverage != nil {
		fmt.Fprintf(&b, "; coverage %.1f%%", run.Percent)
	}
	b.WriteString("\n")
	_, err := w.Write(b.Bytes())
	return err
}

type testsDoc struct {
	SchemaVersion int           `json:"schema_version"`
	Summary       testsSummary  `json:"summary"`
	Tests         []testJSON    `json:"tests"`
	Coverage      *coverageJSON `json:"coverage,omitempty"`
}

type testsSummary struct {
	Tests   int `json:"tests"`
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Errors  int `json:"errors"`
	Skipped int `json:"skipped"`
}

type testJSON struct {
	Package string `json:"package"`
	Name    string `json:"name"`
	File    string `json:"file"`
	Line    int    `json:"line"`
	Status  string `json:"status"`
	Message string `json:"message"`
	Output  string `json:"output"`
}

type coverageJSON struct {
	Percent float64        `json:"percent"`
	Files   []coverageFile `json:"files"`
}

type coverageFile struct {
	File       string  `json:"file"`
	Percent    float64 `json:"percent"`
	Covered    int     `json:"covered_lines"`
	NotCovered int     `json:"not_covered_lines"`
}

// testsJSON is the JSON test report, schema_version 1.
type testsJSON struct{}

// Report writes run as one JSON document.
func (testsJSON) Report(w io.Writer, run *engine.TestReport) error {
	passed, failed, errs, skipped := TestCounts(run)
	doc := testsDoc{
		SchemaVersion: 1,
		Summary:       testsSummary{Tests: len(run.Results), Passed: passed, Failed: failed, Errors: errs, Skipped: skipped},
		Tests:         make([]testJSON, 0, len(run.Results)),
	}
	for _, r := range run.Results {
		doc.Tests = append(doc.Tests, testJSON{r.Package, r.Name, r.File, r.Row, r.Status, r.Message, r.Output})
	}
	if run.Coverage != nil {
		doc.Coverage = &coverageJSON{Percent: run.Percent, Files: []coverageFile{}}
		for _, c := range run.Coverage {
			doc.Coverage.Files = append(doc.Coverage.Files, coverageFile{c.File, c.Percent, c.Covered, c.NotCovered})
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("encode json test report: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// testsJUnit is the JUnit test report.
type testsJUnit struct{}

// Report writes run as one JUnit XML document.
func (testsJUnit) Report(w io.Writer, run *engine.TestReport) error {
	b := newJUnitBuilder("gpaudit test", func(file string) junitSuite {
		return junitSuite{Name: file, Time: "0", File: file}
	})
	for _, r := range run.Results {
		tc := junitCase{Name: r.Name, Classname: r.Package, Time: "0"}
		switch r.Status {
		case engine.TestFail:
			tc.Failure = &junitOutcome{Message: fmt.Sprintf("failed at %s:%d", r.File, r.Row), Type: "fail", Text: r.Message}
		case engine.TestError:
			tc.Error = &junitOutcome{Message: r.Message, Text: r.Message}
		case engine.TestSkip:
			tc.Skipped = &junitOutcome{Message: "todo_ test"}
		}
		if r.Output != "" {
			out := junitText(r.Output)
			tc.SystemOut = &out
		}
		b.add(r.File, tc)
	}
	return writeJUnit(w, b.done())
}
