//go:build unix

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gpaudit/gpaudit/cells"
)

// tmuxTimeout bounds the tmux test's run of the quick start, which takes a
// few seconds at --rate-limit 4.
const tmuxTimeout = 3 * time.Minute

// quickstartCohorts are the cohorts of examples/quickstart: one bar each.
var quickstartCohorts = []string{"active_manual_blocks", "google_links", "facebook_links", "blocked_in_chat", "support_watchlist"}

// barLine matches a progress bar; fullBar a full one.
var (
	barLine = regexp.MustCompile(`\[[#.]{8,}\]`)
	fullBar = regexp.MustCompile(`\[#{8,}\]`)
)

// TestTmux80Columns runs the quick start against the sandbox, slowly
// enough for progress to show, and then gpaudit policies, in a real
// terminal: a tmux pane of 80 columns by 24 lines. While it runs, the bars
// show estimates and the per-player cohort's players; afterwards the
// pane's whole scrollback holds no line wider than 80 and one bar per
// cohort, each full, however many times they were redrawn.
//
// tmux is needed: locally a missing tmux skips the test, in CI (CI set)
// it fails it; .ci/run installs it.
func TestTmux80Columns(t *testing.T) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("tmux is needed for the terminal test in CI (apt-get install tmux): %v", err)
		}
		t.Skip("tmux not installed (apt-get install tmux); set CI=1 to make this a failure")
	}
	bin, err := exec.LookPath("gpaudit")
	if err != nil {
		t.Fatalf("gpaudit is not on PATH, as TestMain puts it: %v", err)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "tmux.sock")
	script := filepath.Join(dir, "run.sh")
	writeFile(t, script, fmt.Sprintf(`cd %q || exit
%q check --sandbox examples/quickstart/snapshot --rate-limit 4 examples/quickstart
echo "check-exit=$?"
%q policies
echo "policies-exit=$?"
%q -S %q wait-for -S finished
exec cat
`, wd, bin, bin, tmux, sock))

	ctx, cancel := context.WithTimeout(context.Background(), tmuxTimeout)
	defer cancel()
	// The server is the test's own: its socket, no configuration file, and
	// an environment without the TMUX of a tmux the tests may run in.
	environ := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TMUX=") && !strings.HasPrefix(kv, "TMUX_PANE=") && !strings.HasPrefix(kv, "NO_COLOR=") {
			environ = append(environ, kv)
		}
	}
	tmuxCmd := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, tmux, append([]string{"-S", sock, "-f", "/dev/null"}, args...)...)
		cmd.Env = environ
		return cmd.CombinedOutput()
	}
	if out, err := tmuxCmd("new-session", "-d", "-x", "80", "-y", "24", "-s", "gpaudit", "sh "+script); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		cmd := exec.Command(tmux, "-S", sock, "kill-server")
		cmd.Env = environ
		_ = cmd.Run()
	})
	capture := func() string {
		// -J joins the lines the terminal wrapped, so a line too wide shows
		// as one; -S - starts at the top of the scrollback.
		out, err := tmuxCmd("capture-pane", "-p", "-J", "-S", "-", "-E", "-", "-t", "gpaudit")
		if err != nil {
			t.Fatalf("tmux capture-pane: %v\n%s", err, out)
		}
		return string(out)
	}

	// While the check runs: an estimate, and players looked up of their total.
	var sawETA, sawPlayers bool
	for !sawETA || !sawPlayers {
		screen := capture()
		for line := range strings.Lines(screen) {
			if barLine.MatchString(line) {
				sawETA = sawETA || strings.Contains(line, " eta ")
				sawPlayers = sawPlayers || regexp.MustCompile(`^blocked_in_chat +\[[#.]+\]  \d+/\d+ players, `).MatchString(line)
			}
		}
		if strings.Contains(screen, "check-exit=") {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the check did not finish in %s:\n%s", tmuxTimeout, screen)
		case <-time.After(50 * time.Millisecond):
		}
	}
	if !sawETA || !sawPlayers {
		t.Errorf("while the check ran, no bar showed an estimate (%v) or blocked_in_chat's players of their total (%v)", sawETA, sawPlayers)
	}

	if out, err := tmuxCmd("wait-for", "finished"); err != nil {
		t.Fatalf("tmux wait-for: %v\n%s\n%s", err, out, capture())
	}
	all := capture()
	for _, want := range []string{"check-exit=1", "policies-exit=0", "5 checks: 1 passed, 4 failed", "gamepot.linkings.provider_allowed"} {
		if !strings.Contains(all, want) {
			t.Errorf("the pane does not show %q:\n%s", want, all)
		}
	}
	var bars []string
	for n, line := range strings.Split(all, "\n") {
		line = strings.TrimRight(line, " ")
		if w := cells.Width(line); w > 80 {
			t.Errorf("line %d is %d columns wide:\n%s", n+1, w, line)
		}
		if barLine.MatchString(line) {
			bars = append(bars, line)
		}
	}
	if len(bars) != len(quickstartCohorts) {
		t.Fatalf("the scrollback holds %d bars, want one per cohort (%d):\n%s", len(bars), len(quickstartCohorts), strings.Join(bars, "\n"))
	}
	for i, name := range quickstartCohorts {
		found := 0
		for _, b := range bars {
			if strings.HasPrefix(b, name+" ") {
				found++
				if !fullBar.MatchString(b) {
					t.Errorf("cohort %s ended with a bar that is not full: %s", name, b)
				}
			}
		}
		if found != 1 {
			t.Errorf("cohort %d %s has %d bars in the scrollback, want 1:\n%s", i, name, found, strings.Join(bars, "\n"))
		}
	}
}
