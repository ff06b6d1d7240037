package report

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
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

	var cols columns
	for _, c := range r.Checks {
		cols.name = max(cols.name, width(clean(c.Name)))
		cols.severity = max(cols.severity, width(clean(c.Severity)))
		cols.count = max(cols.count, len(strconv.Itoa(c.Records)))
		cols.triage = max(cols.triage, width(triage(c, r.Baseline)))
	}
	for _, c := range r.Checks {
		t.writeCheck(&b, c, cols, r.Baseline)
	}
	t.writeCohorts(&b, r.Cohorts)
	t.writeWaivers(&b, r.Waivers)

	if b.Len() > 0 {
		b.WriteByte('\n')
	}
	t.writeSummary(&b, r)

	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write text report: %w", err)
	}
	return nil
}

// columns are the widths of the columns of the check lines.
type columns struct {
	name, severity, count, triage int
}

// triage is what waivers and a baseline say of a check on its line:
// "2 new, 1 resolved, 3 waived"; "" when they say nothing. A check that
// was skipped or errored has nothing new against a baseline: it found
// nothing.
func triage(c engine.CheckResult, baseline bool) string {
	var parts []string
	if baseline && (c.Status == engine.StatusPass || c.Status == engine.StatusFail) {
		parts = append(parts, fmt.Sprintf("%d new", fresh(c)))
		if len(c.Resolved) > 0 {
			parts = append(parts, fmt.Sprintf("%d resolved", len(c.Resolved)))
		}
	}
	if waived := len(c.Findings) - c.Counting(); waived > 0 {
		parts = append(parts, fmt.Sprintf("%d waived", waived))
	}
	return strings.Join(parts, ", ")
}

func (t *Text) writeCheck(b *bytes.Buffer, c engine.CheckResult, cols columns, baseline bool) {
	word, paint := t.status(c.Status)
	records := ""
	if c.Status != engine.StatusSkip {
		records = fmt.Sprintf("%*d %s", cols.count, c.Records, "records")
		if c.Records == 1 {
			records = fmt.Sprintf("%*d %s", cols.count, c.Records, "record")
		}
	}
	title := c.Title
	if title == c.Name {
		title = "" // a check without its own title would only repeat its name
	}
	rest := pad(clean(c.Name), cols.name) + "  " + pad(clean(c.Severity), cols.severity) + "  " +
		pad(records, cols.count+len(" records")) + "  "
	if cols.triage > 0 {
		rest += pad(triage(c, baseline), cols.triage) + "  "
	}
	rest += clean(title)
	b.WriteString(paint.Sprint(word) + pad("", max(2, len(indent)-width(word))) + strings.TrimRight(rest, " ") + "\n")

	t.writeFindings(b, c.Findings, func(f engine.Finding) string {
		switch {
		case f.WaivedBy != "" && t.verbose:
			return "waived by " + clean(f.WaivedBy) + ":"
		case f.WaivedBy != "":
			return "waived:" // the name is long; --verbose gives it
		case f.Baseline == engine.BaselineNew:
			return "new:"
		}
		return ""
	})
	t.writeFindings(b, c.Warnings, func(engine.Finding) string { return "warn:" })
	if t.verbose {
		for _, p := range c.Resolved {
			line := indent + t.faint.Sprint("resolved:") + " " + p.ID
			for _, s := range []string{p.Subject, p.RecordID} {
				if s != "" {
					line += "  " + clean(s)
				}
			}
			b.WriteString(line + "\n")
		}
	}

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

// writeFindings lists fs as columns "label  id  subject  record_id
// message", the id only with Verbose, leaving out a column that is empty for
// every finding shown. label gives a finding's label ("warn:", "new:"),
// printed in the warning colour; the label of no finding in particular
// leads the line that counts the findings not shown.
func (t *Text) writeFindings(b *bytes.Buffer, fs []engine.Finding, label func(engine.Finding) string) {
	shown := fs
	if !t.verbose && len(fs) > shownFindings {
		shown = fs[:shownFindings]
	}
	var labelW, subjW, recW int
	for _, f := range shown {
		labelW = max(labelW, width(label(f)))
		subjW = max(subjW, width(clean(f.Subject)))
		recW = max(recW, width(clean(f.RecordID)))
	}
	lead := indent
	for _, f := range shown {
		line := indent
		if labelW > 0 {
			l := label(f)
			if l != "" {
				l = t.warn.Sprint(l)
			}
			line += l + pad("", labelW-width(label(f))) + " "
			lead = indent + pad("", labelW+1)
		}
		if t.verbose {
			line += f.ID + "  "
		}
		if subjW > 0 {
			line += pad(english.OrDash(clean(f.Subject)), subjW) + "  "
		}
		if recW > 0 {
			line += pad(english.OrDash(clean(f.RecordID)), recW) + "  "
		}
		b.WriteString(strings.TrimRight(line+clean(f.Message), " ") + "\n")
	}
	if hidden := len(fs) - len(shown); hidden > 0 {
		// Hidden warnings are still said to be warnings.
		if l := label(engine.Finding{}); l != "" {
			lead = indent + t.warn.Sprint(l) + " "
		}
		b.WriteString(lead + t.faint.Sprintf("… and %d more (use --verbose)", hidden) + "\n")
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

// writeWaivers lists the waivers with what they did: a stale or expired
// one is as worth a look as an active one.
func (t *Text) writeWaivers(b *bytes.Buffer, waivers []engine.WaiverResult) {
	if len(waivers) == 0 {
		return
	}
	var statusW, nameW, checkW, matchedW int
	for _, w := range waivers {
		statusW = max(statusW, width(w.Status))
		nameW = max(nameW, width(clean(w.Name)))
		checkW = max(checkW, width(clean(w.Check)))
		matchedW = max(matchedW, width(english.Plural(w.Matched, "finding")))
	}
	b.WriteString("\nWaivers:\n")
	for _, w := range waivers {
		paint := t.pass
		switch w.Status {
		case engine.WaiverExpired:
			paint = t.warn
		case engine.WaiverUnused:
			paint = t.faint
		}
		line := "  " + paint.Sprint(w.Status) + pad("", statusW-width(w.Status)) + "  " +
			pad(clean(w.Name), nameW) + "  " + pad(clean(w.Check), checkW) + "  " +
			pad(english.Plural(w.Matched, "finding"), matchedW) + "  expires " + w.Expires.UTC().Format(time.RFC3339) +
			"  " + clean(w.Owner)
		b.WriteString(line + "\n")
		if t.verbose {
			b.WriteString("    " + t.faint.Sprint(clean(w.Reason)) + "\n")
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
	findings := english.Plural(n.findings, "finding")
	if len(r.Waivers) > 0 {
		findings += fmt.Sprintf(" (%d waived)", n.waived)
	}
	against := ""
	if r.Baseline {
		against = fmt.Sprintf("; %d new, %d resolved", n.fresh, n.resolved)
	}
	fmt.Fprintf(b, "%s: %d passed, %s, %s, %d skipped; %s, %s%s (as of %s)\n",
		english.Plural(n.checks, "check"), n.passed, failed, errs, n.skipped,
		findings, english.Plural(n.warnings, "warning"), against, formatAsOf(r.AsOf))
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
