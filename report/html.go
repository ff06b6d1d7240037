package report

import (
	"bytes"
	"crypto/sha256"
	_ "embed" // the page's template, style and script
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gpaudit/gpaudit/engine"
	"github.com/gpaudit/gpaudit/english"
)

// HTML writes one self-contained page for a reviewer: the evidence it
// speaks for, a chart of the findings, the checks, every finding in a table
// that a small script filters, the waivers and the baseline. It loads
// nothing: its style and script are inline and allowed by their hashes
// alone, so the page cannot reach the network even if a browser were told
// to. Everything reads and prints (on A4) with JavaScript off.
type HTML struct {
	version string
}

// NewHTML returns an HTML reporter that names opts.Version.
func NewHTML(opts Options) *HTML {
	return &HTML{version: opts.Version}
}

var (
	//go:embed html/report.tmpl
	htmlSource string
	//go:embed html/report.css
	htmlStyle string
	//go:embed html/report.js
	htmlScript string

	htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
		"clean": clean,
	}).Parse(htmlSource))

	// htmlPolicy is the page's Content-Security-Policy: nothing from
	// anywhere but the one style and the one script, by their hashes.
	htmlPolicy = "default-src 'none'; style-src '" + cspHash(htmlStyle) + "'; script-src '" + cspHash(htmlScript) +
		"'; img-src data:; base-uri 'none'; form-action 'none'"
)

func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// htmlPage is what the template shows.
type htmlPage struct {
	Policy string
	Style  template.CSS
	Script template.JS

	AsOf, Tool, PII, Outcome, OutcomeClass string
	Inputs                                 engine.Inputs
	Tally                                  []htmlCount
	Baseline                               bool
	New, Resolved                          int
	Chart                                  *htmlChart
	Checks                                 []htmlCheck
	Findings                               []htmlFinding
	FilterChecks                           []string
	FilterStatuses                         []string
	Waivers                                []htmlWaiver
	ResolvedList                           []htmlResolved
	Cohorts                                []htmlCohort
}

// htmlCohort is a cohort and how it was read, in words.
type htmlCohort struct {
	engine.CohortResult
	Read string
}

type htmlCount struct {
	Label string
	N     int
	Class string
}

type htmlCheck struct {
	Name, Title, Description, Status, Severity, Policy, Cohort, Where, Error string
	Tags                                                                     []string
	Records                                                                  int
	Ran                                                                      bool
	Findings, Waived, New, Existing, Resolved, Warnings                      int
}

type htmlFinding struct {
	Check, Severity, Status, ID, Subject, RecordID, Message, Triage, Details string
}

type htmlWaiver struct {
	Name, Check, Status, Owner, Reason, Expires string
	Matched                                     int
}

type htmlResolved struct {
	Check, ID, Subject, RecordID string
}

// Finding statuses, as the findings table shows and filters them.
const (
	htmlFailing  = "failing"
	htmlNew      = "new"
	htmlExisting = "existing"
	htmlWaived   = "waived"
	htmlWarning  = "warning"
)

// Report writes r as one HTML page. Nothing is written if r cannot be
// rendered, for example when a finding's details hold a NaN.
func (h *HTML) Report(w io.Writer, r *engine.Results) error {
	page, err := h.page(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, page); err != nil {
		return fmt.Errorf("render html report: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	return nil
}

func (h *HTML) page(r *engine.Results) (*htmlPage, error) {
	n := count(r)
	p := &htmlPage{
		Policy: htmlPolicy, Style: template.CSS(htmlStyle), Script: template.JS(htmlScript),
		AsOf: formatAsOf(r.AsOf), Tool: strings.TrimSpace("gpaudit " + h.version), PII: "masked",
		Outcome: mdOutcome(n), OutcomeClass: "pass",
		Inputs: r.Inputs, Baseline: r.Baseline, New: n.fresh, Resolved: n.resolved,
	}
	for _, c := range r.Cohorts {
		var read []string
		if c.Via != "" {
			read = append(read, c.Via)
		}
		if c.Requests > 0 {
			read = append(read, english.Plural(c.Requests, "request"))
		}
		if c.Retries > 0 {
			read = append(read, english.Plural(c.Retries, "retry"))
		}
		if c.Verified {
			read = append(read, "verified")
		}
		p.Cohorts = append(p.Cohorts, htmlCohort{CohortResult: c, Read: strings.Join(read, ", ")})
	}
	if r.ShowsPII {
		p.PII = "shown"
	}
	switch {
	case n.errors > 0:
		p.OutcomeClass = "error"
	case n.failed > 0:
		p.OutcomeClass = "fail"
	}
	p.Tally = []htmlCount{
		{"checks", n.checks, ""}, {"passed", n.passed, "pass"}, {"failed", n.failed, "fail"},
		{"errors", n.errors, "error"}, {"skipped", n.skipped, "skip"},
		{"findings", n.findings, ""}, {"waived", n.waived, ""}, {"warnings", n.warnings, ""},
	}
	if r.Baseline {
		p.Tally = append(p.Tally, htmlCount{"new", n.fresh, ""}, htmlCount{"resolved", n.resolved, ""})
	}

	statuses := map[string]bool{}
	for _, c := range r.Checks {
		hc := htmlCheck{
			Name: c.Name, Title: c.Title, Description: c.Description, Status: c.Status, Severity: c.Severity,
			Policy: c.Policy, Cohort: c.Cohort, Error: c.Error, Tags: c.Tags, Records: c.Records,
			Ran:      c.Status == engine.StatusPass || c.Status == engine.StatusFail,
			Findings: len(c.Findings), Waived: len(c.Findings) - c.Counting(), New: fresh(c),
			Resolved: len(c.Resolved), Warnings: len(c.Warnings),
		}
		if hc.Title == hc.Name {
			hc.Title = ""
		}
		if c.File != "" {
			hc.Where = c.File
			if c.Line > 0 {
				hc.Where += ":" + strconv.Itoa(c.Line)
			}
		}
		for _, f := range c.Findings {
			hf, err := htmlFindingOf(c, f, htmlStatus(f))
			if err != nil {
				return nil, err
			}
			if f.Baseline == engine.BaselineExisting {
				hc.Existing++
			}
			statuses[hf.Status] = true
			p.Findings = append(p.Findings, hf)
		}
		for _, f := range c.Warnings {
			hf, err := htmlFindingOf(c, f, htmlWarning)
			if err != nil {
				return nil, err
			}
			statuses[htmlWarning] = true
			p.Findings = append(p.Findings, hf)
		}
		if len(c.Findings)+len(c.Warnings) > 0 {
			p.FilterChecks = append(p.FilterChecks, c.Name)
		}
		for _, res := range c.Resolved {
			p.ResolvedList = append(p.ResolvedList, htmlResolved{Check: c.Name, ID: res.ID, Subject: res.Subject, RecordID: res.RecordID})
		}
		p.Checks = append(p.Checks, hc)
	}
	for _, s := range []string{htmlFailing, htmlNew, htmlExisting, htmlWaived, htmlWarning} {
		if statuses[s] {
			p.FilterStatuses = append(p.FilterStatuses, s)
		}
	}
	for _, wv := range r.Waivers {
		p.Waivers = append(p.Waivers, htmlWaiver{
			Name: wv.Name, Check: wv.Check, Status: wv.Status, Owner: wv.Owner, Reason: wv.Reason,
			Expires: wv.Expires.UTC().Format(time.RFC3339), Matched: wv.Matched,
		})
	}
	p.Chart = newChart(r.Checks)
	return p, nil
}

// htmlStatus is a deny finding's status in the findings table: waived
// first, then what the baseline says, else failing.
func htmlStatus(f engine.Finding) string {
	switch {
	case f.WaivedBy != "":
		return htmlWaived
	case f.Baseline == engine.BaselineNew:
		return htmlNew
	case f.Baseline == engine.BaselineExisting:
		return htmlExisting
	default:
		return htmlFailing
	}
}

func htmlFindingOf(c engine.CheckResult, f engine.Finding, status string) (htmlFinding, error) {
	hf := htmlFinding{Check: c.Name, Severity: c.Severity, Status: status, ID: f.ID,
		Subject: clean(f.Subject), RecordID: clean(f.RecordID), Message: clean(f.Message)}
	// Under the status, what it does not say: the waiver, and whether a
	// waived finding is new.
	if f.WaivedBy != "" {
		hf.Triage = "by " + f.WaivedBy
		if f.Baseline != "" {
			hf.Triage += ", " + f.Baseline
		}
	}
	if len(f.Details) > 0 {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false) // the template escapes
		enc.SetIndent("", "  ")
		if err := enc.Encode(f.Details); err != nil {
			return hf, fmt.Errorf("encode html report: details of finding %s of check %s: %w", f.ID, c.Name, err)
		}
		// Line by line: JSON escapes the line breaks of strings, and the
		// indentation's are kept.
		lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
		for i, l := range lines {
			lines[i] = clean(l)
		}
		hf.Details = strings.Join(lines, "\n")
	}
	return hf, nil
}

// severities are the severities in the chart's legend, most severe first.
var severities = []string{"critical", "high", "medium", "low", "info"}

// htmlChart is a bar chart of findings by check, each bar in its check's
// severity: the part that counts solid, the waived part pale. All figures
// are computed here, so the SVG is the same bytes for the same results.
type htmlChart struct {
	Width, Height      int
	AxisEnd, AxisLabel int
	Bars               []htmlBar
	Legend             []htmlLegend
	Axis               []htmlTick
}

type htmlBar struct {
	Check, Label, Severity, Title string
	Y, TextY                      int
	Counting, Waived              string // widths
	WaivedX, CountX               string
	N                             int
}

type htmlLegend struct {
	Severity string
	N        int
	X        int
}

type htmlTick struct {
	X     string
	Label int
}

// Chart geometry, in SVG user units (pixels at 100%).
const (
	chartWidth  = 760
	chartLabel  = 230 // the label column
	chartBars   = 460 // the longest bar
	chartRow    = 22
	chartTop    = 34 // legend
	chartBottom = 24 // axis
)

func newChart(checks []engine.CheckResult) *htmlChart {
	most := 0
	for _, c := range checks {
		most = max(most, len(c.Findings))
	}
	if most == 0 {
		return nil
	}
	ch := &htmlChart{Width: chartWidth}
	bySeverity := map[string]int{}
	y := chartTop
	for _, c := range checks {
		if len(c.Findings) == 0 {
			continue
		}
		counting := c.Counting()
		waived := len(c.Findings) - counting
		bySeverity[c.Severity] += len(c.Findings)
		label := clean(c.Name)
		if r := []rune(label); len(r) > 30 {
			label = string(r[:29]) + "…"
		}
		wc := float64(counting) * chartBars / float64(most)
		ww := float64(waived) * chartBars / float64(most)
		title := fmt.Sprintf("%s (%s): %s", clean(c.Name), clean(c.Severity), english.Plural(len(c.Findings), "finding"))
		if waived > 0 {
			title += fmt.Sprintf(", %d waived", waived)
		}
		ch.Bars = append(ch.Bars, htmlBar{
			Check: c.Name, Label: label, Severity: c.Severity, Title: title, N: len(c.Findings),
			Y: y, TextY: y + 15,
			Counting: px(wc), Waived: px(ww), WaivedX: px(chartLabel + wc), CountX: px(chartLabel + wc + ww + 6),
		})
		y += chartRow
	}
	x := 0
	for _, s := range severities {
		if n := bySeverity[s]; n > 0 {
			ch.Legend = append(ch.Legend, htmlLegend{Severity: s, N: n, X: x})
			x += 130
		}
	}
	for _, t := range ticks(most) {
		ch.Axis = append(ch.Axis, htmlTick{X: px(chartLabel + float64(t)*chartBars/float64(most)), Label: t})
	}
	ch.AxisEnd, ch.AxisLabel, ch.Height = y, y+16, y+chartBottom
	return ch
}

// ticks are up to five round figures from 0 to most for the chart's axis.
func ticks(most int) []int {
	step := 1
	for m := 1; most/step > 5; m *= 10 {
		for _, s := range []int{1, 2, 5} {
			if step = s * m; most/step <= 5 {
				break
			}
		}
	}
	var out []int
	for t := 0; t <= most; t += step {
		out = append(out, t)
	}
	return out
}

// px writes a length with at most one decimal, the same on every machine.
func px(v float64) string {
	return strconv.FormatFloat(v, 'f', 1, 64)
}
