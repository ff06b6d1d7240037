package sandbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
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

// TestListFaults pages the fixture's lists, sorted by id, through each list
// fault: linkings are l1 to l5, their google ones l1, l3 and l4.
func TestListFaults(t *testing.T) {
	pageCap2 := sandbox.Options{PageCap: 2}
	offsetCap3 := sandbox.Options{OffsetCap: 3}
	swap := sandbox.Options{SwapDuplicate: true}
	tests := []struct {
		name          string
		opts          sandbox.Options
		path, project string
		filter        string // default {}
		option        string
		want          []string
	}{
		{name: "page cap below per_page", opts: pageCap2, option: `{"per_page":100}`, want: []string{"l1", "l2"}},
		{name: "page cap with no per_page", opts: pageCap2, want: []string{"l1", "l2"}},
		{name: "page cap above per_page", opts: pageCap2, option: `{"per_page":1}`, want: []string{"l1"}},
		{name: "page cap at an offset", opts: pageCap2, option: `{"offset":3,"per_page":100}`, want: []string{"l4", "l5"}},
		{name: "page cap on the last page", opts: pageCap2, option: `{"offset":4,"per_page":100}`, want: []string{"l5"}},
		{name: "page cap on a filtered list", opts: pageCap2, filter: `{"provider":"google"}`, option: `{"offset":1,"per_page":100}`, want: []string{"l3", "l4"}},
		{name: "page cap on memberblock", opts: sandbox.Options{PageCap: 1}, path: "/v2/memberblock", option: `{"offset":1}`, want: []string{"b2"}},
		{name: "page cap on chat members", opts: pageCap2, path: "/v1/api/members", project: "ncloud_chat.main", option: `{"per_page":3}`, want: []string{"a/b", "u1"}},

		{name: "offset cap: below it", opts: offsetCap3, option: `{"offset":2,"per_page":1}`, want: []string{"l3"}},
		{name: "offset cap: a page that starts below it is whole", opts: offsetCap3, option: `{"offset":1,"per_page":100}`, want: []string{"l2", "l3", "l4", "l5"}},
		{name: "offset cap: at it", opts: offsetCap3, option: `{"offset":3,"per_page":100}`, want: []string{}},
		{name: "offset cap: past it", opts: offsetCap3, option: `{"offset":4,"per_page":1}`, want: []string{}},
		{name: "offset cap on chat members", opts: offsetCap3, path: "/v1/api/members", project: "ncloud_chat.main", option: `{"offset":3}`, want: []string{}},
		{name: "offset cap beyond the data", opts: sandbox.Options{OffsetCap: 10}, option: `{"offset":4}`, want: []string{"l5"}},

		{name: "swap: the first page is whole", opts: swap, option: `{"per_page":2}`, want: []string{"l1", "l2"}},
		{name: "swap: a later page starts with the record before it", opts: swap, option: `{"offset":2,"per_page":2}`, want: []string{"l2", "l4"}},
		{name: "swap: the last page", opts: swap, option: `{"offset":4,"per_page":2}`, want: []string{"l4"}},
		{name: "swap: a page of one", opts: swap, option: `{"offset":1,"per_page":1}`, want: []string{"l1"}},
		{name: "swap: past the end", opts: swap, option: `{"offset":5,"per_page":2}`, want: []string{}},
		{name: "swap on a filtered list", opts: swap, filter: `{"provider":"google"}`, option: `{"offset":1,"per_page":2}`, want: []string{"l1", "l4"}},
		{name: "swap on memberblock", opts: swap, path: "/v2/memberblock", option: `{"offset":1}`, want: []string{"b1", "b3"}},
		{name: "swap on chat members", opts: swap, path: "/v1/api/members", project: "ncloud_chat.main", option: `{"offset":2}`, want: []string{"u1", "u3"}},

		{name: "all three", opts: sandbox.Options{PageCap: 2, OffsetCap: 4, SwapDuplicate: true}, option: `{"offset":3,"per_page":100}`, want: []string{"l3", "l5"}},
		{name: "all three past the offset cap", opts: sandbox.Options{PageCap: 2, OffsetCap: 4, SwapDuplicate: true}, option: `{"offset":4,"per_page":100}`, want: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startFixture(t, tt.opts)
			plain := startFixture(t, sandbox.Options{})
			path, project, filter := cmpOr(tt.path, "/v2/linkings"), cmpOr(tt.project, "gamepot.main"), cmpOr(tt.filter, "{}")
			header := gamepotHeaders(project)
			if strings.HasPrefix(path, "/v1/") {
				header = chatHeaders(project)
			}
			a := get(t, s.URL(), path, listQuery(filter, `{"id":"1"}`, tt.option), header)
			if a.status != http.StatusOK {
				t.Fatalf("status %d, body %s", a.status, a.body)
			}
			if got := ids(t, a.body); !slices.Equal(got, tt.want) {
				t.Errorf("ids %v, want %v", got, tt.want)
			}
			// The count is the whole list's, as without the fault.
			countQuery := listQuery(filter, `{"id":"1"}`, `{"count":true}`)
			got, want := get(t, s.URL(), path, countQuery, header), get(t, plain.URL(), path, countQuery, header)
			if got.status != http.StatusOK || got.body != want.body {
				t.Errorf("count: got %d %s, want %d %s", got.status, got.body, want.status, want.body)
			}
		})
	}
}

// TestWrongPlayer looks players up with the WrongPlayer fault on one of
// them: only that player's lookups answer about someone else.
func TestWrongPlayer(t *testing.T) {
	blockOf := func(t *testing.T, body string) string {
		t.Helper()
		var a struct {
			Status int
			Result *struct {
				ID       string `json:"id"`
				MemberID string `json:"member_id"`
			}
		}
		if err := json.Unmarshal([]byte(body), &a); err != nil || a.Status != 1 {
			t.Fatalf("not a v1 answer: %s", body)
		}
		if a.Result == nil {
			return "not blocked"
		}
		return a.Result.MemberID + " " + a.Result.ID
	}
	memberOf := func(t *testing.T, body string) string {
		t.Helper()
		if body == `{"message":"member not found"}` {
			return "not found"
		}
		return decodeRecord(t, body)["id"].(string)
	}
	tests := []struct {
		name, wrong, user string
		wantBlock         string // member_id and id of the v1 answer's block
		wantMember        string // id of the Chat member answered
	}{
		{name: "the wrong player gets the file's first player", wrong: "u2", user: "u2", wantBlock: "u1 ub1", wantMember: "u1"},
		{name: "the file's first player gets the next one", wrong: "u1", user: "u1", wantBlock: "u2 ub2", wantMember: "u2"},
		{name: "another player is answered as usual", wrong: "u2", user: "u3", wantBlock: "u3 ub3-active", wantMember: "u3"},
		{name: "a player with no record gets someone's", wrong: "nobody", user: "nobody", wantBlock: "u1 ub1", wantMember: "u1"},
		{name: "no fault", wrong: "", user: "u2", wantBlock: "u2 ub2", wantMember: "u2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startFixture(t, sandbox.Options{WrongPlayer: tt.wrong})
			block := get(t, s.URL(), "/v1/api/project/gamepot.main/user/"+tt.user+"/block", nil, v1Headers())
			if block.status != http.StatusOK {
				t.Fatalf("v1 block: status %d, body %s", block.status, block.body)
			}
			if got := blockOf(t, block.body); got != tt.wantBlock {
				t.Errorf("v1 block of %s: %s, want %s", tt.user, got, tt.wantBlock)
			}
			member := get(t, s.URL(), "/v1/api/members/"+url.PathEscape(tt.user), nil, chatHeaders("ncloud_chat.main"))
			if got := memberOf(t, member.body); got != tt.wantMember || member.status != http.StatusOK {
				t.Errorf("chat member %s: %d %s, want 200 %s", tt.user, member.status, got, tt.wantMember)
			}
			// Lists are not affected.
			list := get(t, s.URL(), "/v1/api/members", listQuery(`{"id":"`+tt.user+`"}`, "", ""), chatHeaders("ncloud_chat.main"))
			want := []string{}
			if tt.user != "nobody" {
				want = []string{tt.user}
			}
			if got := ids(t, list.body); !slices.Equal(got, want) {
				t.Errorf("chat members listed as %s: %v, want %v", tt.user, got, want)
			}
		})
	}

	// A player the snapshot never looked up is still refused, not answered
	// with someone else's record.
	s := startFixture(t, sandbox.Options{WrongPlayer: "stranger"})
	a := get(t, s.URL(), "/v1/api/project/gamepot.main/user/stranger/block", nil, v1Headers())
	if a.status != http.StatusBadRequest || !strings.Contains(a.body, "does not cover player") {
		t.Errorf("v1 block of a player not looked up: %d %s, want 400 not covered", a.status, a.body)
	}
}
