// Package progress shows how fetching goes, on stderr: a bar per cohort on a
// terminal, a plain line per cohort every few seconds otherwise. It never
// writes to the report's stream.
package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/gpaudit/gpaudit/english"
	"github.com/gpaudit/gpaudit/fetch"
)

// Modes of display.
const (
	Bars  = "bars"  // redrawn bars, for a terminal
	Plain = "plain" // a line per cohort at each tick, for logs
	None  = "none"
)

// Display collects fetch.Progress updates and draws them at each tick.
type Display struct {
	w    io.Writer
	mode string

	mu    sync.Mutex
	order []string
	state map[string]fetch.Progress
	drawn int             // lines drawn by the last bars redraw
	dirty map[string]bool // cohorts updated since the last plain lines

	stop chan struct{}
	done chan struct{}
}

// New starts a display of mode on w that redraws at every value of tick
// (nil for none: only Close draws). Close must be called.
func New(w io.Writer, mode string, tick <-chan time.Time) *Display {
	d := &Display{w: w, mode: mode, state: map[string]fetch.Progress{}, dirty: map[string]bool{}, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(d.done)
		for {
			select {
			case <-d.stop:
				return
			case <-tick:
				d.draw()
			}
		}
	}()
	return d
}

// Update records a cohort's running totals; safe for concurrent use.
func (d *Display) Update(p fetch.Progress) {
	if d == nil || d.mode == None {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.state[p.Cohort]; !ok {
		d.order = append(d.order, p.Cohort)
	}
	d.state[p.Cohort] = p
	d.dirty[p.Cohort] = true
}

// Close stops the ticks and draws the final state once.
func (d *Display) Close() {
	if d == nil {
		return
	}
	close(d.stop)
	<-d.done
	d.draw()
}

func (d *Display) draw() {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch d.mode {
	case Bars:
		var b strings.Builder
		if d.drawn > 0 {
			fmt.Fprintf(&b, "\x1b[%dA", d.drawn) // back to the first bar
		}
		for _, name := range d.order {
			fmt.Fprintf(&b, "\x1b[2K%s\n", bar(d.state[name], d.width()))
		}
		d.drawn = len(d.order)
		io.WriteString(d.w, b.String())
	case Plain:
		// A line for each cohort that moved since the last one, so a log
		// shows every cohort's start and end whatever the timing.
		for _, name := range d.order {
			if d.dirty[name] {
				fmt.Fprintln(d.w, line(d.state[name]))
			}
		}
		clear(d.dirty)
	}
}

func (d *Display) width() int {
	w := 0
	for _, n := range d.order {
		w = max(w, len(n))
	}
	return w
}

// line is the plain form: "fetch blocks: 1200/5000 records, 13 requests, 1 retry".
func line(p fetch.Progress) string {
	state := "fetching"
	switch {
	case p.Done && p.Err != nil:
		state = "failed"
	case p.Done:
		state = "done"
	}
	return fmt.Sprintf("gpaudit: %s %s: %s, %s, %s", state, p.Cohort, records(p), english.Plural(p.Requests, "request"), english.Plural(p.Retries, "retry"))
}

// bar is the terminal form: "blocks  [#######.......]  1200/5000 records  13 requests  1 retry".
func bar(p fetch.Progress, nameW int) string {
	const cells = 24
	fill := 0
	switch {
	case p.Done:
		fill = cells
	case p.Total > 0:
		fill = min(cells, p.Records*cells/p.Total)
	}
	status := ""
	if p.Done && p.Err != nil {
		status = "  failed"
	}
	return fmt.Sprintf("%-*s  [%s%s]  %s  %s  %s%s", nameW, p.Cohort,
		strings.Repeat("#", fill), strings.Repeat(".", cells-fill),
		records(p), english.Plural(p.Requests, "request"), english.Plural(p.Retries, "retry"), status)
}

func records(p fetch.Progress) string {
	if p.Total >= 0 && !p.Done {
		return fmt.Sprintf("%d/%d records", p.Records, p.Total)
	}
	return english.Plural(p.Records, "record")
}
