package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/gpaudit/gpaudit/cells"
	"github.com/gpaudit/gpaudit/progress"
)

// widest is the width of the widest line of text, and that line.
func widest(text string) (int, string) {
	w, line := 0, ""
	for l := range strings.Lines(text) {
		l = strings.TrimRight(l, "\n")
		if n := cells.Width(l); n > w {
			w, line = n, l
		}
	}
	return w, line
}

// TestColumns: the text report and the policy list fit COLUMNS when
// stdout is no terminal, and keep every value whole without it.
func TestColumns(t *testing.T) {
	check := []string{"check", "--snapshot", "examples/quickstart/snapshot", "--as-of", "2026-11-22T00:00:00Z", "examples/quickstart"}
	for _, tt := range []struct {
		args []string
		// wide: the widest line without COLUMNS is wider than 80.
		wide bool
	}{
		{check, true},
		{append([]string{check[0], "--verbose"}, check[1:]...), true},
		{[]string{"policies"}, true},
		{[]string{"policies", "examples/quickstart"}, true},
	} {
		name := strings.Join(tt.args, " ")
		_, whole, _ := runCLIEnv(t, []string{}, tt.args...)
		if w, _ := widest(whole); tt.wide && w <= 80 {
			t.Errorf("%s: without COLUMNS the widest line is %d columns; values should stay whole", name, w)
		}
		for _, cols := range []int{80, 60} {
			_, out, stderr := runCLIEnv(t, []string{"COLUMNS=" + strconv.Itoa(cols)}, tt.args...)
			if out == "" {
				t.Fatalf("%s: COLUMNS=%d: no output; stderr:\n%s", name, cols, stderr)
			}
			if w, line := widest(out); w > cols {
				t.Errorf("%s: COLUMNS=%d: a line of %d columns:\n%s", name, cols, w, line)
			}
		}
	}
	// A per-player finding about the player's own record names them once,
	// on one line or, at 80 columns, above its message.
	const player = "0c9c8987-fc6f-44a9-abee-63e75b7f9c1b"
	for environ, want := range map[string]string{
		"":           "\n       " + player + "  player is online in chat during 1 active block(s)\n",
		"COLUMNS=80": "\n       " + player + "\n         player is online in chat during 1 active block(s)\n",
	} {
		_, out, _ := runCLIEnv(t, strings.Fields(environ), check...)
		if !strings.Contains(out, want) {
			t.Errorf("%s: blocked_players_offline does not name its player once:\n%s", environ, out)
		}
	}
}

// TestProgressMode: bars only on a terminal that can move its cursor.
func TestProgressMode(t *testing.T) {
	for _, tt := range []struct {
		flag    string
		tty     bool
		environ []string
		want    string
	}{
		{"auto", true, []string{"TERM=xterm-256color"}, progress.Bars},
		{"auto", true, nil, progress.Bars},
		{"auto", true, []string{"TERM=dumb"}, progress.Plain},
		{"auto", false, []string{"TERM=xterm"}, progress.Plain},
		{"plain", true, nil, progress.Plain},
		{"none", true, nil, progress.None},
	} {
		e := &env{stderrTTY: tt.tty, environ: tt.environ}
		if got := progressMode(tt.flag, e); got != tt.want {
			t.Errorf("--progress %s, terminal %v, %v: %s, want %s", tt.flag, tt.tty, tt.environ, got, tt.want)
		}
	}
}
