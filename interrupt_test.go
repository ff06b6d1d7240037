package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gpaudit/gpaudit/fetch/sandbox"
	"github.com/gpaudit/gpaudit/fetch/sandbox/sandboxtest"
)

// TestInterruptWritesNothing cancels a live run while the API is slow to
// answer, as Ctrl-C does: the run ends at once, with exit 3 and no report
// or snapshot left behind.
func TestInterruptWritesNothing(t *testing.T) {
	const latency = time.Minute // far longer than the run may take
	srv := sandboxtest.New(t, sandbox.Options{Data: "examples/quickstart/snapshot", APIKey: "k", Latency: latency})
	dir := sandboxConfig(t, "gamepot.blocks.max_duration")
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	e := &env{
		stdout:  &stdout,
		stderr:  &stderr,
		environ: []string{"SANDBOX_URL=" + srv.URL(), "GAMEPOT_API_KEY=k"},
		now:     time.Now,
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	start := time.Now()
	go func() {
		done <- run(ctx, []string{"check", "--progress", "none", "--out", "json=" + filepath.Join(out, "r.json"),
			"--save-snapshot", filepath.Join(out, "snap"), dir}, e)
	}()
	// Cancel once the request is in flight at the sandbox.
	deadline := time.After(latency / 2)
	for srv.Stats().Requests == 0 {
		select {
		case code := <-done:
			t.Fatalf("the run ended with exit %d before a request reached the sandbox; stderr:\n%s", code, stderr.String())
		case <-deadline:
			cancel()
			t.Fatalf("no request reached the sandbox within %s", latency/2)
		case <-time.After(5 * time.Millisecond):
		}
	}
	cancel()
	var code int
	select {
	case code = <-done:
	case <-time.After(latency / 2):
		t.Fatal("the run did not stop when cancelled")
	}
	if took := time.Since(start); took >= latency {
		t.Fatalf("the run waited for the answer (%s)", took)
	}
	if code != exitRuntime {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, exitRuntime, stderr.String())
	}
	if stdout.Len() > 0 {
		t.Errorf("a report was printed:\n%s", stdout.String())
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("left behind: %s", e.Name())
	}
}

// sandboxConfig writes a configuration with one check of policy over the
// memberblock of a sandbox at $SANDBOX_URL and returns its folder.
func sandboxConfig(t *testing.T, policy string) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.hcl"), `
source "gamepot" "main" {
  endpoint   = env("SANDBOX_URL")
  project_id = "gamepot.main"
  api_key    = env("GAMEPOT_API_KEY")
}
cohort "blocks" {
  source  = source.gamepot.main
  dataset = "memberblock"
}
check "c" {
  cohort = cohort.blocks
  policy = "`+policy+`"
}
`)
	return dir
}
