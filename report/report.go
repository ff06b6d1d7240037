// Package report turns engine Results into text, JSON or JUnit.
package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/gpaudit/gpaudit/engine"
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
	// Version is gpaudit's version, written into JSON reports.
	Version string
}

// formats lists the names New accepts, in the order help text and errors show them.
var formats = []string{"text", "json", "junit"}

// Formats returns the format names New accepts.
func Formats() []string {
	return slices.Clone(formats)
}

// New returns the Reporter for format, one of Formats. An unknown format is
// an error rather than a fallback to text, so a typo in CI never passes silently.
func New(format string, opts Options) (Reporter, error) {
	switch format {
	case "text":
		return NewText(opts), nil
	case "json":
		return NewJSON(opts), nil
	case "junit":
		return NewJUnit(), nil
	}
	return nil, fmt.Errorf("unknown format %q (want %s or %s)",
		format, strings.Join(formats[:len(formats)-1], ", "), formats[len(formats)-1])
}

// tally is the summary every format prints.
type tally struct {
	checks, passed, failed, errors, skipped int
	findings, warnings                      int
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
	}
	return t
}

// formatAsOf renders the evaluation clock the same way in every format: UTC,
// whole seconds unless the clock was set with a fraction.
func formatAsOf(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}

// findingLine is a finding on one line, "subject record_id: message", for
// formats that list findings as plain text.
func findingLine(f engine.Finding) string {
	var who []string
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
