package report

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gpaudit/gpaudit/engine"
)

func TestMarkdownGolden(t *testing.T) {
	for _, tt := range []struct {
		file string
		r    func() *engine.Results
	}{
		{"markdown.golden", fixture},
		{"triage.markdown.golden", triageFixture},
	} {
		t.Run(tt.file, func(t *testing.T) {
			golden(t, tt.file, render(t, NewMarkdown(Options{Version: "0.1.0"}), pointed(tt.r())))
		})
	}
}

func TestMarkdownCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain 용사 🎮", "plain 용사 🎮"},
		{"a | b", `a \| b`},
		{"line\nnext\r", `line\\nnext\\r`},
		{`<script>alert("x")</script> & 'q'`, `&lt;script&gt;alert("x")&lt;/script&gt; &amp; 'q'`},
		{"[click](https://evil.example/x) ![i](y)", `\[click\](https\://evil\.example/x) \!\[i\](y)`},
		{"*bold* _em_ ~~del~~ `code` #1 $x$", "\\*bold\\* \\_em\\_ \\~\\~del\\~\\~ \\`code\\` #1 \\$x\\$"},
		{"a***@example.com", `a\*\*\*\@example\.com`},
		{"\x1b[31mred", `\\x1b\[31mred`},
		{strings.Repeat("x", 400), strings.Repeat("x", 299) + "…"},
	}
	for _, tt := range tests {
		if got := mdCell(tt.in); got != tt.want {
			t.Errorf("mdCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"manual_block_max_days", "`manual_block_max_days`"},
		{"f-0123456789abcdef", "`f-0123456789abcdef`"},
		{"a|b", `a\|b`},
		{"a`b", "a\\`b"},
		{"", ""},
	} {
		if got := mdCode(tt.in); got != tt.want {
			t.Errorf("mdCode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestMarkdownRows: every table row has as many cells as its header, so no
// player text breaks a table, and a failing check lists its first 20
// findings.
func TestMarkdownRows(t *testing.T) {
	r := pointed(triageFixture())
	// A check with more findings than the Markdown lists, and hostile text.
	big := engine.CheckResult{Name: "many", Title: "Many | pipes\nand lines", Severity: "low", Status: engine.StatusFail, File: "m.hcl"}
	for i := range 25 {
		big.Findings = append(big.Findings, engine.Finding{ID: fmt.Sprintf("f-%016x", i), Subject: fmt.Sprintf("p|%02d", i),
			RecordID: "r\n" + strconv.Itoa(i), Message: "a | b <b>c</b>\nd", Details: map[string]any{}})
	}
	r.Checks = append(r.Checks, big)
	out := string(render(t, NewMarkdown(Options{}), r))

	// Split on pipes that are not escaped.
	cells := regexp.MustCompile(`(^|[^\\])\|`)
	width := 0
	for i, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "|") {
			width = 0
			continue
		}
		n := len(cells.FindAllString(line, -1)) - 1
		if width == 0 {
			width = n
		} else if n != width {
			t.Errorf("line %d has %d cells, its table %d: %s", i+1, n, width, line)
		}
	}
	if got := strings.Count(out, "| `f-00000000000000"); got != 20 {
		t.Errorf("%d rows of check many, want the first 20", got)
	}
	if !strings.Contains(out, "5 more findings not shown here") {
		t.Errorf("no word of the 5 findings of check many that are not shown:\n%s", out)
	}
	if strings.Contains(out, "<b>c</b>") || strings.Contains(out, "<script>") {
		t.Errorf("player text is written as HTML:\n%s", out)
	}
	for _, f := range r.Checks[0].Findings {
		if !strings.Contains(out, "`"+f.ID+"`") {
			t.Errorf("finding %s of the failing check is not listed", f.ID)
		}
	}
}

// hugeResults is a run whose Markdown would be many megabytes written out
// whole: failing checks of 25 findings each, every check's title and
// messages long.
func hugeResults(checks int) *engine.Results {
	r := &engine.Results{AsOf: asOf}
	for i := range checks {
		c := engine.CheckResult{Name: fmt.Sprintf("check_%05d", i), Title: strings.Repeat("A long title ", 10),
			Severity: "high", File: "main.hcl", Status: engine.StatusFail}
		if i%7 == 3 {
			c.Status, c.Error = engine.StatusError, strings.Repeat("an error ", 20)
		} else {
			for j := range 25 {
				c.Findings = append(c.Findings, engine.Finding{ID: fmt.Sprintf("f-%08x%08x", i, j),
					Subject: fmt.Sprintf("player-%05d", j), RecordID: fmt.Sprintf("rec-%05d-%05d", i, j),
					Message: strings.Repeat("manual block active for 45 days (max 30) ", 5)})
			}
		}
		r.Checks = append(r.Checks, c)
	}
	return r
}

var leftOut = regexp.MustCompile(`leaves out (?:([\d,]+) rows? of the checks table, )?(?:the errors of ([\d,]+) checks?, )?(?:([\d,]+) findings?(?:, among them all those of ([\d,]+) failing checks?)?)?`)

// TestMarkdownLimit: however big the run, the report stays under 1 MiB,
// and what it leaves out, added to what it shows, is everything it would
// have shown.
func TestMarkdownLimit(t *testing.T) {
	for _, checks := range []int{2_000, 30_000} {
		t.Run(strconv.Itoa(checks), func(t *testing.T) {
			r := hugeResults(checks)
			out := string(render(t, NewMarkdown(Options{Version: "0.1.0"}), r))
			if len(out) >= MarkdownLimit {
				t.Fatalf("report is %d bytes, want under %d", len(out), MarkdownLimit)
			}
			if len(out) < MarkdownLimit*9/10 {
				t.Errorf("report is %d bytes: it leaves out more than it needs to", len(out))
			}
			m := leftOut.FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("the report does not say what it left out; it ends:\n%s", out[len(out)-500:])
			}
			num := func(s string) int {
				n, _ := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
				return n
			}
			var wantRows, wantErrors, wantFindings int
			for _, c := range r.Checks {
				switch c.Status {
				case engine.StatusError:
					wantErrors++
				case engine.StatusFail:
					wantFindings += min(len(c.Findings), markdownFindings)
				}
			}
			wantRows = len(r.Checks)
			rows := strings.Count(out, "\n| ❌ fail | ") + strings.Count(out, "\n| ⚠️ error | ")
			errors := strings.Count(out, "\n- `check_")
			findings := strings.Count(out, "\n| `f-")
			if got := rows + num(m[1]); got != wantRows {
				t.Errorf("%d check rows shown + %s left out = %d, want %d", rows, m[1], got, wantRows)
			}
			if got := errors + num(m[2]); got != wantErrors {
				t.Errorf("%d errors shown + %s left out = %d, want %d", errors, m[2], got, wantErrors)
			}
			if got := findings + num(m[3]); got != wantFindings {
				t.Errorf("%d findings shown + %s left out = %d, want %d", findings, m[3], got, wantFindings)
			}
			for _, heading := range []string{"### Not evaluated\n\n\n", "### Findings\n\n\n", "### Findings\n\n>"} {
				if strings.Contains(out, heading) {
					t.Errorf("heading %q has nothing under it", heading)
				}
			}
			if strings.Count(out, "<details>") != strings.Count(out, "</details>") {
				t.Error("a <details> is left open")
			}
		})
	}
}
