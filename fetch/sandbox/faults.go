package sandbox

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// FaultKind is how a scripted Fault answers.
type FaultKind int

// The fault kinds. Each imitates something the real APIs or the gateway in
// front of them do (API.md, "Errors").
const (
	// Fault429 answers HTTP 429 with Retry-After (Fault.RetryAfter rounded
	// up to whole seconds, at least 1) and the gateway's body
	// {"error":{"errorCode":"420","message":"Rate limited"}}.
	Fault429 FaultKind = iota + 1
	// FaultHTML503 answers HTTP 503 with an HTML page, as a load balancer
	// does; with Retry-After only when Fault.RetryAfter is set.
	FaultHTML503
	// FaultMalformedJSON answers HTTP 200 with the first half of the real
	// answer: JSON cut short.
	FaultMalformedJSON
	// FaultGatewayError answers HTTP 429 with the gateway's body
	// {"error":{"errorCode":"420","message":"Rate limited"}} and no
	// Retry-After: the client must choose its own back-off.
	FaultGatewayError
	// FaultReset closes the connection without an answer.
	FaultReset
	// FaultHang sends no answer until the client gives up (or the server
	// is closed).
	FaultHang
)

var faultNames = map[FaultKind]string{
	Fault429:           "429",
	FaultHTML503:       "html-503",
	FaultMalformedJSON: "malformed-json",
	FaultGatewayError:  "gateway-error",
	FaultReset:         "reset",
	FaultHang:          "hang",
}

// String names the kind, for logs and test names.
func (k FaultKind) String() string {
	if n, ok := faultNames[k]; ok {
		return n
	}
	return fmt.Sprintf("FaultKind(%d)", int(k))
}

// Fault is a scripted fault: the requests whose path starts with PathPrefix
// ("" matches every path) are let through After times, then the next Times
// of them (0: all of them) get the fault of Kind.
//
// Every fault counts every request matching its prefix, whether or not
// another fault answered it. When several faults are due for one request,
// the first in Options.Faults answers it. Scripted faults come before the
// rate limit and FailRate.
type Fault struct {
	PathPrefix string
	After      int
	Times      int
	Kind       FaultKind
	// RetryAfter is the Retry-After of Fault429 (default 1s) and FaultHTML503.
	RetryAfter time.Duration
}

func (f Fault) check() error {
	switch {
	case faultNames[f.Kind] == "":
		return fmt.Errorf("unknown fault kind %d", int(f.Kind))
	case f.After < 0:
		return fmt.Errorf("after is %d, want ≥ 0", f.After)
	case f.Times < 0:
		return fmt.Errorf("times is %d, want ≥ 0", f.Times)
	case f.RetryAfter < 0:
		return errors.New("retry after is negative")
	case f.PathPrefix != "" && !strings.HasPrefix(f.PathPrefix, "/"):
		return fmt.Errorf("path prefix %q does not start with /", f.PathPrefix)
	}
	return nil
}

// faultState decides which requests get a scripted fault or a FailRate 503.
type faultState struct {
	mu       sync.Mutex
	faults   []Fault
	seen     []int // requests matching each fault's prefix so far
	fired    []int // of those, answered by the fault
	failRate float64
	rng      *rand.Rand
}

func newFaultState(opts Options) faultState {
	return faultState{
		faults:   opts.Faults,
		seen:     make([]int, len(opts.Faults)),
		fired:    make([]int, len(opts.Faults)),
		failRate: opts.FailRate,
		// The second PCG word is fixed so that Seed alone decides the sequence.
		rng: rand.New(rand.NewPCG(opts.Seed, 0x9e3779b97f4a7c15)),
	}
}

// scripted returns the fault due for a request to path, if any.
func (fs *faultState) scripted(path string) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var due Fault
	found := false
	for i, f := range fs.faults {
		if !strings.HasPrefix(path, f.PathPrefix) {
			continue
		}
		n := fs.seen[i]
		fs.seen[i]++
		if found || n < f.After || (f.Times > 0 && fs.fired[i] >= f.Times) {
			continue
		}
		fs.fired[i]++
		due, found = f, true
	}
	return due, found
}

// fail reports whether FailRate fails this request. Each request draws one
// number, so the same seed and request sequence fail the same requests.
func (fs *faultState) fail() bool {
	if fs.failRate <= 0 {
		return false
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.rng.Float64() < fs.failRate
}

// limiter is the sandbox's rate limit over all endpoints: a token bucket
// whose burst is the rate rounded up.
type limiter struct{ *rate.Limiter }

func newLimiter(rps float64) limiter {
	return limiter{rate.NewLimiter(rate.Limit(rps), int(math.Max(1, math.Ceil(rps))))}
}

// take takes a token, or says how long until one is available without
// taking it: a refused request does not count against later ones.
func (l limiter) take() (ok bool, wait time.Duration) {
	r := l.Reserve()
	if d := r.Delay(); d > 0 {
		r.Cancel()
		return false, d
	}
	return true, 0
}

// retryAfterSeconds renders d as a Retry-After value: whole seconds, rounded
// up, at least 1.
func retryAfterSeconds(d time.Duration) string {
	secs := int64(math.Ceil(d.Seconds()))
	return fmt.Sprint(max(secs, 1))
}

// Stats counts the requests a Server has received.
type Stats struct {
	// Requests counts every request, whatever its answer.
	Requests int
	// Faulted counts the requests answered by a scripted Fault or by FailRate.
	Faulted int
	// RateLimited counts the requests answered 429 by RateLimit.
	RateLimited int
	// ByPath counts requests per endpoint, keyed by its path pattern:
	// "/v2/linkings", "/v2/memberblock",
	// "/v1/api/project/{projectId}/user/{userId}/block", "/v1/api/members",
	// "/v1/api/members/{userId}"; "other" for any other path.
	ByPath map[string]int
}

type statsState struct {
	mu    sync.Mutex
	stats Stats
	// byPath is kept apart from stats.ByPath so Stats can hand out copies.
	byPath map[string]int
}

func (st *statsState) request(endpoint string) {
	st.mu.Lock()
	st.stats.Requests++
	st.byPath[endpoint]++
	st.mu.Unlock()
}

func (st *statsState) add(faulted, rateLimited int) {
	st.mu.Lock()
	st.stats.Faulted += faulted
	st.stats.RateLimited += rateLimited
	st.mu.Unlock()
}

// Stats returns the counts so far; it may be called while requests are served.
func (s *Server) Stats() Stats {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	out := s.stats.stats
	out.ByPath = maps.Clone(s.stats.byPath)
	return out
}
