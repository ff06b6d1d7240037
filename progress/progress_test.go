package progress

import (
	"bytes"
	"errors"
	"testing"
	"testing/synctest"
	"time"

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

func TestPlain(t *testing.T) {
	synctest.Test(t, testPlain)
}

func testPlain(t *testing.T) {
	var b bytes.Buffer
	tick := make(ticker)
	d := New(&b, Plain, tick)
	d.Update(fetch.Progress{Cohort: "blocks", Records: 200, Requests: 2, Total: 500})
	d.Update(fetch.Progress{Cohort: "links", Records: 1, Requests: 1, Retries: 1, Total: -1})
	tick.step()
	tick.step() // nothing changed: nothing printed
	d.Update(fetch.Progress{Cohort: "links", Records: 1, Requests: 3, Retries: 2, Total: -1, Done: true, Err: errors.New("boom")})
	d.Update(fetch.Progress{Cohort: "blocks", Records: 500, Requests: 6, Total: 500, Done: true})
	d.Close()
	want := "gpaudit: fetching blocks: 200/500 records, 2 requests, 0 retries\n" +
		"gpaudit: fetching links: 1 record, 1 request, 1 retry\n" +
		"gpaudit: done blocks: 500 records, 6 requests, 0 retries\n" +
		"gpaudit: failed links: 1 record, 3 requests, 2 retries\n"
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
	d := New(&b, Bars, tick)
	d.Update(fetch.Progress{Cohort: "blocks", Records: 250, Requests: 3, Total: 1000})
	tick.step()
	d.Update(fetch.Progress{Cohort: "blocks", Records: 1000, Requests: 11, Total: 1000, Done: true})
	d.Close()
	want := "\x1b[2Kblocks  [######..................]  250/1000 records  3 requests  0 retries\n" +
		"\x1b[1A\x1b[2Kblocks  [########################]  1000 records  11 requests  0 retries\n"
	if got := b.String(); got != want {
		t.Errorf("bars output:\n%q\nwant:\n%q", got, want)
	}
}

func TestNone(t *testing.T) {
	var b bytes.Buffer
	d := New(&b, None, nil)
	d.Update(fetch.Progress{Cohort: "blocks", Records: 1, Requests: 1})
	d.Close()
	if b.Len() != 0 {
		t.Errorf("none wrote %q", b.String())
	}
}
