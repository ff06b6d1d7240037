package report

import (
	"bytes"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"

	"github.com/gpaudit/gpaudit/engine"
)

func TestHTMLGolden(t *testing.T) {
	for _, tt := range []struct {
		file string
		r    func() *engine.Results
	}{
		{"html.golden", fixture},
		{"triage.html.golden", triageFixture},
	} {
		t.Run(tt.file, func(t *testing.T) {
			golden(t, tt.file, render(t, NewHTML(Options{Version: "0.1.0"}), pointed(tt.r())))
		})
	}
}

// TestHTMLSelfContained: the page names nothing to load, and its own
// Content-Security-Policy allows nothing but its inline style and script,
// by their hashes, so that nothing could be loaded even by mistake.
func TestHTMLSelfContained(t *testing.T) {
	page := string(render(t, NewHTML(Options{Version: "0.1.0"}), pointed(triageFixture())))
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var styles, scripts []string
	var csp string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		for _, a := range n.Attr {
			switch a.Key {
			case "src", "srcset", "action", "formaction", "poster", "data":
				t.Errorf("<%s %s=%q> loads something", n.Data, a.Key, a.Val)
			case "href":
				if !strings.HasPrefix(a.Val, "#") {
					t.Errorf("<%s href=%q> leads off the page", n.Data, a.Val)
				}
			case "style":
				t.Errorf("<%s style=%q>: an inline style attribute, which the page's policy blocks", n.Data, a.Val)
			}
			if strings.HasPrefix(a.Key, "on") {
				t.Errorf("<%s %s=%q>: an inline handler, which the page's policy blocks", n.Data, a.Key, a.Val)
			}
		}
		switch n.Data {
		case "link", "iframe", "img", "object", "embed", "base":
			t.Errorf("the page has a <%s>", n.Data)
		case "style":
			styles = append(styles, n.FirstChild.Data)
		case "script":
			scripts = append(scripts, n.FirstChild.Data)
		case "meta":
			if attr(n, "http-equiv") == "Content-Security-Policy" {
				csp = attr(n, "content")
			}
		}
	}
	if len(styles) != 1 || len(scripts) != 1 {
		t.Fatalf("%d styles and %d scripts, want one of each", len(styles), len(scripts))
	}
	want := "default-src 'none'; style-src '" + cspHash(styles[0]) + "'; script-src '" + cspHash(scripts[0]) +
		"'; img-src data:; base-uri 'none'; form-action 'none'"
	if csp != want {
		t.Errorf("Content-Security-Policy\n%s\nwant one that allows only the page's own style and script:\n%s", csp, want)
	}
	if strings.Contains(styles[0], "@import") || strings.Contains(styles[0], "url(") || strings.Contains(styles[0], "@font-face") {
		t.Error("the style loads something")
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// TestHTMLText: every check, finding, warning, waiver and input is on the
// page, and player text is text, never markup.
func TestHTMLText(t *testing.T) {
	r := pointed(triageFixture())
	page := string(render(t, NewHTML(Options{Version: "0.1.0"}), r))
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	text := textOf(doc)
	var want []string
	for _, c := range r.Checks {
		want = append(want, c.Name, c.Title, c.Severity, c.Policy)
		for _, f := range append(append([]engine.Finding{}, c.Findings...), c.Warnings...) {
			want = append(want, f.ID, clean(f.Message))
		}
		for _, res := range c.Resolved {
			want = append(want, res.ID)
		}
	}
	for _, w := range r.Waivers {
		want = append(want, w.Name, w.Owner, w.Reason, "2027-01-31T23:59:59Z")
	}
	for _, f := range r.Inputs.Config {
		want = append(want, f.Path, f.SHA256)
	}
	want = append(want, r.Inputs.Snapshot.ManifestSHA256, "2026-11-22T00:00:00Z", "gpaudit 0.1.0")
	for _, s := range want {
		if !strings.Contains(text, s) {
			t.Errorf("%q is not on the page", s)
		}
	}
	// The fixture's <script> is a message, so it stays text: the only
	// script element is the page's own.
	if n := strings.Count(page, "<script"); n != 1 {
		t.Errorf("%d <script elements, want only the page's own", n)
	}
	// A table row per finding and warning, each with its check and status.
	rows := regexp.MustCompile(`<tr data-check="([^"]+)" data-status="([a-z]+)">\n<td><code>`).FindAllStringSubmatch(page, -1)
	var got, wantRows [][2]string
	for _, m := range rows {
		got = append(got, [2]string{m[1], m[2]})
	}
	for _, c := range r.Checks {
		for _, f := range c.Findings {
			wantRows = append(wantRows, [2]string{c.Name, htmlStatus(f)})
		}
		for range c.Warnings {
			wantRows = append(wantRows, [2]string{c.Name, "warning"})
		}
	}
	if diff := cmp.Diff(wantRows, got); diff != "" {
		t.Errorf("finding rows (-want +got):\n%s", diff)
	}
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode && (d.Parent == nil || d.Parent.Data != "script" && d.Parent.Data != "style") {
			b.WriteString(d.Data)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func TestHTMLEncodeError(t *testing.T) {
	r := &engine.Results{AsOf: asOf, Checks: []engine.CheckResult{{
		Name: "c", Status: engine.StatusFail,
		Findings: []engine.Finding{{Message: "m", Details: map[string]any{"ratio": math.NaN()}}},
	}}}
	var buf bytes.Buffer
	err := NewHTML(Options{}).Report(&buf, r)
	if err == nil || !strings.Contains(err.Error(), "encode html report") {
		t.Fatalf("Report with a NaN detail: error = %v, want an encode error", err)
	}
	if buf.Len() != 0 {
		t.Errorf("Report wrote %d bytes before failing; want nothing", buf.Len())
	}
}

func TestTicks(t *testing.T) {
	for _, tt := range []struct {
		most int
		want []int
	}{
		{1, []int{0, 1}},
		{5, []int{0, 1, 2, 3, 4, 5}},
		{7, []int{0, 2, 4, 6}},
		{12, []int{0, 5, 10}},
		{30, []int{0, 10, 20, 30}},
		{1234, []int{0, 500, 1000}},
	} {
		if got := ticks(tt.most); !cmp.Equal(got, tt.want) {
			t.Errorf("ticks(%d) = %v, want %v", tt.most, got, tt.want)
		}
	}
}
