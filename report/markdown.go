package report

import (
	"fmt"
	"html"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gpaudit/gpaudit/engine"
	"github.com/gpaudit/gpaudit/english"
)

// Markdown writes GitHub-flavoured Markdown for a CI step summary or a
// pull-request comment: a summary line, a table of checks, and the first
// findings of each failing check folded in <details>. It stays under
// MarkdownLimit and says what it left out to get there.
type Markdown struct {
	version string
	limit   int
}

// MarkdownLimit is the size a Markdown report stays under: GitHub's limit
// for a job's step summary, 1 MiB.
const MarkdownLimit = 1 << 20

// markdownFindings is how many findings a failing check lists.
const markdownFindings = 20

// markdownCell is the most characters of player or policy text one table
// cell shows, so that one long message cannot crowd out the rest.
const markdownCell = 300

// markdownReserve is room kept for what closes the report (the note of
// what was left out and the last tags), so that it always fits.
const markdownReserve = 2048

// NewMarkdown returns a Markdown reporter that names opts.Version.
func NewMarkdown(opts Options) *Markdown {
	return &Markdown{version: opts.Version, limit: MarkdownLimit}
}

// mdDoc is a Markdown report being written within a byte budget. Parts
// that do not fit are counted in left rather than written.
type mdDoc struct {
	b     strings.Builder
	limit int
	left  struct{ checks, errors, findings, sections, waivers int }
}

// add writes s if it fits in the budget and says whether it did.
func (d *mdDoc) add(s string) bool {
	if d.b.Len()+len(s) > d.limit-markdownReserve {
		return false
	}
	d.b.WriteString(s)
	return true
}

// list writes a heading and the items under it that fit, the heading only
// with its first item, and returns how many items did not fit.
func (d *mdDoc) list(heading string, items []string) int {
	for i, item := range items {
		if i == 0 {
			item = heading + item
		}
		if !d.add(item) {
			return len(items) - i
		}
	}
	return 0
}

// Report writes r as Markdown.
func (m *Markdown) Report(w io.Writer, r *engine.Results) error {
	d := &mdDoc{limit: m.limit}
	n := count(r)

	d.add("## gpaudit: " + mdOutcome(n) + "\n\n")
	d.add(mdSummary(n, r, m.version) + "\n\n")

	d.add("| Status | Check | Severity | Findings | New | Waived |\n| --- | --- | --- | ---: | ---: | ---: |\n")
	for i, c := range r.Checks {
		if !d.add(mdCheckRow(c, r.Baseline)) {
			d.left.checks = len(r.Checks) - i
			break
		}
	}

	var errors []string
	for _, c := range r.Checks {
		if c.Status == engine.StatusError {
			errors = append(errors, "- "+mdCode(c.Name)+": "+mdCell(c.Error)+"\n")
		}
	}
	d.left.errors = d.list("\n### Not evaluated\n\n", errors)

	m.writeFindings(d, r)
	writeMarkdownWaivers(d, r.Waivers)

	// What was left out is said last, where the budget keeps room for it.
	if note := d.leftOut(); note != "" {
		d.b.WriteString("\n> **Left out:** " + note + "\n")
	}
	if _, err := io.WriteString(w, d.b.String()); err != nil {
		return fmt.Errorf("write markdown report: %w", err)
	}
	return nil
}

// writeFindings writes a folded table of the first findings of each
// failing check.
func (m *Markdown) writeFindings(d *mdDoc, r *engine.Results) {
	var failing []engine.CheckResult
	for _, c := range r.Checks {
		if c.Status == engine.StatusFail {
			failing = append(failing, c)
		}
	}
	heading := "\n### Findings\n"
	for i, c := range failing {
		open := heading + "\n<details>\n<summary><b>" + html.EscapeString(clean(c.Name)) + "</b>: " +
			html.EscapeString(mdCheckCounts(c, r.Baseline)) + "</summary>\n\n" +
			"| Finding | Subject | Record | Message | Triage |\n| --- | --- | --- | --- | --- |\n"
		if !d.add(open) {
			for _, c := range failing[i:] {
				d.left.sections++
				d.left.findings += min(len(c.Findings), markdownFindings)
			}
			return
		}
		heading = ""
		shown := c.Findings[:min(len(c.Findings), markdownFindings)]
		for j, f := range shown {
			row := "| " + mdCode(f.ID) + " | " + mdCell(f.Subject) + " | " + mdCell(f.RecordID) + " | " +
				mdCell(f.Message) + " | " + mdCell(mdTriage(f)) + " |\n"
			if !d.add(row) {
				d.left.findings += len(shown) - j
				break
			}
		}
		if more := len(c.Findings) - len(shown); more > 0 {
			d.add(fmt.Sprintf("\n%d more %s not shown here: the JSON report lists every finding.\n",
				more, map[bool]string{true: "finding", false: "findings"}[more == 1]))
		}
		// The closing tag always fits: the reserve is there for it.
		d.b.WriteString("\n</details>\n")
	}
}

func writeMarkdownWaivers(d *mdDoc, waivers []engine.WaiverResult) {
	rows := make([]string, len(waivers))
	for i, w := range waivers {
		rows[i] = fmt.Sprintf("| %s | %s | %s | %d | %s | %s | %s |\n", mdCode(w.Name), mdCode(w.Check), mdCell(w.Status),
			w.Matched, w.Expires.UTC().Format(time.RFC3339), mdCell(w.Owner), mdCell(w.Reason))
	}
	d.left.waivers = d.list("\n### Waivers\n\n| Waiver | Check | Status | Findings | Expires | Owner | Reason |\n"+
		"| --- | --- | --- | ---: | --- | --- | --- |\n", rows)
}

// leftOut says what did not fit, or is "" when everything did.
func (d *mdDoc) leftOut() string {
	var parts []string
	if n := d.left.checks; n > 0 {
		parts = append(parts, english.Plural(n, "row")+" of the checks table")
	}
	if n := d.left.errors; n > 0 {
		parts = append(parts, "the errors of "+english.Plural(n, "check"))
	}
	if n := d.left.findings; n > 0 {
		what := english.Plural(n, "finding")
		if s := d.left.sections; s > 0 {
			what += ", among them all those of " + english.Plural(s, "failing check")
		}
		parts = append(parts, what)
	}
	if n := d.left.waivers; n > 0 {
		parts = append(parts, english.Plural(n, "waiver"))
	}
	if len(parts) == 0 {
		return ""
	}
	return "to stay under GitHub's 1 MiB limit, this report leaves out " + strings.Join(parts, ", ") +
		". The JSON report has everything."
}

// mdOutcome is the report's heading: what a reader of a pull request wants
// to know first.
func mdOutcome(n tally) string {
	switch {
	case n.failed == 0 && n.errors == 0:
		return fmt.Sprintf("no check failed (%s)", english.Plural(n.checks, "check"))
	case n.errors == 0:
		return fmt.Sprintf("%d of %s failed", n.failed, english.Plural(n.checks, "check"))
	default:
		return fmt.Sprintf("%d of %s failed, %d could not be evaluated", n.failed, english.Plural(n.checks, "check"), n.errors)
	}
}

// mdSummary is the summary line: the text report's, with the version.
func mdSummary(n tally, r *engine.Results, version string) string {
	findings := english.Plural(n.findings, "finding")
	if len(r.Waivers) > 0 {
		findings += fmt.Sprintf(" (%d waived)", n.waived)
	}
	against := ""
	if r.Baseline {
		against = fmt.Sprintf("; %d new, %d resolved against the baseline", n.fresh, n.resolved)
	}
	tool := "gpaudit"
	if version != "" {
		tool += " " + version
	}
	return fmt.Sprintf("%s: %d passed, %d failed, %s, %d skipped; %s, %s%s. As of %s, %s.",
		english.Plural(n.checks, "check"), n.passed, n.failed, english.Plural(n.errors, "error"), n.skipped,
		findings, english.Plural(n.warnings, "warning"), against, formatAsOf(r.AsOf), mdCell(tool))
}

var mdStatus = map[string]string{
	engine.StatusPass:  "✅ pass",
	engine.StatusFail:  "❌ fail",
	engine.StatusError: "⚠️ error",
	engine.StatusSkip:  "⏭️ skip",
}

func mdCheckRow(c engine.CheckResult, baseline bool) string {
	status, ok := mdStatus[c.Status]
	if !ok {
		status = mdCell(c.Status)
	}
	check := mdCode(c.Name)
	if c.Title != "" && c.Title != c.Name {
		check += " " + mdCell(c.Title)
	}
	// A check that did not run has no counts; without a baseline nothing
	// is new.
	findings, added, waived := "-", "-", "-"
	if c.Status == engine.StatusPass || c.Status == engine.StatusFail {
		findings = fmt.Sprint(len(c.Findings))
		waived = fmt.Sprint(len(c.Findings) - c.Counting())
		if baseline {
			added = fmt.Sprint(fresh(c))
		}
	}
	return fmt.Sprintf("| %s | %s | %s | %s | %s | %s |\n", status, check, mdCell(c.Severity), findings, added, waived)
}

// mdCheckCounts is a failing check's findings in words: "7 findings, 5 new,
// 2 waived".
func mdCheckCounts(c engine.CheckResult, baseline bool) string {
	s := english.Plural(len(c.Findings), "finding")
	if baseline {
		s += fmt.Sprintf(", %d new", fresh(c))
	}
	if waived := len(c.Findings) - c.Counting(); waived > 0 {
		s += fmt.Sprintf(", %d waived", waived)
	}
	return s
}

// mdTriage is what a waiver or the baseline says of a finding.
func mdTriage(f engine.Finding) string {
	var parts []string
	if f.WaivedBy != "" {
		parts = append(parts, "waived by "+f.WaivedBy)
	}
	switch f.Baseline {
	case engine.BaselineNew:
		parts = append(parts, "new")
	case engine.BaselineExisting:
		parts = append(parts, "existing")
	}
	return strings.Join(parts, ", ")
}

// mdCode writes s as a code span when it is safe as one (names and ids),
// else as an escaped cell.
func mdCode(s string) string {
	if s == "" {
		return ""
	}
	for _, r := range s {
		if r == '`' || r == '|' || r == '\\' || unsafeRune(r) {
			return mdCell(s)
		}
	}
	if utf8.RuneCountInString(s) > markdownCell {
		return mdCell(s)
	}
	return "`" + s + "`"
}

// mdMarkup are the characters that can start markup inside a line of
// GitHub's Markdown: emphasis, code, links and images, strikethrough, math,
// the cell's pipe, and the ":", "." and "@" of autolinks. Line-start
// markup (headings, lists) cannot begin inside a cell.
const mdMarkup = "\\`*_[]!|~$:.@"

// mdCell makes text safe in a table cell and in running text: control
// characters spelled out as the text report does (so a line break cannot
// end the row), HTML escaped, and every character that Markdown could read
// as markup (emphasis, links, images, autolinks, the cell's pipe) escaped
// with a backslash, so player data renders as the text it is. Long text is
// cut with an ellipsis.
func mdCell(s string) string {
	s = strings.TrimSpace(clean(s))
	if utf8.RuneCountInString(s) > markdownCell {
		s = string([]rune(s)[:markdownCell-1]) + "…"
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case strings.ContainsRune(mdMarkup, r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
