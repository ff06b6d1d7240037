package sandbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gpaudit/gpaudit/fetch/sandbox"
)

const gatewayBody = `{"error":{"errorCode":"420","message":"Rate limited"}}`

// TestFaultKinds scripts each kind on the second request to /v2/linkings
// and checks that answer, and that the requests around it are untouched.
func TestFaultKinds(t *testing.T) {
	tests := []struct {
		kind  sandbox.FaultKind
		check func(t *testing.T, a answer, err error, real string)
	}{
		{sandbox.Fault429, func(t *testing.T, a answer, err error, _ string) {
			wantAnswer(t, a, err, http.StatusTooManyRequests, "3", gatewayBody)
		}},
		{sandbox.FaultGatewayError, func(t *testing.T, a answer, err error, _ string) {
			wantAnswer(t, a, err, http.StatusTooManyRequests, "", gatewayBody)
		}},
		{sandbox.FaultHTML503, func(t *testing.T, a answer, err error, _ string) {
			wantAnswer(t, a, err, http.StatusServiceUnavailable, "3", "")
			if ct := a.header.Get("Content-Type"); ct != "text/html" {
				t.Errorf("Content-Type %q", ct)
			}
			if !strings.HasPrefix(a.body, "<html>") || !strings.Contains(a.body, "503 Service Temporarily Unavailable") {
				t.Errorf("body %q is not the 503 page", a.body)
			}
		}},
		{sandbox.FaultMalformedJSON, func(t *testing.T, a answer, err error, real string) {
			wantAnswer(t, a, err, http.StatusOK, "", "")
			if json.Valid([]byte(a.body)) || a.body == "" || !strings.HasPrefix(real, a.body) {
				t.Errorf("body %q is not the real answer cut short (%q)", a.body, real)
			}
		}},
		{sandbox.FaultReset, func(t *testing.T, a answer, err error, _ string) {
			if err == nil {
				t.Fatalf("got an answer %d %s, want a broken connection", a.status, a.body)
			}
		}},
		{sandbox.FaultHang, nil}, // TestFaultHang
	}
	for _, tt := range tests {
		if tt.check == nil {
			continue
		}
		t.Run(tt.kind.String(), func(t *testing.T) {
			s := startFixture(t, sandbox.Options{Faults: []sandbox.Fault{
				{PathPrefix: "/v2/linkings", After: 1, Times: 1, Kind: tt.kind, RetryAfter: 2500 * time.Millisecond},
			}})
			q, h := listQuery("{}", `{"id":"1"}`, `{"per_page":3}`), gamepotHeaders("gamepot.main")
			first := get(t, s.URL(), "/v2/linkings", q, h)
			other := get(t, s.URL(), "/v2/memberblock", q, h) // another path: not counted, not faulted
			faulted, err := getCtx(context.Background(), freshConns, s.URL(), "/v2/linkings", q, h)
			tt.check(t, faulted, err, first.body)
			third := get(t, s.URL(), "/v2/linkings", q, h)
			if first.status != 200 || other.status != 200 || third.status != 200 || third.body != first.body {
				t.Errorf("requests around the fault: %d, %d, %d (bodies equal: %v)",
					first.status, other.status, third.status, third.body == first.body)
			}
			st := s.Stats()
			if st.Requests != 4 || st.Faulted != 1 || st.ByPath["/v2/linkings"] != 3 {
				t.Errorf("Stats() = %+v, want 4 requests, 1 faulted, 3 to /v2/linkings", st)
			}
		})
	}
}

func wantAnswer(t *testing.T, a answer, err error, status int, retryAfter, body string) {
	t.Helper()
	if err != nil {
		t.Fatalf("request failed: %v", err)
	}
	if a.status != status || a.header.Get("Retry-After") != retryAfter || (body != "" && a.body != body) {
		t.Errorf("got %d, Retry-After %q, %s\nwant %d, Retry-After %q, %s",
			a.status, a.header.Get("Retry-After"), a.body, status, retryAfter, body)
	}
}

func TestFaultSchedule(t *testing.T) {
	tests := []struct {
		name   string
		faults []sandbox.Fault
		paths  []string
		want   []int
	}{
		{
			name:   "forever after two",
			faults: []sandbox.Fault{{PathPrefix: "/v2/", After: 2, Kind: sandbox.FaultGatewayError}},
			paths:  []string{"/v2/linkings", "/v2/memberblock", "/v2/linkings", "/v1/api/members", "/v2/memberblock"},
			want:   []int{200, 200, 429, 200, 429},
		},
		{
			name:   "times",
			faults: []sandbox.Fault{{Kind: sandbox.FaultHTML503, Times: 2}},
			paths:  []string{"/v2/linkings", "/v1/api/members", "/v2/linkings", "/nope"},
			want:   []int{503, 503, 200, 404},
		},
		{
			name: "first due fault answers, the others still count",
			faults: []sandbox.Fault{
				{PathPrefix: "/v2/", Times: 1, Kind: sandbox.Fault429},
				{PathPrefix: "/v2/linkings", After: 1, Times: 1, Kind: sandbox.FaultHTML503},
			},
			paths: []string{"/v2/linkings", "/v2/linkings", "/v2/linkings"},
			want:  []int{429, 503, 200},
		},
		{
			name: "a fault not yet due lets a later one answer",
			faults: []sandbox.Fault{
				{PathPrefix: "/v2/linkings", After: 1, Times: 1, Kind: sandbox.Fault429},
				{PathPrefix: "/v2/linkings", Times: 1, Kind: sandbox.FaultHTML503},
			},
			paths: []string{"/v2/linkings", "/v2/linkings", "/v2/linkings"},
			want:  []int{503, 429, 200},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startFixture(t, sandbox.Options{Faults: tt.faults})
			var got []int
			for _, p := range tt.paths {
				h := gamepotHeaders("gamepot.main")
				if p == "/v1/api/members" {
					h = chatHeaders("ncloud_chat.main")
				}
				got = append(got, get(t, s.URL(), p, listQuery("{}", "", ""), h).status)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("statuses %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFaultMalformedCount(t *testing.T) {
	// Half of a bare number is still a number: the fault must not answer valid JSON.
	s := startFixture(t, sandbox.Options{CountShape: "number", Faults: []sandbox.Fault{{Kind: sandbox.FaultMalformedJSON}}})
	a := get(t, s.URL(), "/v2/linkings", listQuery("{}", "", `{"count":true}`), gamepotHeaders("gamepot.main"))
	if a.status != http.StatusOK || json.Valid([]byte(a.body)) {
		t.Errorf("got %d %q, want 200 with invalid JSON", a.status, a.body)
	}
}

// startHung sends a request in the background and returns once the server
// has received it, with a function that waits for its outcome.
func startHung(t *testing.T, s *sandbox.Server, ctx context.Context) func() error {
	t.Helper()
	done := make(chan error, 1)
	before := s.Stats().Requests
	go func() {
		_, err := getCtx(ctx, freshConns, s.URL(), "/v2/linkings", listQuery("{}", "", ""), gamepotHeaders("gamepot.main"))
		done <- err
	}()
	for s.Stats().Requests == before {
		select {
		case err := <-done:
			t.Fatalf("the request ended before the server saw it: %v", err)
		case <-time.After(time.Millisecond):
		}
	}
	return func() error {
		// A watchdog, not a timing assertion: a server that ignores the
		// cancellation would otherwise hang the test run.
		select {
		case err := <-done:
			return err
		case <-time.After(time.Minute):
			t.Fatal("the request is still waiting a minute after it was given up")
			return nil
		}
	}
}

func TestFaultHang(t *testing.T) {
	t.Run("until the client gives up", func(t *testing.T) {
		s := startFixture(t, sandbox.Options{Faults: []sandbox.Fault{{Kind: sandbox.FaultHang, Times: 1}}})
		ctx, cancel := context.WithCancel(context.Background())
		wait := startHung(t, s, ctx)
		cancel()
		if err := wait(); !errors.Is(err, context.Canceled) {
			t.Errorf("request error %v, want context.Canceled", err)
		}
		if a := get(t, s.URL(), "/v2/linkings", listQuery("{}", "", ""), gamepotHeaders("gamepot.main")); a.status != 200 {
			t.Errorf("after the hang: status %d", a.status)
		}
	})
	t.Run("until the server closes", func(t *testing.T) {
		s := startFixture(t, sandbox.Options{Faults: []sandbox.Fault{{Kind: sandbox.FaultHang}}})
		wait := startHung(t, s, context.Background())
		s.Close()
		if err := wait(); err == nil {
			t.Error("the hung request got an answer")
		}
	})
}

func TestLatency(t *testing.T) {
	const latency = 30 * time.Millisecond
	s := startFixture(t, sandbox.Options{Latency: latency, Faults: []sandbox.Fault{{Kind: sandbox.Fault429, After: 1}}})
	for _, want := range []int{200, 429} { // faults wait too
		start := time.Now()
		a := get(t, s.URL(), "/v2/linkings", listQuery("{}", "", ""), gamepotHeaders("gamepot.main"))
		if elapsed := time.Since(start); elapsed < latency {
			t.Errorf("answered after %v, before the latency of %v", elapsed, latency)
		}
		if a.status != want {
			t.Errorf("status %d, want %d", a.status, want)
		}
	}
}

func TestLatencyCancelled(t *testing.T) {
	lines := make(chan string, 10)
	s := startFixture(t, sandbox.Options{
		Latency: time.Hour,
		Logf:    func(format string, args ...any) { lines <- fmt.Sprintf(format, args...) },
	})
	ctx, cancel := context.WithCancel(context.Background())
	wait := startHung(t, s, ctx)
	cancel()
	if err := wait(); !errors.Is(err, context.Canceled) {
		t.Errorf("request error %v, want context.Canceled", err)
	}
	// The handler must end too, not sit out the hour.
	want := "sandbox: GET /v2/linkings: dropped, the client went away during latency"
	if got := <-lines; got != want {
		t.Errorf("log %q, want %q", got, want)
	}
}

func TestFailRate(t *testing.T) {
	statuses := func(seed uint64, rate float64) []int {
		s := startFixture(t, sandbox.Options{FailRate: rate, Seed: seed})
		var got []int
		for range 32 {
			a := get(t, s.URL(), "/v2/linkings", listQuery("{}", "", ""), gamepotHeaders("gamepot.main"))
			if a.status == http.StatusServiceUnavailable && !strings.Contains(a.body, "503 Service Temporarily Unavailable") {
				t.Errorf("503 body %q", a.body)
			}
			got = append(got, a.status)
		}
		if st := s.Stats(); st.Faulted != count(got, 503) {
			t.Errorf("Stats().Faulted = %d, want %d", st.Faulted, count(got, 503))
		}
		return got
	}
	a, b, other := statuses(7, 0.5), statuses(7, 0.5), statuses(8, 0.5)
	if !slices.Equal(a, b) {
		t.Errorf("seed 7 twice gave different failures:\n%v\n%v", a, b)
	}
	if slices.Equal(a, other) {
		t.Errorf("seeds 7 and 8 gave the same failures: %v", a)
	}
	if n := count(a, 503); n == 0 || n == len(a) {
		t.Errorf("fail rate 0.5 failed %d of %d requests", n, len(a))
	}
	if n := count(statuses(7, 1), 503); n != 32 {
		t.Errorf("fail rate 1 failed %d of 32 requests", n)
	}
	if n := count(statuses(7, 0), 503); n != 0 {
		t.Errorf("fail rate 0 failed %d of 32 requests", n)
	}
}

func count(xs []int, x int) int {
	n := 0
	for _, v := range xs {
		if v == x {
			n++
		}
	}
	return n
}

func TestRateLimit(t *testing.T) {
	// One request per 1000 s: the second request cannot find a token.
	s := startFixture(t, sandbox.Options{RateLimit: 0.001})
	q, h := listQuery("{}", "", ""), gamepotHeaders("gamepot.main")
	if a := get(t, s.URL(), "/v2/linkings", q, h); a.status != http.StatusOK {
		t.Fatalf("first request: %d %s", a.status, a.body)
	}
	for _, path := range []string{"/v2/linkings", "/v1/api/members"} { // one limit over every endpoint
		a := get(t, s.URL(), path, q, h)
		if a.status != http.StatusTooManyRequests || a.body != gatewayBody {
			t.Errorf("%s: got %d %s, want 429 %s", path, a.status, a.body, gatewayBody)
		}
		if n, err := strconv.Atoi(a.header.Get("Retry-After")); err != nil || n < 1 || n > 1000 {
			t.Errorf("%s: Retry-After %q, want whole seconds from 1 to 1000", path, a.header.Get("Retry-After"))
		}
	}
	if st := s.Stats(); st.RateLimited != 2 || st.Requests != 3 || st.Faulted != 0 {
		t.Errorf("Stats() = %+v, want 3 requests, 2 rate limited", st)
	}
}

func TestRateLimitBurst(t *testing.T) {
	// The burst is the rate rounded up: 50 requests fit in a bucket of 1000.
	s := startFixture(t, sandbox.Options{RateLimit: 1000})
	for i := range 50 {
		if a := get(t, s.URL(), "/v2/linkings", listQuery("{}", "", ""), gamepotHeaders("gamepot.main")); a.status != 200 {
			t.Fatalf("request %d: %d %s", i, a.status, a.body)
		}
	}
}
