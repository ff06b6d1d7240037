package report

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fatih/color"

	"github.com/gpaudit/gpaudit/engine"
	"github.com/gpaudit/gpaudit/english"
)

// shownFindings is how many findings and warnings a check lists without Verbose.
const shownFindings = 5

// indent lines detail up under the check name, past the widest status word.
const indent = "       "

// Text writes a report for people: one aligned line per check, the first
// findings under it, a summary line at the end.
type Text struct {
	verbose bool

	pass, fail, errc, skip, warn, faint, plain *color.Color
}

// NewText returns a text reporter. Colour is on or off for this reporter
// alone, as opts.Color says, whatever fatih/color's global NoColor holds.
func NewText(opts Options) *Text {
	t := &Text{
		verbose: opts.Verbose,
		pass:    color.New(color.FgGreen),
		fail:    color.New(color.FgRed),
		errc:    color.New(color.FgMagenta, color.Bold),
		skip:    color.New(color.Faint),
		warn:    color.New(color.FgYellow),
		faint:   color.New(color.Faint),
		plain:   color.New(),
	}
	t.plain.DisableColor()
	for _, c := range []*color.Color{t.pass, t.fail, t.errc, t.skip, t.warn, t.faint} {
		if opts.Color {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
	}
	return t
}

// Report writes r as text.
func (t *Text) Report(w io.Writer, r *engine.Results) error {
	var b bytes.Buffer

	var nameW, sevW, countW int
	for _, c := range r.Checks {
		nameW = max(nameW, width(clean(c.Name)))
		sevW = max(sevW, width(clean(c.Severity)))
		countW = max(countW, len(strconv.Itoa(c.Records)))
	}
	for _, c := range r.Checks {
		t.writeCheck(&b, c, nameW, sevW, countW)
	}
	t.writeCohorts(&b, r.Cohorts)

	if b.Len() > 0 {
		b.WriteByte('\n')
	}
	t.writeSummary(&b, r)

	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write text report: %w", err)
	}
	return nil
}

func (t *Text) writeCheck(b *bytes.Buffer, c engine.CheckResult, nameW, sevW, countW int) {
	word, paint := t.status(c.Status)
	records := ""
	if c.Status != engine.StatusSkip {
		records = fmt.Sprintf("%*d %s", countW, c.Records, "records")
		if c.Records == 1 {
			records = fmt.Sprintf("%*d %s", countW, c.Records, "record")
		}
	}
	title := c.Title
	if title == c.Name {
		title = "" // a check without its own title would only repeat its name
	}
	rest := pad(clean(c.Name), nameW) + "  " + pad(clean(c.Severity), sevW) + "  " +
		pad(records, countW+len(" records")) + "  " + clean(title)
	b.WriteString(paint.Sprint(word) + pad("", max(2, len(indent)-width(word))) + strings.TrimRight(rest, " ") + "\n")

	t.writeFindings(b, c.Findings, "")
	t.writeFindings(b, c.Warnings, t.warn.Sprint("warn:")+" ")

	if c.Error != "" {
		label := ""
		if c.Status == engine.StatusError {
			label = t.errc.Sprint("error:") + " "
		}
		for i, line := range strings.Split(c.Error, "\n") {
			if i > 0 {
				label = ""
			}
			b.WriteString(indent + label + clean(line) + "\n")
		}
	}
}

// status gives a check status's word and colour; an unknown status is shown
// as it is, uncoloured.
func (t *Text) status(s string) (string, *color.Color) {
	switch s {
	case engine.StatusPass:
		return "PASS", t.pass
	case engine.StatusFail:
		return "FAIL", t.fail
	case engine.StatusError:
		return "ERROR", t.errc
	case engine.StatusSkip:
		return "SKIP", t.skip
	}
	return strings.ToUpper(clean(s)), t.plain
}

// writeFindings lists fs as columns "subject  record_id  message", leaving out
// a column that is empty for every finding shown.
func (t *Text) writeFindings(b *bytes.Buffer, fs []engine.Finding, label string) {
	shown := fs
	if !t.verbose && len(fs) > shownFindings {
		shown = fs[:shownFindings]
	}
	var subjW, recW int
	for _, f := range shown {
		subjW = max(subjW, width(clean(f.Subject)))
		recW = max(recW, width(clean(f.RecordID)))
	}
	for _, f := range shown {
		line := indent + label
		if subjW > 0 {
			line += pad(english.OrDash(clean(f.Subject)), subjW) + "  "
		}
		if recW > 0 {
			line += pad(english.OrDash(clean(f.RecordID)), recW) + "  "
		}
		b.WriteString(strings.TrimRight(line+clean(f.Message), " ") + "\n")
	}
	if hidden := len(fs) - len(shown); hidden > 0 {
		b.WriteString(indent + label + t.faint.Sprintf("… and %d more (use --verbose)", hidden) + "\n")
	}
}

// writeCohorts lists the cohorts that could not be loaded, since their checks
// only say that they errored.
func (t *Text) writeCohorts(b *bytes.Buffer, cohorts []engine.CohortResult) {
	var failed []engine.CohortResult
	for _, c := range cohorts {
		if c.Status == engine.CohortError {
			failed = append(failed, c)
		}
	}
	if len(failed) == 0 {
		return
	}
	b.WriteString("\n" + english.Plural(len(failed), "cohort") + " could not be loaded:\n")
	for _, c := range failed {
		lines := strings.Split(c.Error, "\n")
		fmt.Fprintf(b, "  %s %s %s\n", t.errc.Sprint(clean(c.Name)),
			t.faint.Sprintf("(%s %s):", clean(c.Source), clean(c.Dataset)), clean(lines[0]))
		for _, line := range lines[1:] {
			b.WriteString("    " + clean(line) + "\n")
		}
	}
}

func (t *Text) writeSummary(b *bytes.Buffer, r *engine.Results) {
	n := count(r)
	failed := fmt.Sprintf("%d failed", n.failed)
	if n.failed > 0 {
		failed = t.fail.Sprint(failed)
	}
	errs := english.Plural(n.errors, "error")
	if n.errors > 0 {
		errs = t.errc.Sprint(errs)
	}
	fmt.Fprintf(b, "%s: %d passed, %s, %s, %d skipped; %s, %s (as of %s)\n",
		english.Plural(n.checks, "check"), n.passed, failed, errs, n.skipped,
		english.Plural(n.findings, "finding"), english.Plural(n.warnings, "warning"), formatAsOf(r.AsOf))
}

// width approximates a string's width on screen by its rune count.
func width(s string) int {
	return utf8.RuneCountInString(s)
}

func pad(s string, w int) string {
	if n := width(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}
