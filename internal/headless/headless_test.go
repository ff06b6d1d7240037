package headless

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestRecords: what the HTML report's browser tests rely on to fail. A page
// that loads an image, writes a console error, opens a dialog and lets
// script change it is caught at each, and with JavaScript off its script
// does not run.
func TestRecords(t *testing.T) {
	path, err := Find()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skipf("%v; set CI=1 to make this a failure", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := Start(ctx, path, 800, 600)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	// Port 9 of the loopback (discard) is closed: the request fails fast
	// and stays on this machine.
	page := `<!DOCTYPE html><title>t</title><img src="http://127.0.0.1:9/pixel.png">
<p id="p">static</p><script>document.getElementById("p").textContent = "scripted"; console.error("boom"); alert("hi");</script>`
	file := filepath.Join(t.TempDir(), "page.html")
	if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	u := (&url.URL{Scheme: "file", Path: file}).String()

	for _, script := range []bool{true, false} {
		p, err := b.Open(u, script)
		if err != nil {
			t.Fatal(err)
		}
		text, err := Eval[string](p, `document.getElementById("p").textContent`)
		if err != nil {
			t.Fatal(err)
		}
		requests, problems := p.Close()
		if want := map[bool]string{true: "scripted", false: "static"}[script]; text != want {
			t.Errorf("script %v: the paragraph reads %q, want %q", script, text, want)
		}
		if !slices.Contains(requests, "http://127.0.0.1:9/pixel.png") {
			t.Errorf("script %v: requests %q miss the image", script, requests)
		}
		all := strings.Join(problems, "\n")
		for _, want := range []string{"console error: boom", "alert dialog: hi"} {
			if strings.Contains(all, want) != script {
				t.Errorf("script %v: problems %q; want %q only with JavaScript on", script, problems, want)
			}
		}
	}
}
