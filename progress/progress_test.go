package progress

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gpaudit/gpaudit/cells"
	"github.com/gpaudit/gpaudit/fetch"
)

// ticker feeds a Display its ticks and returns once the tick is drawn: the
// display's goroutine, started inside the synctest bubble, is blocked waiting
// for the next one. Without the wait, the next Update could land before the
// draw it should follow.
type ticker chan time.Time

func (tick ticker) step() {
	tick <- time.Time{}
	synctest.Wait()
}

// Inside a synctest bubble time.Now is the bubble's fake clock, which
// time.Sleep moves on: elapsed times and estimates are exact.

func TestPlain(t *testing.T) {
	synctest.Test(t, testPlain)
}

func testPlain(t *testing.T) {
	var b bytes.Buffer
	tick := make(ticker)
	d := New(&b, Options{Mode: Plain, Now: time.Now}, tick)
	d.Update(fetch.Progress{Cohort: "blocks", Total: 500})
	d.Update(fetch.Progress{Cohort: "links", Total: -1})
	time.Sleep(2 * time.Second)
	d.Update(fetch.Progress{Cohort: "blocks", Records: 200, Requests: 2, Total: 500})
	d.Update(fetch.Progress{Cohort: "links", Records: 1, Requests: 1, Retries: 1, Total: -1})
	tick.step()
	tick.step() // nothing changed: nothing printed
	time.Sleep(time.Second)
	d.Update(fetch.Progress{Cohort: "links", Records: 1, Requests: 3, Retries: 2, Total: -1, Done: true, Err: errors.New("boom")})
	d.Update(fetch.Progress{Cohort: "blocks", Records: 500, Requests: 6, Total: 500, Done: true})
	d.Update(fetch.Progress{Cohort: "players", PerPlayer: true, Total: 21, LookedUp: 12, Records: 9, Requests: 12})
	d.Close()
	want := "gpaudit: fetching blocks: 200/500 records, 2 requests, 0 retries, 2s, eta 3s\n" +
		"gpaudit: fetching links: 1 record, 1 request, 1 retry, 2s\n" +
		"gpaudit: done blocks: 500 records, 6 requests, 0 retries, 3s\n" +
		"gpaudit: failed links: 1 record, 3 requests, 2 retries, 3s\n" +
		"gpaudit: fetching players: 12/21 players, 9 records, 12 requests, 0 retries, 0s\n"
	if got := b.String(); got != want {
		t.Errorf("plain output:\n%s\nwant:\n%s", got, want)
	}
}

func TestBars(t *testing.T) {
	synctest.Test(t, testBars)
}

func testBars(t *testing.T) {
	var b bytes.Buffer
	tick := make(ticker)
	d := New(&b, Options{Mode: Bars, Width: 100, Height: 24, Now: time.Now}, tick)
	d.Update(fetch.Progress{Cohort: "blocks", Total: -1})
	d.Update(fetch.Progress{Cohort: "players", Total: -1})
	time.Sleep(2 * time.Second)
	d.Update(fetch.Progress{Cohort: "blocks", Records: 250, Requests: 3, Total: 1000})
	d.Update(fetch.Progress{Cohort: "players", PerPlayer: true, Total: 20, LookedUp: 5, Records: 4, Requests: 5})
	tick.step()
	time.Sleep(time.Second)
	d.Update(fetch.Progress{Cohort: "blocks", Records: 1000, Requests: 11, Total: 1000, Done: true})
	tick.step()
	tick.step() // nothing new but the clock
	d.Update(fetch.Progress{Cohort: "players", PerPlayer: true, Total: 20, LookedUp: 20, Records: 16, Requests: 20, Done: true})
	d.Close()
	want := "\r" +
		"\x1b[2Kblocks   [######..................]  250/1000 records  2s  eta 6s  3 requests  0 retries\n" +
		"\x1b[2Kplayers  [######..................]  5/20 players, 4 records  2s  eta 6s  5 requests  0 retries\n" +
		// blocks ends: its final line stays, players is redrawn under it.
		"\x1b[2A\r" +
		"\x1b[2Kblocks   [########################]  1000 records  3s  11 requests  0 retries\n" +
		"\x1b[2Kplayers  [######..................]  5/20 players, 4 records  3s  eta 9s  5 requests  0 retries\n" +
		"\x1b[1A\r" +
		"\x1b[2Kplayers  [######..................]  5/20 players, 4 records  3s  eta 9s  5 requests  0 retries\n" +
		"\x1b[1A\r" +
		"\x1b[2Kplayers  [########################]  16 records of 20 players  3s  20 requests  0 retries\n"
	if got := b.String(); got != want {
		t.Errorf("bars output:\n%q\nwant:\n%q", got, want)
	}
}

// TestBarsInterrupted: a cohort that ended early is drawn as far as it
// got, with why; a cohort still running when the display closes keeps its
// line too, not a full bar.
func TestBarsInterrupted(t *testing.T) {
	var b bytes.Buffer
	d := New(&b, Options{Mode: Bars, Width: 100}, nil)
	d.Update(fetch.Progress{Cohort: "stopped", Records: 250, Requests: 3, Total: 1000, Done: true,
		Err: fmt.Errorf("fetch memberblock: %w", context.Canceled)})
	d.Update(fetch.Progress{Cohort: "late", Records: 500, Requests: 3, Total: 1000, Done: true,
		Err: fmt.Errorf("fetch memberblock: %w", context.DeadlineExceeded)})
	d.Update(fetch.Progress{Cohort: "broken", Records: 0, Requests: 4, Retries: 3, Total: 1000, Done: true, Err: errors.New("HTTP 503")})
	d.Update(fetch.Progress{Cohort: "open", PerPlayer: true, Total: 10, LookedUp: 3, Records: 2, Requests: 3})
	d.Close()
	want := "\r" +
		"\x1b[2Kstopped  [######..................]  250/1000 records  stopped  3 requests  0 retries\n" +
		"\x1b[2Klate     [############............]  500/1000 records  timed out  3 requests  0 retries\n" +
		"\x1b[2Kbroken   [........................]  0/1000 records  failed  4 requests  3 retries\n" +
		"\x1b[2Kopen     [#######.................]  3/10 players, 2 records  3 requests  0 retries\n"
	if got := b.String(); got != want {
		t.Errorf("bars output:\n%q\nwant:\n%q", got, want)
	}
}

// TestBarsFitWidth holds every line to the terminal's width less its last
// cell, for long names, big counts and estimates, at many widths.
func TestBarsFitWidth(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for width := 20; width <= 140; width++ {
			var b bytes.Buffer
			tick := make(ticker)
			d := New(&b, Options{Mode: Bars, Width: width, Height: 24, Now: time.Now}, tick)
			d.Update(fetch.Progress{Cohort: "active_manual_blocks_of_the_whole_project", Total: -1})
			d.Update(fetch.Progress{Cohort: "blocked_in_chat", Total: -1})
			d.Update(fetch.Progress{Cohort: "닉네임_cohort", Total: -1})
			time.Sleep(95 * time.Minute)
			d.Update(fetch.Progress{Cohort: "active_manual_blocks_of_the_whole_project", Records: 123456, Requests: 1235, Retries: 17, Total: 9876543})
			d.Update(fetch.Progress{Cohort: "blocked_in_chat", PerPlayer: true, Total: 20000, LookedUp: 1234, Records: 1000, Requests: 1300, Retries: 66})
			d.Update(fetch.Progress{Cohort: "닉네임_cohort", Records: 5, Requests: 1, Total: 10})
			tick.step()
			d.Update(fetch.Progress{Cohort: "닉네임_cohort", Records: 10, Requests: 2, Total: 10, Done: true})
			d.Close()
			for _, line := range screenLines(b.String()) {
				if w := cells.Width(line); w >= width {
					t.Fatalf("width %d: a line of %d cells:\n%s", width, w, line)
				}
			}
		}
	})
}

// TestBarsScrollback replays the output on a model terminal, as tmux
// would show it: however many redraws, the screen and its scrollback end
// with one line per cohort, also with more cohorts than the screen has
// lines.
func TestBarsScrollback(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const height = 8
		var b bytes.Buffer
		tick := make(ticker)
		d := New(&b, Options{Mode: Bars, Width: 80, Height: height, Now: time.Now}, tick)
		const cohorts = 12
		for step := 0; step <= 10; step++ {
			for i := range cohorts {
				// Cohort i ends at step i-ish; the first ones run longest.
				done := step >= 10-i%10
				d.Update(fetch.Progress{Cohort: fmt.Sprintf("cohort%02d", i), Records: step * 10, Requests: step, Total: 100, Done: done})
			}
			for range 5 {
				time.Sleep(100 * time.Millisecond)
				tick.step()
			}
			if drawn := strings.Count(screen(t, b.String(), height), "\n"); drawn > height {
				t.Fatalf("step %d: %d lines on a screen of %d", step, drawn, height)
			}
		}
		d.Close()
		all := scrollback(t, b.String(), height)
		var lines []string
		for _, l := range all {
			if l != "" {
				lines = append(lines, l)
			}
		}
		if len(lines) != cohorts {
			t.Fatalf("the terminal holds %d lines, want one per cohort (%d):\n%s", len(lines), cohorts, strings.Join(all, "\n"))
		}
		for i, l := range lines {
			if !strings.Contains(l, "[########################]") {
				t.Errorf("line %d is not a finished bar: %s", i, l)
			}
		}
	})
}

// escape matches the control sequences the display writes.
var escape = regexp.MustCompile(`\x1b\[[0-9]*[AK]|\r`)

// screenLines are the lines written, control sequences left out.
func screenLines(out string) []string {
	return strings.Split(strings.TrimSuffix(escape.ReplaceAllString(out, ""), "\n"), "\n")
}

// scrollback plays out on a terminal of height lines, with an unlimited
// scrollback above it, and returns every line, the scrollback's first.
// The cursor cannot move above the screen's top line. Erasing the screen
// (ED) is refused: from the top it would save the screen into the
// scrollback in tmux (scroll-on-clear), a copy per redraw.
func scrollback(t *testing.T, out string, height int) []string {
	t.Helper()
	lines := []string{""}
	row := 0 // the cursor's line, in lines
	for len(out) > 0 {
		switch {
		case strings.HasPrefix(out, "\x1b["):
			end := strings.IndexAny(out, "AJK")
			if end < 0 {
				t.Fatalf("unknown sequence at %q", out)
			}
			switch out[end] {
			case 'A':
				n, err := strconv.Atoi(out[2:end])
				if err != nil {
					t.Fatalf("bad cursor-up %q", out[:end+1])
				}
				top := max(0, len(lines)-height) // the screen's first line
				row = max(top, row-n)
			case 'K':
				lines[row] = ""
			case 'J':
				t.Fatalf("the display erases the screen (%q): tmux would keep a copy", out[:end+1])
			}
			out = out[end+1:]
		case out[0] == '\r':
			out = out[1:]
		case out[0] == '\n':
			row++
			if row == len(lines) {
				lines = append(lines, "")
			}
			out = out[1:]
		default:
			end := strings.IndexAny(out, "\x1b\r\n")
			if end < 0 {
				end = len(out)
			}
			lines[row] += out[:end]
			out = out[end:]
		}
	}
	return lines
}

// screen is what scrollback shows on the screen.
func screen(t *testing.T, out string, height int) string {
	lines := scrollback(t, out, height)
	return strings.Join(lines[max(0, len(lines)-height):], "\n")
}

func TestNone(t *testing.T) {
	var b bytes.Buffer
	d := New(&b, Options{Mode: None}, nil)
	d.Update(fetch.Progress{Cohort: "blocks", Records: 1, Requests: 1})
	d.Close()
	if b.Len() != 0 {
		t.Errorf("none wrote %q", b.String())
	}
}

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", 1499 * time.Millisecond: "1s", 59 * time.Second: "59s", 65 * time.Second: "1m05s",
		time.Hour + 2*time.Minute + 30*time.Second: "1h02m",
	} {
		if got := duration(d); got != want {
			t.Errorf("duration(%s) = %q, want %q", d, got, want)
		}
	}
}
