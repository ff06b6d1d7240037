package fetch

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	const date = "Sun, 22 Nov 2026 00:00:00 GMT"
	tests := []struct {
		value, date string
		want        time.Duration
	}{
		{"", date, 0},
		{"3", date, 3 * time.Second},
		{"0.5", date, 500 * time.Millisecond},
		{"0", date, 0},
		{"-4", date, 0},
		{"3600", date, maxRetryAfter},
		{"Sun, 22 Nov 2026 00:00:07 GMT", date, 7 * time.Second},
		{"Sun, 22 Nov 2026 01:00:00 GMT", date, maxRetryAfter},
		{"Sat, 21 Nov 2026 23:59:00 GMT", date, 0},
		{"Sun, 22 Nov 2026 00:00:07 GMT", "", 0}, // no Date to measure from
		{"soon", date, 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.value, tt.date); got != tt.want {
			t.Errorf("parseRetryAfter(%q, %q) = %v, want %v", tt.value, tt.date, got, tt.want)
		}
	}
}

// TestBackoff checks the bounds of each wait: full jitter under a window
// that doubles per attempt up to maxBackoff, and never less than the
// server's Retry-After.
func TestBackoff(t *testing.T) {
	c := &Client{opts: ClientOptions{Backoff: 100 * time.Millisecond}, rand: rand.New(rand.NewPCG(1, 2))}
	tests := []struct {
		attempt    int
		retryAfter time.Duration
		lo, hi     time.Duration // lo <= wait < hi
	}{
		{1, 0, 0, 100 * time.Millisecond},
		{2, 0, 0, 200 * time.Millisecond},
		{4, 0, 0, 800 * time.Millisecond},
		{20, 0, 0, maxBackoff},
		{1, 2 * time.Second, 2 * time.Second, 2*time.Second + 100*time.Millisecond},
		{5, maxRetryAfter, maxRetryAfter, maxRetryAfter + 100*time.Millisecond},
	}
	for _, tt := range tests {
		var spread bool
		first := c.backoff(tt.attempt, tt.retryAfter)
		for range 200 {
			d := c.backoff(tt.attempt, tt.retryAfter)
			if d < tt.lo || d >= tt.hi {
				t.Fatalf("backoff(%d, %v) = %v, want in [%v, %v)", tt.attempt, tt.retryAfter, d, tt.lo, tt.hi)
			}
			spread = spread || d != first
		}
		if !spread {
			t.Errorf("backoff(%d, %v) is always %v: no jitter", tt.attempt, tt.retryAfter, first)
		}
	}
}
