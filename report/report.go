// Package report turns engine Results into text, JSON or JUnit, and reads a
// JSON report back as the baseline of a later run.
package report

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/gpaudit/gpaudit/engine"
	"github.com/gpaudit/gpaudit/english"
)

// Reporter writes one run's Results in one format.
type Reporter interface {
	Report(w io.Writer, r *engine.Results) error
}

// Options tune the reporters.
type Options struct {
	// Color enables ANSI colour in the text format.
	Color bool
	// Verbose lists every finding in the text format, not only the first few.
	Verbose bool
	// Width is the number of columns the text format fits its lines in,
	// the terminal's width; 0 sets no limit (a pipe, a file, a CI log).
	Width int
	// Version is gpaudit's version, written into JSON reports.
	Version string
	// ConfigDir names the configuration folder in JUnit classnames: its
	// path relative to the working directory, with slashes, or its own name
	// when it is the working directory. main works it out, since a package
	// never reads the working directory; "" leaves it out.
	ConfigDir string
}

// format is one row of a family's table: the name a user types and the
// reporter it gives.
type format[R any] struct {
	name string
	new  func(Options) R
}

// family is one table of formats, in the order help text and errors list
// them. Its names, its help text and its constructor all read the table, so
// what a command offers, accepts and names in an error cannot drift apart.
type family[R any] []format[R]

func (f family[R]) names() []string {
	names := make([]string, len(f))
	for i, row := range f {
		names[i] = row.name
	}
	return names
}

// new returns the reporter for name. An unknown name is an error rather than
// a fallback to text, so a typo in CI never passes silently.
func (f family[R]) new(name string, opts Options) (R, error) {
	for _, row := range f {
		if row.name == name {
			return row.new(opts), nil
		}
	}
	var none R
	return none, fmt.Errorf("unknown format %q (want %s)", name, english.Or(f.names()))
}

// checkFormats are the formats of a check report: gpaudit check's --format
// and --out. Test reports are another family (testFormats), so a format
// added here is not offered by gpaudit test.
var checkFormats = family[Reporter]{
	{"text", func(opts Options) Reporter { return NewText(opts) }},
	{"json", func(opts Options) Reporter { return NewJSON(opts) }},
	{"junit", func(opts Options) Reporter { return &JUnit{Folder: opts.ConfigDir} }},
	{"sarif", func(opts Options) Reporter { return NewSARIF(opts) }},
	{"markdown", func(opts Options) Reporter { return NewMarkdown(opts) }},
	{"html", func(opts Options) Reporter { return NewHTML(opts) }},
}

// Formats returns the format names New accepts, in the order help text
// lists them.
func Formats() []string {
	return checkFormats.names()
}

// FormatList is Formats as flag help names them, "text, json or junit", so
// the help of gpaudit check lists what New accepts.
func FormatList() string {
	return english.Or(Formats())
}

// New returns the Reporter for format, one of Formats. An unknown format is
// an error that lists Formats.
func New(format string, opts Options) (Reporter, error) {
	return checkFormats.new(format, opts)
}

// tally is the summary every format prints.
type tally struct {
	checks, passed, failed, errors, skipped int
	findings, warnings                      int
	// waived counts the findings that active waivers waive; fresh and
	// resolved the new findings and the resolved ones under a baseline.
	waived, fresh, resolved int
}

func count(r *engine.Results) tally {
	var t tally
	for _, c := range r.Checks {
		t.checks++
		switch c.Status {
		case engine.StatusPass:
			t.passed++
		case engine.StatusFail:
			t.failed++
		case engine.StatusError:
			t.errors++
		case engine.StatusSkip:
			t.skipped++
		}
		t.findings += len(c.Findings)
		t.warnings += len(c.Warnings)
		t.waived += len(c.Findings) - c.Counting()
		t.fresh += fresh(c)
		t.resolved += len(c.Resolved)
	}
	return t
}

// fresh counts the findings of c that are new against a baseline.
func fresh(c engine.CheckResult) int {
	n := 0
	for _, f := range c.Findings {
		if f.Baseline == engine.BaselineNew {
			n++
		}
	}
	return n
}

// formatAsOf renders the evaluation clock the same way in every format: UTC,
// whole seconds unless the clock was set with a fraction.
func formatAsOf(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}

// findingLine is a finding on one line, "id subject record_id: message",
// for formats that list findings as plain text.
func findingLine(f engine.Finding) string {
	var who []string
	if f.ID != "" {
		who = append(who, f.ID)
	}
	if f.Subject != "" {
		who = append(who, clean(f.Subject))
	}
	if f.RecordID != "" {
		who = append(who, clean(f.RecordID))
	}
	if len(who) == 0 {
		return clean(f.Message)
	}
	return strings.Join(who, " ") + ": " + clean(f.Message)
}

// clean makes player-controlled text safe to show on one line: control and
// bidirectional-override characters are spelled out as escapes, so a crafted
// nickname can neither break the layout nor drive the reader's terminal.
func clean(s string) string {
	if !strings.ContainsFunc(s, unsafeRune) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\t':
			b.WriteByte(' ')
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x100 && unsafeRune(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
}
