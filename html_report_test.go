package main

import (
	"bytes"
	"context"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gpaudit/gpaudit/internal/headless"
)

// htmlShot is the README's picture of the quick start's HTML report;
// go test -update . takes it again.
const htmlShot = "docs/html-report.png"

// TestQuickstartHTMLInBrowser opens the quick start's HTML report, as
// README shows it, in headless Chromium: offline, with no request and no
// console error, every check on the page. Locally a missing Chromium skips
// the test; in CI it fails it.
func TestQuickstartHTMLInBrowser(t *testing.T) {
	path, err := headless.Find()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the HTML report is tested in Chromium in CI: %v", err)
		}
		t.Skipf("%v; set CI=1 to make this a failure", err)
	}
	code, stdout, stderr := runCLI(t, "check", "--snapshot", "examples/quickstart/snapshot", "--as-of", asOf,
		"--format", "html", "examples/quickstart")
	if code != exitFailed {
		t.Fatalf("exit %d, want 1\n%s", code, stderr)
	}
	file := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(file, []byte(stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	b, err := headless.Start(ctx, path, 1100, 1000)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	p, err := b.Open((&url.URL{Scheme: "file", Path: file}).String(), true)
	if err != nil {
		t.Fatal(err)
	}
	text, err := headless.Eval[string](p, `document.body.innerText`)
	if err != nil {
		t.Fatal(err)
	}
	for _, check := range []string{"manual_block_max_days", "google_link_email", "facebook_link_email", "blocked_players_offline", "watchlist_block_max_days"} {
		if !strings.Contains(text, check) {
			t.Errorf("check %s is not on the page", check)
		}
	}
	shot, err := p.Screenshot()
	if err != nil {
		t.Fatal(err)
	}
	top, err := p.ScreenshotTop()
	if err != nil {
		t.Fatal(err)
	}
	requests, problems := p.Close()
	for _, u := range requests {
		t.Errorf("the page requested %s", u)
	}
	for _, m := range problems {
		t.Errorf("the page said: %s", m)
	}
	for _, s := range [][]byte{shot, top} {
		if _, err := png.Decode(bytes.NewReader(s)); err != nil {
			t.Fatalf("screenshot: %v", err)
		}
	}
	whole := filepath.Join(t.TempDir(), "html-report.png")
	if err := os.WriteFile(whole, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of the whole page: %s", whole)
	if *update {
		// README shows the top of the page, as a reviewer first sees it.
		if err := os.WriteFile(htmlShot, top, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(htmlShot); err != nil {
		t.Errorf("README's screenshot: %v (go test -update -run TestQuickstartHTMLInBrowser . takes it)", err)
	}
}
