// Package progress shows how fetching goes, on stderr: bars redrawn in
// place on a terminal, a plain line per cohort every few seconds otherwise.
// It never writes to the report's stream.
//
// On a terminal, a cohort's bar is redrawn until the cohort ends; then its
// final line is written once above the running bars and left there. The
// scrollback keeps one line per cohort, however long the run: every bar
// fits in one screen line (it is cut to the terminal's width), so moving
// up by the lines drawn always lands on the first bar.
package progress

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/gpaudit/gpaudit/cells"
	"github.com/gpaudit/gpaudit/english"
	"github.com/gpaudit/gpaudit/fetch"
)

// Modes of display.
const (
	Bars  = "bars"  // redrawn bars, for a terminal
	Plain = "plain" // a line per cohort at each tick, for logs and TERM=dumb
	None  = "none"
)

// Default size of a terminal whose size is not known.
const (
	DefaultWidth  = 80
	DefaultHeight = 24
)

// Options set up a Display.
type Options struct {
	Mode string
	// Width and Height are the terminal's, in cells and lines, for Bars;
	// 0 means DefaultWidth and DefaultHeight.
	Width, Height int
	// Now is the clock that elapsed times and estimates are read from; nil
	// shows none.
	Now func() time.Time
}

// Display collects fetch.Progress updates and draws them at each tick.
type Display struct {
	w    io.Writer
	opts Options

	mu      sync.Mutex
	order   []string
	state   map[string]*cohort
	drawn   int             // bar lines on screen, under the cursor's line
	dirty   map[string]bool // cohorts updated since the last plain lines
	settled int             // cohorts whose final line was written (Bars)

	stop chan struct{}
	done chan struct{}
}

// cohort is what the display knows of one cohort.
type cohort struct {
	p          fetch.Progress
	start, end time.Time // first update; Done (zero until then)
	settled    bool      // final line written (Bars)
}

// New starts a display on w that redraws at every value of tick (nil for
// none: only Close draws). Close must be called.
func New(w io.Writer, opts Options, tick <-chan time.Time) *Display {
	if opts.Width <= 0 {
		opts.Width = DefaultWidth
	}
	if opts.Height <= 0 {
		opts.Height = DefaultHeight
	}
	d := &Display{w: w, opts: opts, state: map[string]*cohort{}, dirty: map[string]bool{},
		stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(d.done)
		for {
			select {
			case <-d.stop:
				return
			case <-tick:
				d.draw(false)
			}
		}
	}()
	return d
}

// Update records a cohort's running totals; safe for concurrent use.
func (d *Display) Update(p fetch.Progress) {
	if d == nil || d.opts.Mode == None {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	c, ok := d.state[p.Cohort]
	if !ok {
		c = &cohort{start: now}
		d.state[p.Cohort] = c
		d.order = append(d.order, p.Cohort)
	}
	c.p = p
	if p.Done && c.end.IsZero() {
		c.end = now
	}
	d.dirty[p.Cohort] = true
}

// Close stops the ticks and draws the final state once: on a terminal,
// every cohort's line stays, as far as it got.
func (d *Display) Close() {
	if d == nil {
		return
	}
	close(d.stop)
	<-d.done
	d.draw(true)
}

func (d *Display) now() time.Time {
	if d.opts.Now == nil {
		return time.Time{}
	}
	return d.opts.Now()
}

func (d *Display) draw(final bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch d.opts.Mode {
	case Bars:
		d.drawBars(final)
	case Plain:
		// A line for each cohort that moved since the last one, so a log
		// shows every cohort's start and end whatever the timing.
		for _, name := range d.order {
			if d.dirty[name] {
				fmt.Fprintln(d.w, d.line(d.state[name]))
			}
		}
		clear(d.dirty)
	}
}

// drawBars moves up to the first bar, writes the final lines of the
// cohorts that ended since, then the bars of those still running, as many
// as the screen holds. Each line is cleared as it is written over: erasing
// the screen from the first bar down (ED) would, when the bars start at the
// screen's top, have tmux (scroll-on-clear) and some terminals save the old
// screen into the scrollback, a copy per redraw.
func (d *Display) drawBars(final bool) {
	if d.drawn == 0 && d.settled == len(d.order) {
		return // nothing on screen, nothing new
	}
	var b strings.Builder
	if d.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", d.drawn)
	}
	b.WriteString("\r")
	nameW := 0
	for _, name := range d.order {
		nameW = max(nameW, cells.Width(name))
	}
	limit := d.opts.Width - 1 // the last cell left free: terminals differ on wrapping there
	nameW = min(nameW, max(8, limit/3))
	var lines []string
	var running []*cohort
	for _, name := range d.order {
		c := d.state[name]
		switch {
		case c.settled:
		case c.p.Done || final:
			lines = append(lines, d.bar(c, nameW, limit))
			c.settled = true
			d.settled++
		default:
			running = append(running, c)
		}
	}
	settled := len(lines)
	// The bars and the cursor's line must fit on the screen, or moving
	// up would stop at its top and leave copies in the scrollback.
	room := max(1, d.opts.Height-2)
	shown := running
	if len(running) > room {
		shown = running[:room-1]
	}
	for _, c := range shown {
		lines = append(lines, d.bar(c, nameW, limit))
	}
	if more := len(running) - len(shown); more > 0 {
		lines = append(lines, cells.Cut(fmt.Sprintf("… and %d more cohorts running", more), limit))
	}
	for _, line := range lines {
		b.WriteString("\x1b[2K" + line + "\n")
	}
	// Bars of the last draw below these lines are blanked; the cursor goes
	// back to the line after the new ones.
	if extra := d.drawn - len(lines); extra > 0 {
		b.WriteString(strings.Repeat("\x1b[2K\n", extra))
		fmt.Fprintf(&b, "\x1b[%dA", extra)
	}
	d.drawn = len(lines) - settled
	io.WriteString(d.w, b.String())
}

// line is the plain form: "gpaudit: fetching blocks: 1200/5000 records,
// 13 requests, 1 retry, 4s, eta 12s".
func (d *Display) line(c *cohort) string {
	p := c.p
	parts := []string{counts(p), english.Plural(p.Requests, "request"), english.Plural(p.Retries, "retry")}
	elapsed, left := d.times(c)
	if elapsed != "" {
		parts = append(parts, elapsed)
	}
	if left != "" {
		parts = append(parts, "eta "+left)
	}
	return fmt.Sprintf("gpaudit: %s %s: %s", state(p, "fetching"), p.Cohort, strings.Join(parts, ", "))
}

// bar is the terminal form, at most limit cells wide:
// "blocks  [#######.......]  1200/5000 records  4s  eta 12s  13 requests  1 retry".
// What does not fit is left out from the end: retries and requests first,
// then the bar narrows, then the line is cut.
func (d *Display) bar(c *cohort, nameW, limit int) string {
	p := c.p
	name := cells.Pad(cells.Cut(p.Cohort, nameW), nameW)
	head := counts(p)
	if s := state(p, ""); s != "" {
		head += "  " + s
	}
	elapsed, left := d.times(c)
	if elapsed != "" {
		head += "  " + elapsed
	}
	if left != "" {
		head += "  eta " + left
	}
	tails := []string{
		english.Plural(p.Requests, "request") + "  " + english.Plural(p.Retries, "retry"),
		english.Plural(p.Requests, "request"),
		"",
	}
	for _, cellsW := range []int{24, 16, 10} {
		for _, tail := range tails {
			line := name + "  " + meter(p, cellsW) + "  " + head
			if tail != "" {
				line += "  " + tail
			}
			if cells.Width(line) <= limit {
				return line
			}
		}
	}
	return cells.Cut(name+"  "+meter(p, 10)+"  "+head, limit)
}

// meter is the bar itself, full only for a cohort that was read whole.
func meter(p fetch.Progress, n int) string {
	fill := 0
	done, total := progressOf(p)
	switch {
	case p.Done && p.Err == nil:
		fill = n
	case total > 0:
		fill = min(n, done*n/total)
	}
	return "[" + strings.Repeat("#", fill) + strings.Repeat(".", n-fill) + "]"
}

// progressOf is how far a cohort is: records of the announced total, or
// players looked up of those to look up; total is -1 when unknown.
func progressOf(p fetch.Progress) (done, total int) {
	if p.PerPlayer {
		return p.LookedUp, p.Total
	}
	return p.Records, p.Total
}

// counts says how far a cohort got: "1200/5000 records", "12/21 players,
// 9 found" (per player), "1200 records" (done, or no total).
func counts(p fetch.Progress) string {
	if p.PerPlayer {
		found := english.Plural(p.Records, "record")
		if p.Done && p.Err == nil {
			return fmt.Sprintf("%s of %s", found, english.Plural(p.Total, "player"))
		}
		return fmt.Sprintf("%d/%d players, %s", p.LookedUp, p.Total, found)
	}
	if p.Total >= 0 && !(p.Done && p.Err == nil) {
		return fmt.Sprintf("%d/%d records", p.Records, p.Total)
	}
	return english.Plural(p.Records, "record")
}

// state names how a cohort ended: "done", "failed", "stopped" when the
// run was interrupted, "timed out"; running when it has not.
func state(p fetch.Progress, running string) string {
	switch {
	case !p.Done:
		return running
	case errors.Is(p.Err, context.DeadlineExceeded):
		return "timed out"
	case errors.Is(p.Err, context.Canceled):
		return "stopped"
	case p.Err != nil:
		return "failed"
	case running == "":
		return "" // on a bar, a full meter says it
	}
	return "done"
}

// times gives the elapsed time ("4s", or the time the cohort took) and,
// while it runs with a known total, the time left at the pace so far
// ("12s"; "" when it cannot be told).
func (d *Display) times(c *cohort) (elapsed, left string) {
	if d.opts.Now == nil {
		return "", ""
	}
	end := c.end
	if end.IsZero() {
		end = d.now()
	}
	took := end.Sub(c.start)
	if done, total := progressOf(c.p); !c.p.Done && took > 0 && done > 0 && total > done {
		left = duration(time.Duration(float64(took) * float64(total-done) / float64(done)))
	}
	return duration(took), left
}

// duration is "0s", "42s", "3m05s", "1h02m".
func duration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}
