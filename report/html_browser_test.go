package report

import (
	"bytes"
	"context"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gpaudit/gpaudit/engine"
	"github.com/gpaudit/gpaudit/internal/headless"
)

// startBrowser starts headless Chromium for a test. Locally a missing
// Chromium skips the test; in CI (CI set) it fails it, as .ci/run installs
// Debian's chromium.
func startBrowser(t *testing.T) *headless.Browser {
	t.Helper()
	path, err := headless.Find()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the HTML report is tested in Chromium in CI: %v", err)
		}
		t.Skipf("%v; set CI=1 to make this a failure", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	b, err := headless.Start(ctx, path, 1280, 900)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

// writePage writes the HTML report of r into the test's temporary folder
// and returns its file: URL.
func writePage(t *testing.T, r *engine.Results) (file, pageURL string) {
	t.Helper()
	file = filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(file, render(t, NewHTML(Options{Version: "0.1.0"}), r), 0o644); err != nil {
		t.Fatal(err)
	}
	return file, (&url.URL{Scheme: "file", Path: file}).String()
}

func eval[T any](t *testing.T, p *headless.Page, expr string) T {
	t.Helper()
	v, err := headless.Eval[T](p, expr)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// visibleRows counts the rows of the findings table that show.
const visibleRows = `Array.from(document.querySelectorAll("#findings tbody tr")).filter(r => r.getClientRects().length > 0).length`

// TestHTMLInBrowser loads the triage report in Chromium, with JavaScript
// on and off: the checks and findings show, the filter narrows the table,
// the page asks for nothing from the network and logs no error, player
// text that looks like a script runs nothing, and the page fits A4.
func TestHTMLInBrowser(t *testing.T) {
	b := startBrowser(t)
	r := pointed(triageFixture())
	_, pageURL := writePage(t, r)
	total := 0
	for _, c := range r.Checks {
		total += len(c.Findings) + len(c.Warnings)
	}

	t.Run("javascript on", func(t *testing.T) {
		p, err := b.Open(pageURL, true)
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			requests, problems := p.Close()
			for _, u := range requests {
				t.Errorf("the page requested %s", u)
			}
			for _, m := range problems {
				t.Errorf("the page said: %s", m)
			}
		}()
		checkOnPage(t, p, r)
		if !eval[bool](t, p, `!document.getElementById("filter").hidden`) {
			t.Error("the filter stays hidden with JavaScript on")
		}
		if got := eval[int](t, p, visibleRows); got != total {
			t.Fatalf("%d rows show before filtering, want all %d", got, total)
		}
		if err := p.Select(`select[name="check"]`, "manual_block_max_days"); err != nil {
			t.Fatal(err)
		}
		if got, want := eval[int](t, p, visibleRows), len(r.Checks[0].Findings)+len(r.Checks[0].Warnings); got != want {
			t.Errorf("filtered by check: %d rows show, want %d", got, want)
		}
		if err := p.Select(`select[name="status"]`, "waived"); err != nil {
			t.Fatal(err)
		}
		if got := eval[int](t, p, visibleRows); got != 2 {
			t.Errorf("filtered by check and status waived: %d rows show, want 2", got)
		}
		if err := p.Type(`input[name="text"]`, "용사"); err != nil {
			t.Fatal(err)
		}
		if got := eval[int](t, p, visibleRows); got != 1 {
			t.Errorf("filtered also by text: %d rows show, want 1", got)
		}
		if got, want := eval[string](t, p, `document.getElementById("shown").textContent`), "1 of 10 shown"; got != want {
			t.Errorf("the count of rows reads %q, want %q", got, want)
		}
		// A check's count of findings in the checks table filters to it.
		if err := p.Click(`a[data-check="google_link_unique"]`); err != nil {
			t.Fatal(err)
		}
		if got, want := eval[int](t, p, visibleRows), len(r.Checks[1].Warnings); got != want {
			t.Errorf("after clicking google_link_unique's count: %d rows show, want %d", got, want)
		}
		shot, err := p.Screenshot()
		if err != nil {
			t.Fatal(err)
		}
		savePNG(t, shot, filepath.Join(t.TempDir(), "report.png"))
	})

	t.Run("javascript off", func(t *testing.T) {
		p, err := b.Open(pageURL, false)
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			requests, problems := p.Close()
			for _, u := range requests {
				t.Errorf("the page requested %s", u)
			}
			for _, m := range problems {
				t.Errorf("the page said: %s", m)
			}
		}()
		checkOnPage(t, p, r)
		if eval[bool](t, p, `document.getElementById("filter").getClientRects().length > 0`) {
			t.Error("the filter shows with JavaScript off, where it cannot work")
		}
		if got := eval[int](t, p, visibleRows); got != total {
			t.Errorf("%d rows show with JavaScript off, want all %d", got, total)
		}
	})

	t.Run("print on A4", func(t *testing.T) {
		p, err := b.Open(pageURL, true)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		// A4 is 210 mm wide; less the page's 12 mm margins, 186 mm are
		// 703 pixels at 96 per inch.
		if err := p.Print(703); err != nil {
			t.Fatal(err)
		}
		if w := eval[int](t, p, `document.documentElement.scrollWidth`); w > 703 {
			t.Errorf("printed, the page is %d pixels wide; A4 holds 703", w)
		}
		if eval[bool](t, p, `document.getElementById("filter").getClientRects().length > 0`) {
			t.Error("the filter is printed")
		}
		pdf, err := p.PDF()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Errorf("printing gave %.20q, not a PDF", pdf)
		}
		if err := os.WriteFile(filepath.Join(t.TempDir(), "report.pdf"), pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	})
}

// checkOnPage wants every check and finding of r in the rendered page's
// text, and the fixture's script-like message shown as text.
func checkOnPage(t *testing.T, p *headless.Page, r *engine.Results) {
	t.Helper()
	checks := eval[string](t, p, `document.getElementById("checks").innerText`)
	findings := eval[string](t, p, `document.getElementById("findings").innerText`)
	for _, c := range r.Checks {
		if !bytes.Contains([]byte(checks), []byte(c.Name)) {
			t.Errorf("check %s is not in the checks table", c.Name)
		}
		for _, f := range append(append([]engine.Finding{}, c.Findings...), c.Warnings...) {
			if !bytes.Contains([]byte(findings), []byte(f.ID)) {
				t.Errorf("finding %s of %s is not in the findings table", f.ID, c.Name)
			}
		}
	}
	if !bytes.Contains([]byte(findings), []byte(`reason <script>alert("x")</script> & 'quoted'`)) {
		t.Error("the message with a <script> in it does not show as text")
	}
	if n := eval[int](t, p, `document.scripts.length`); n != 1 {
		t.Errorf("%d scripts in the page, want only its own", n)
	}
}

// savePNG checks that shot is a PNG image of some size and writes it.
func savePNG(t *testing.T, shot []byte, path string) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 800 || b.Dy() < 600 {
		t.Errorf("screenshot is %dx%d", b.Dx(), b.Dy())
	}
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}
