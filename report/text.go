package report

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/fatih/color"

	"github.com/gpaudit/gpaudit/cells"
	"github.com/gpaudit/gpaudit/engine"
	"github.com/gpaudit/gpaudit/english"
)

// shownFindings is how many findings and warnings a check lists without Verbose.
const shownFindings = 5

// indent lines detail up under the check name, past the widest status word.
const indent = "       "

// Text writes a report for people: one aligned line per check, the first
// findings under it, a summary line at the end. With a width, no line is
// wider: long values are cut with an ellipsis, a finding whose columns
// would not fit gives its message a line of its own, and sentences (errors,
// reasons, the summary) wrap between words.
type Text struct {
	verbose bool
	width   int // 0: no limit

	pass, fail, errc, skip, warn, faint, plain *color.Color
}

// NewText returns a text reporter. Colour is on or off for this reporter
// alone, as opts.Color says, whatever fatih/color's global NoColor holds.
func NewText(opts Options) *Text {
	t := &Text{
		verbose: opts.Verbose,
		width:   max(0, opts.Width),
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
		cols.name = max(cols.name, cells.Width(clean(c.Name)))
		cols.severity = max(cols.severity, cells.Width(clean(c.Severity)))
		cols.count = max(cols.count, len(strconv.Itoa(c.Records)))
		cols.triage = max(cols.triage, cells.Width(triage(c, r.Baseline)))
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
	t.line(b, span{word, paint}, span{pad("", max(2, len(indent)-cells.Width(word))) + rest, nil})

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
			line := " " + p.ID
			for _, s := range []string{p.Subject, p.RecordID} {
				if s != "" {
					line += "  " + clean(s)
				}
			}
			t.line(b, span{indent, nil}, span{"resolved:", t.faint}, span{line, nil})
		}
	}

	if c.Error != "" {
		var label []span
		cont := indent
		if c.Status == engine.StatusError {
			label = []span{{"error:", t.errc}, {" ", nil}}
			cont += "       " // under the text after "error: "
		}
		for i, line := range strings.Split(c.Error, "\n") {
			if i > 0 {
				label = nil
			}
			t.wrap(b, append([]span{{indent, nil}}, label...), cont, words(clean(line), nil))
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

// shownFinding is a finding as its columns show it.
type shownFinding struct {
	label, id, subject, record, message string
	// same: the record id is the subject, shown once under the subject.
	same bool
}

// writeFindings lists fs as columns "label  id  subject  record_id
// message", the id only with Verbose, leaving out a column that is empty for
// every finding shown. A record id equal to the subject is not repeated.
// label gives a finding's label ("warn:", "new:"), printed in the warning
// colour; the label of no finding in particular leads the line that counts
// the findings not shown. When some finding's line would be wider than the
// width, every finding takes two lines: its columns, then its message.
func (t *Text) writeFindings(b *bytes.Buffer, fs []engine.Finding, label func(engine.Finding) string) {
	shown := fs
	if !t.verbose && len(fs) > shownFindings {
		shown = fs[:shownFindings]
	}
	rows := make([]shownFinding, len(shown))
	var labelW, subjW, recW, msgW int
	for i, f := range shown {
		row := shownFinding{label: label(f), subject: clean(f.Subject), record: clean(f.RecordID), message: clean(f.Message)}
		if t.verbose {
			row.id = f.ID
		}
		if row.record != "" && row.record == row.subject {
			// Said once: a per-player finding about the player's own record.
			row.record, row.same = "", true
		}
		rows[i] = row
		labelW = max(labelW, cells.Width(row.label))
		subjW = max(subjW, cells.Width(row.subject))
		recW = max(recW, cells.Width(row.record))
		msgW = max(msgW, cells.Width(row.message))
	}
	lead := indent
	if labelW > 0 {
		lead = indent + pad("", labelW+1)
	}
	// One line per finding if the widest fits.
	full := cells.Width(lead)
	for _, w := range []int{cells.Width(firstID(rows)), subjW, recW} {
		if w > 0 {
			full += w + 2
		}
	}
	stacked := t.width > 0 && full+msgW > t.width
	for _, row := range rows {
		spans := []span{{indent, nil}}
		if labelW > 0 {
			l := span{row.label, t.warn}
			if row.label == "" {
				l.paint = nil
			}
			spans = append(spans, l, span{pad("", labelW-cells.Width(row.label)) + " ", nil})
		}
		cols := ""
		if row.id != "" {
			cols += row.id + "  "
		}
		if subjW > 0 {
			cols += pad(english.OrDash(row.subject), subjW) + "  "
		}
		switch {
		case recW > 0 && row.same:
			cols += pad("", recW) + "  "
		case recW > 0:
			cols += pad(english.OrDash(row.record), recW) + "  "
		}
		if stacked {
			t.line(b, append(spans, span{cols, nil})...)
			t.line(b, span{lead + "  " + row.message, nil})
			continue
		}
		t.line(b, append(spans, span{cols + row.message, nil})...)
	}
	if hidden := len(fs) - len(shown); hidden > 0 {
		more := []span{{lead, nil}}
		// Hidden warnings are still said to be warnings.
		if l := label(engine.Finding{}); l != "" {
			more = []span{{indent, nil}, {l, t.warn}, {" ", nil}}
		}
		more = append(more, span{fmt.Sprintf("… and %d more (use --verbose)", hidden), t.faint})
		t.line(b, more...)
	}
}

// firstID is the width of the finding id column: every id has the same
// length, "" when ids are not shown.
func firstID(rows []shownFinding) string {
	if len(rows) == 0 {
		return ""
	}
	return rows[0].id
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
	b.WriteString("\n")
	t.wrap(b, nil, "", words(english.Plural(len(failed), "cohort")+" could not be loaded:", nil))
	for _, c := range failed {
		lines := strings.Split(c.Error, "\n")
		lead := []span{{"  ", nil}, {clean(c.Name), t.errc}, {" ", nil},
			{fmt.Sprintf("(%s %s):", clean(c.Source), clean(c.Dataset)), t.faint}, {" ", nil}}
		t.wrap(b, lead, "    ", words(clean(lines[0]), nil))
		for _, line := range lines[1:] {
			t.wrap(b, []span{{"    ", nil}}, "    ", words(clean(line), nil))
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
		statusW = max(statusW, cells.Width(w.Status))
		nameW = max(nameW, cells.Width(clean(w.Name)))
		checkW = max(checkW, cells.Width(clean(w.Check)))
		matchedW = max(matchedW, cells.Width(english.Plural(w.Matched, "finding")))
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
		rest := pad("", statusW-cells.Width(w.Status)) + "  " +
			pad(clean(w.Name), nameW) + "  " + pad(clean(w.Check), checkW) + "  " +
			pad(english.Plural(w.Matched, "finding"), matchedW) + "  expires " + w.Expires.UTC().Format(time.RFC3339) +
			"  " + clean(w.Owner)
		t.line(b, span{"  ", nil}, span{w.Status, paint}, span{rest, nil})
		if t.verbose {
			t.wrap(b, []span{{"    ", nil}}, "    ", words(clean(w.Reason), t.faint))
		}
	}
}

func (t *Text) writeSummary(b *bytes.Buffer, r *engine.Results) {
	n := count(r)
	var ws []word
	// A phrase ("7 findings,") is a word: a line never ends between a
	// number and its noun.
	add := func(s string, paint *color.Color, punct string) {
		ws = append(ws, word{{s, paint}, {punct, nil}})
	}
	add(english.Plural(n.checks, "check")+":", nil, "")
	add(fmt.Sprintf("%d passed", n.passed), nil, ",")
	failed := (*color.Color)(nil)
	if n.failed > 0 {
		failed = t.fail
	}
	add(fmt.Sprintf("%d failed", n.failed), failed, ",")
	errs := (*color.Color)(nil)
	if n.errors > 0 {
		errs = t.errc
	}
	add(english.Plural(n.errors, "error"), errs, ",")
	add(fmt.Sprintf("%d skipped", n.skipped), nil, ";")
	findings := english.Plural(n.findings, "finding")
	if len(r.Waivers) > 0 {
		findings += fmt.Sprintf(" (%d waived)", n.waived)
	}
	add(findings, nil, ",")
	warnings := english.Plural(n.warnings, "warning")
	if r.Baseline {
		add(warnings, nil, ";")
		add(fmt.Sprintf("%d new", n.fresh), nil, ",")
		add(fmt.Sprintf("%d resolved", n.resolved), nil, "")
	} else {
		add(warnings, nil, "")
	}
	add("(as of "+formatAsOf(r.AsOf)+")", nil, "")
	t.wrap(b, nil, "", ws)
}

// span is a piece of a line in one colour (nil: none).
type span struct {
	text  string
	paint *color.Color
}

// word is what wrap never breaks; its spans may differ in colour.
type word []span

func (w word) width() int {
	n := 0
	for _, s := range w {
		n += cells.Width(s.text)
	}
	return n
}

// words splits s at its spaces into words of one colour.
func words(s string, paint *color.Color) []word {
	var ws []word
	for _, f := range strings.Fields(s) {
		ws = append(ws, word{{f, paint}})
	}
	return ws
}

// line writes spans as one line without trailing spaces, cut with an
// ellipsis to the width.
func (t *Text) line(b *bytes.Buffer, spans ...span) {
	for len(spans) > 0 {
		last := &spans[len(spans)-1]
		last.text = strings.TrimRight(last.text, " ")
		if last.text != "" {
			break
		}
		spans = spans[:len(spans)-1]
	}
	// Neighbours of one colour are painted as one.
	var merged []span
	for _, s := range spans {
		if n := len(merged); n > 0 && merged[n-1].paint == s.paint {
			merged[n-1].text += s.text
			continue
		}
		merged = append(merged, s)
	}
	spans = merged
	total := 0
	for _, s := range spans {
		total += cells.Width(s.text)
	}
	budget := -1 // no cut
	if t.width > 0 && total > t.width {
		budget = t.width - 1 // the ellipsis takes the last cell
	}
	for _, s := range spans {
		text := s.text
		if budget >= 0 && cells.Width(text) > budget {
			kept := cells.Take(text, budget)
			if rest := text[len(kept):]; strings.HasPrefix(rest, " ") && cells.Width(kept) < budget {
				kept += " " // a cut between columns: the ellipsis stands apart
			}
			t.paint(b, span{kept + cells.Ellipsis, s.paint})
			break
		}
		if budget >= 0 {
			budget -= cells.Width(text)
		}
		t.paint(b, span{text, s.paint})
	}
	b.WriteByte('\n')
}

func (t *Text) paint(b *bytes.Buffer, s span) {
	if s.paint == nil || s.text == "" {
		b.WriteString(s.text)
		return
	}
	b.WriteString(s.paint.Sprint(s.text))
}

// wrap writes lead and then ws, one space apart, on as many lines as the
// width needs, the lines after the first led by cont. A word wider than a
// line is cut. Without a width, everything is one line.
func (t *Text) wrap(b *bytes.Buffer, lead []span, cont string, ws []word) {
	spans := lead
	used := 0
	for _, s := range lead {
		used += cells.Width(s.text)
	}
	start := used // where the first word of a line goes
	for _, w := range ws {
		switch {
		case used == start:
		case t.width > 0 && used+1+w.width() > t.width:
			t.line(b, spans...)
			spans = []span{{cont, nil}}
			used = cells.Width(cont)
			start = used
		default:
			// A space inside a phrase of one colour takes the colour, so
			// that the phrase is painted as one.
			var paint *color.Color
			if prev := spans[len(spans)-1].paint; prev == w[0].paint {
				paint = prev
			}
			spans = append(spans, span{" ", paint})
			used++
		}
		spans = append(spans, w...)
		used += w.width()
	}
	t.line(b, spans...)
}

func pad(s string, w int) string {
	return cells.Pad(s, w)
}
