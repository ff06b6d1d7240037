package fetch_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/fetch"
	"github.com/gpaudit/gpaudit/fetch/sandbox"
)

// stripHeader is a transport that drops one header, to make the client's
// requests incomplete the way a misbehaving proxy would.
type stripHeader struct{ name string }

func (s stripHeader) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Del(s.name)
	return http.DefaultTransport.RoundTrip(r)
}

// TestClientFailures runs a list cohort of 250 linkings (three pages,
// one at a time) against the sandbox's faults.
func TestClientFailures(t *testing.T) {
	allLinkings := &config.Cohort{Name: "all", Source: "gamepot.main", Dataset: "linkings"}
	tests := []struct {
		name   string
		faults []sandbox.Fault
		opts   fetch.ClientOptions
		// setup changes the client or its sources before the fetch.
		source  func(*config.Source)
		setup   func(*fetch.Client)
		cohort  *config.Cohort
		users   []string
		wantErr []string // all in the error; none: success
		// wantAPI is the APIError code expected, "" for none.
		wantAPI string
		// wantRequests is the number of requests the sandbox saw; -1: not checked.
		wantRequests int
	}{
		{
			name:         "429 with Retry-After is retried",
			faults:       []sandbox.Fault{{PathPrefix: "/v2/linkings", After: 1, Times: 1, Kind: sandbox.Fault429, RetryAfter: time.Second}},
			wantRequests: 7,
		},
		{
			name:         "gateway rate limit without Retry-After is retried",
			faults:       []sandbox.Fault{{PathPrefix: "/v2/linkings", Times: 2, Kind: sandbox.FaultGatewayError}},
			wantRequests: 8,
		},
		{
			name:         "503 with an HTML body is retried",
			faults:       []sandbox.Fault{{PathPrefix: "/v2/linkings", After: 2, Times: 2, Kind: sandbox.FaultHTML503}},
			wantRequests: 8,
		},
		{
			name:   "503 that never recovers",
			faults: []sandbox.Fault{{Kind: sandbox.FaultHTML503}},
			opts:   fetch.ClientOptions{MaxRetries: 2},
			wantErr: []string{
				"GET /v2/linkings: HTTP 503 with a body that is not JSON: ",
				`503 Service Temporarily Unavailable`,
				"(gave up after 3 attempts)",
			},
			wantRequests: 3,
		},
		{
			name:         "truncated JSON page is retried",
			faults:       []sandbox.Fault{{PathPrefix: "/v2/linkings", After: 1, Times: 1, Kind: sandbox.FaultMalformedJSON}},
			wantRequests: 7,
		},
		{
			name:         "truncated JSON that never recovers",
			faults:       []sandbox.Fault{{PathPrefix: "/v2/linkings", After: 2, Kind: sandbox.FaultMalformedJSON}},
			opts:         fetch.ClientOptions{MaxRetries: 1},
			wantErr:      []string{"page at offset 99: GET /v2/linkings: truncated JSON (", "(gave up after 2 attempts)"},
			wantRequests: 4, // count, page 0, page 99 twice
		},
		{
			name:         "connection reset is retried",
			faults:       []sandbox.Fault{{PathPrefix: "/v2/linkings", After: 1, Times: 1, Kind: sandbox.FaultReset}},
			wantRequests: -1, // net/http may itself resend on a reused connection
		},
		{
			name:         "connection reset that never recovers",
			faults:       []sandbox.Fault{{PathPrefix: "/v2/linkings", Kind: sandbox.FaultReset}},
			opts:         fetch.ClientOptions{MaxRetries: 2},
			wantErr:      []string{"GET /v2/linkings: ", "(gave up after 3 attempts)"},
			wantRequests: -1,
		},
		{
			name:         "hang hits the request time-out and is retried",
			faults:       []sandbox.Fault{{PathPrefix: "/v2/linkings", After: 1, Times: 1, Kind: sandbox.FaultHang}},
			opts:         fetch.ClientOptions{RequestTimeout: 200 * time.Millisecond},
			wantRequests: 7,
		},
		{
			name:         "hang that never ends",
			faults:       []sandbox.Fault{{PathPrefix: "/v2/linkings", Kind: sandbox.FaultHang}},
			opts:         fetch.ClientOptions{RequestTimeout: 100 * time.Millisecond, MaxRetries: 1},
			wantErr:      []string{"GET /v2/linkings: no answer within 100ms (gave up after 2 attempts)"},
			wantRequests: 2,
		},
		{
			name:         "wrong key is not retried",
			source:       func(s *config.Source) { s.APIKey = "gpk-WRONG-0000" },
			wantErr:      []string{"GET /v2/linkings: status -1 (API key not registered or without permission)", "[HTTP 401]"},
			wantAPI:      "-1",
			wantRequests: 1,
		},
		{
			name:         "wrong project is not retried",
			source:       func(s *config.Source) { s.ProjectID = "gamepot.nope" },
			wantErr:      []string{"GET /v2/linkings: status -6 (project id does not exist)", `"projectId was wrong."`},
			wantAPI:      "-6",
			wantRequests: 1,
		},
		{
			name:         "wrong project on the v1 endpoint",
			source:       func(s *config.Source) { s.ProjectID = "gamepot.nope" },
			cohort:       &config.Cohort{Name: "b", Source: "gamepot.main", Dataset: "user_block"},
			users:        []string{"p00001"},
			wantErr:      []string{`player "p00001": GET /v1/api/project/{projectId}/user/{userId}/block: status -6`},
			wantAPI:      "-6",
			wantRequests: 1,
		},
		{
			name:         "missing header is not retried",
			opts:         fetch.ClientOptions{HTTPClient: &http.Client{Transport: stripHeader{"x-project-id"}}},
			wantErr:      []string{"status -9 (a required header is missing)"},
			wantAPI:      "-9",
			wantRequests: 1,
		},
		{
			name:         "per_page over 100 is rejected and not retried",
			setup:        func(c *fetch.Client) { fetch.SetPageSize(c, 101) },
			wantErr:      []string{"status -11 (bad request parameter)", "per_page"},
			wantAPI:      "-11",
			wantRequests: 2, // the count, then the first page
		},
		{
			name:         "answer over the size limit",
			opts:         fetch.ClientOptions{MaxBodyBytes: 4096},
			wantErr:      []string{"GET /v2/linkings: answer is larger than the size limit (4096 bytes)"},
			wantRequests: 2, // the count, then the first page
		},
		{
			name:         "player the sandbox's snapshot did not look up",
			cohort:       &config.Cohort{Name: "b", Source: "gamepot.main", Dataset: "user_block"},
			users:        []string{"p00001", "p00099"},
			wantErr:      []string{`player "p00099": GET /v1/api/project/{projectId}/user/{userId}/block: status -11`, "the sandbox snapshot does not cover player"},
			wantAPI:      "-11",
			wantRequests: 2,
		},
		{
			name:         "chat member unknown endpoint is no 'not found'",
			source:       func(s *config.Source) { s.Endpoint += "/wrong" },
			cohort:       &config.Cohort{Name: "c", Source: "ncloud_chat.main", Dataset: "chat_members"},
			users:        []string{"p00001"},
			wantErr:      []string{"GET /v1/api/members/{userId}: status -11", "[HTTP 404]"},
			wantAPI:      "-11",
			wantRequests: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startSandbox(t, nil, sandbox.Options{Faults: tt.faults})
			g, ch := gamepotSource(srv.URL()), chatSource(srv.URL())
			if tt.source != nil {
				tt.source(g)
				tt.source(ch)
			}
			opts := tt.opts
			opts.Concurrency = 1
			c := newClient(t, srv.URL(), opts, g, ch)
			if tt.setup != nil {
				tt.setup(c)
			}
			cohort := tt.cohort
			if cohort == nil {
				cohort = allLinkings
			}
			records, err := c.Cohort(context.Background(), cohort, tt.users)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				if len(records) != 250 {
					t.Errorf("%d records, want 250", len(records))
				}
			} else {
				if err == nil {
					t.Fatal("no error")
				}
				for _, want := range tt.wantErr {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not contain %q", err, want)
					}
				}
				if strings.Contains(err.Error(), "?") || strings.Contains(err.Error(), "filter=") {
					t.Errorf("error %q quotes the request URL", err)
				}
			}
			var apiErr *fetch.APIError
			if isAPI := errors.As(err, &apiErr); isAPI != (tt.wantAPI != "") || isAPI && apiErr.Code != tt.wantAPI {
				t.Errorf("error %v: APIError %v, want code %q", err, apiErr, tt.wantAPI)
			}
			if n := srv.Stats().Requests; tt.wantRequests >= 0 && n != tt.wantRequests {
				t.Errorf("the sandbox saw %d requests, want %d", n, tt.wantRequests)
			}
		})
	}
}

// TestClientUnexpectedAnswers covers answers the sandbox never gives.
func TestClientUnexpectedAnswers(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		header  map[string]string
		wantErr string
		retried bool
		// countable: the count request gets an answer in no count shape, so
		// the client goes on to the first page, which fails.
		countable bool
	}{
		{name: "object instead of a list", status: 200, body: `{"items":[]}`, wantErr: "GET /v2/linkings: the answer is an object with keys [items], not a list of records", countable: true},
		{name: "list of numbers", status: 200, body: `[1,2]`, wantErr: "GET /v2/linkings: item 0 of the answer is a number, not a record", countable: true},
		{name: "HTML with 200", status: 200, body: "<!DOCTYPE html><title>Login</title>", wantErr: `GET /v2/linkings: a body that is not JSON: "<!DOCTYPE html><title>Login</title>"`},
		{name: "invalid JSON", status: 200, body: `[{"id":"L1","email":"someone@example.com"}}`, wantErr: "GET /v2/linkings: malformed JSON (43 bytes)"},
		{name: "trailing data", status: 200, body: `[] []`, wantErr: "unexpected data after the JSON value"},
		{name: "status error with 200", status: 200, body: `{"status":-5,"message":"expired"}`, wantErr: `GET /v2/linkings: status -5 (API key has expired): "expired"`},
		{name: "gateway quota", status: 429, body: `{"error":{"errorCode":"400","message":"Quota Exceeded"}}`, wantErr: `GET /v2/linkings: API gateway error 400 (quota exceeded): "Quota Exceeded" [HTTP 429]`},
		{name: "gateway throttle", status: 429, body: `{"error":{"errorCode":"410","message":"Throttle Limited"}}`, wantErr: "API gateway error 410 (throttle limited)", retried: true},
		{name: "403 with unknown JSON", status: 403, body: `{"detail":"forbidden"}`, wantErr: "GET /v2/linkings: HTTP 403 with a JSON body that is no known error"},
		{name: "500 with JSON", status: 500, body: `{"detail":"oops"}`, wantErr: "HTTP 500 with a JSON body that is no known error", retried: true},
		{name: "long HTML quoted to 200 bytes", status: 502, body: "<html>" + strings.Repeat("x", 300), wantErr: `"<html>` + strings.Repeat("x", 194) + `…"`, retried: true},
		{name: "undocumented status with 500", status: 500, body: `{"status":-99,"message":"db down"}`, wantErr: "status -99", retried: true},
		{name: "undocumented status with 200", status: 200, body: `{"status":-99,"message":"odd"}`, wantErr: "status -99"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			requests := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				requests++
				mu.Unlock()
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			}))
			defer srv.Close()
			c := newClient(t, srv.URL, fetch.ClientOptions{MaxRetries: 2})
			_, err := c.Cohort(context.Background(), &config.Cohort{Name: "all", Source: "gamepot.main", Dataset: "linkings"}, nil)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %v, want it to contain %q", err, tt.wantErr)
			}
			if strings.Contains(fmt.Sprint(err), "someone@example.com") {
				t.Errorf("error %q quotes player data", err)
			}
			want := 1
			if tt.retried {
				want = 3
			}
			if tt.countable {
				want++
			}
			mu.Lock()
			defer mu.Unlock()
			if requests != want {
				t.Errorf("%d requests, want %d", requests, want)
			}
		})
	}
}

// waitFor polls cond until it holds; the test's deadline bounds it.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for !cond() {
		time.Sleep(2 * time.Millisecond)
	}
}

// TestClientCancel cancels a fetch while it waits in each of its waits and
// checks that it returns context.Canceled promptly.
func TestClientCancel(t *testing.T) {
	tests := []struct {
		name   string
		faults []sandbox.Fault
		opts   fetch.ClientOptions
		// ready reports when the fetch is inside the wait under test.
		ready func(srv *sandbox.Server, progress int) bool
	}{
		{
			name:   "waiting for an answer",
			faults: []sandbox.Fault{{PathPrefix: "/v2/linkings", After: 1, Kind: sandbox.FaultHang}},
			opts:   fetch.ClientOptions{RequestTimeout: time.Hour},
			ready:  func(srv *sandbox.Server, _ int) bool { return srv.Stats().Faulted >= 1 },
		},
		{
			name:   "backing off after Retry-After",
			faults: []sandbox.Fault{{PathPrefix: "/v2/linkings", Kind: sandbox.Fault429, RetryAfter: 50 * time.Second}},
			ready:  func(_ *sandbox.Server, progress int) bool { return progress >= 1 },
		},
		{
			name:  "waiting for the rate limit",
			opts:  fetch.ClientOptions{RateLimit: 0.001},
			ready: func(_ *sandbox.Server, progress int) bool { return progress >= 1 },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startSandbox(t, nil, sandbox.Options{Faults: tt.faults})
			var mu sync.Mutex
			progress := 0
			opts := tt.opts
			opts.Concurrency = 1
			opts.Progress = func(p fetch.Progress) {
				mu.Lock()
				progress = p.Requests
				mu.Unlock()
			}
			c := newClient(t, srv.URL(), opts)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() {
				_, err := c.Cohort(ctx, &config.Cohort{Name: "all", Source: "gamepot.main", Dataset: "linkings"}, nil)
				done <- err
			}()
			waitFor(t, func() bool {
				mu.Lock()
				defer mu.Unlock()
				return tt.ready(srv, progress)
			})
			cancel()
			// Not a timing assertion: without cancellation the fetch waits an
			// hour, 50 s or 1000 s; this only keeps a broken client from
			// hanging the test run.
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("error = %v, want context.Canceled", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("the fetch did not stop when its context was cancelled")
			}
		})
	}
}

// TestClientKeepsKeySecret runs fetches that succeed and fail and checks
// that the API key appears in no error, progress, snapshot or plan.
func TestClientKeepsKeySecret(t *testing.T) {
	const wrongKey = "gpk-SECRET-WRONG-d41d8cd98f00"
	srv := startSandbox(t, nil, sandbox.Options{Faults: []sandbox.Fault{
		{PathPrefix: "/v2/memberblock", Times: 1, Kind: sandbox.FaultHTML503},
		{PathPrefix: "/v1/api/members/", Times: 1, Kind: sandbox.FaultReset},
	}})
	// An upstream that echoes the key in its messages must not leak it either.
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("x-api-key")
		if strings.HasPrefix(r.URL.Path, "/v2/memberblock") {
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprintf(w, "<html>bad gateway for key %s</html>", key)
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
		json.NewEncoder(w).Encode(map[string]any{"status": -1, "message": "key " + key + " is not registered"})
	}))
	defer echo.Close()

	var mu sync.Mutex
	var texts []string
	collect := func(p fetch.Progress) {
		mu.Lock()
		defer mu.Unlock()
		texts = append(texts, fmt.Sprintf("%+v", p))
	}
	good := newClient(t, srv.URL(), fetch.ClientOptions{Progress: collect, MaxRetries: 1})
	wrongG, wrongC := gamepotSource(srv.URL()), chatSource(srv.URL())
	wrongG.APIKey, wrongC.APIKey = wrongKey, wrongKey
	wrong := newClient(t, srv.URL(), fetch.ClientOptions{Progress: collect}, wrongG, wrongC)
	echoG, echoC := gamepotSource(echo.URL), chatSource(echo.URL)
	echoes := newClient(t, echo.URL, fetch.ClientOptions{Progress: collect, MaxRetries: 1}, echoG, echoC)

	cohorts := []struct {
		cohort config.Cohort
		users  []string
	}{
		{config.Cohort{Name: "links", Source: "gamepot.main", Dataset: "linkings"}, nil},
		{config.Cohort{Name: "blocks", Source: "gamepot.main", Dataset: "memberblock"}, nil},
		{config.Cohort{Name: "v1", Source: "gamepot.main", Dataset: "user_block"}, []string{"p00001", "p00005"}},
		{config.Cohort{Name: "chat", Source: "ncloud_chat.main", Dataset: "chat_members"}, []string{"p00001", "nobody"}},
	}
	ctx := context.Background()
	for _, c := range []*fetch.Client{good, wrong, echoes} {
		for _, coh := range cohorts {
			_, err := c.Cohort(ctx, &coh.cohort, coh.users)
			texts = append(texts, fmt.Sprint(err))
			if _, err := c.Count(ctx, &coh.cohort); err != nil {
				texts = append(texts, err.Error())
			}
		}
		fetched, err := json.Marshal(c.Fetched())
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(fetched))
	}
	for _, coh := range cohorts {
		texts = append(texts, fmt.Sprintf("%+v", fetch.PlanCohort(gamepotSource(srv.URL()), &coh.cohort, coh.users)))
	}
	if !strings.Contains(strings.Join(texts, "\n"), "[api key]") {
		t.Error("no message was redacted: the echoing server was not exercised")
	}
	for _, text := range texts {
		for _, key := range []string{testKey, wrongKey, "SECRET"} {
			if strings.Contains(text, key) {
				t.Errorf("the key %s leaks into %q", key, text)
			}
		}
	}
}

// TestClientRedactsKeysOfAnyLength runs cohorts against a server that
// echoes the request's API key in every kind of error it can give: a
// GAMEPOT status body, an HTML page from a proxy, the API gateway's error
// (its code too), a body that is not JSON. A key long enough is replaced
// by [api key]; a shorter one would also be found in ordinary words, so a
// message holding it is withheld whole. Either way the key never appears,
// even where a replacement and the text after it spell the key again; and
// a message without the key, or a member "not found", reads as before.
func TestClientRedactsKeysOfAnyLength(t *testing.T) {
	const plain = "projectId was wrong." // a message that may not hold the key
	tests := []struct {
		key string
		// echo is how the server quotes the key; by default "echo<KEY>echo".
		echo func(key string) string
		// withheld: messages that quote the key are withheld, not redacted.
		withheld bool
	}{
		{key: "e", withheld: true}, // in "member", in "[api key]", in gpaudit's own words
		{key: "k3y", withheld: true},
		{key: "ab12c", withheld: true},
		{key: "gpk-long-secret-7"},
		// Replaced, "]abcde" + "abcde" becomes "[api key]abcde", which
		// holds the key again.
		{key: "]abcde", echo: func(key string) string { return key + key[1:] }, withheld: true},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			echo := "echo<" + tt.key + ">echo"
			if tt.echo != nil {
				echo = tt.echo(tt.key)
			}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("x-api-key") != tt.key {
					http.Error(w, "the test sent another key", http.StatusTeapot)
					return
				}
				switch p := r.URL.Path; {
				case p == "/v2/linkings":
					w.WriteHeader(http.StatusUnauthorized)
					json.NewEncoder(w).Encode(map[string]any{"status": -1, "message": "key " + echo + " is not registered"})
				case p == "/v2/memberblock":
					w.WriteHeader(http.StatusBadGateway)
					fmt.Fprintf(w, "<html><body>bad gateway for key %s</body></html>", echo)
				case p == "/v1/api/members":
					w.WriteHeader(http.StatusTooManyRequests)
					json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"errorCode": echo, "message": "quota of " + echo + " exceeded"}})
				case p == "/v1/api/members/p1":
					w.WriteHeader(http.StatusNotFound)
					json.NewEncoder(w).Encode(map[string]any{"status": -7, "message": "member not found"})
				case p == "/v1/api/members/p2":
					fmt.Fprintf(w, `{"id":"p2",%s}`, echo) // not JSON: the parser quotes a byte of it
				case strings.HasSuffix(p, "/p1/block"):
					json.NewEncoder(w).Encode(map[string]any{"status": -6, "message": plain})
				default:
					w.WriteHeader(http.StatusBadGateway)
					json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"errorCode": "420", "message": echo}})
				}
			}))
			defer srv.Close()
			g, ch := gamepotSource(srv.URL), chatSource(srv.URL)
			g.APIKey, ch.APIKey = tt.key, tt.key
			var mu sync.Mutex
			var progress []string
			c := newClient(t, srv.URL, fetch.ClientOptions{MaxRetries: -1, Progress: func(p fetch.Progress) {
				mu.Lock()
				defer mu.Unlock()
				progress = append(progress, fmt.Sprintf("%+v", p))
			}}, g, ch)

			ctx := context.Background()
			errText := map[string]string{}
			for _, run := range []struct {
				cohort config.Cohort
				users  []string
			}{
				{config.Cohort{Name: "links", Source: "gamepot.main", Dataset: "linkings"}, nil},
				{config.Cohort{Name: "blocks", Source: "gamepot.main", Dataset: "memberblock"}, nil},
				{config.Cohort{Name: "chat", Source: "ncloud_chat.main", Dataset: "chat_members"}, nil},
				{config.Cohort{Name: "v1", Source: "gamepot.main", Dataset: "user_block"}, []string{"p1"}},
				{config.Cohort{Name: "gone", Source: "ncloud_chat.main", Dataset: "chat_members"}, []string{"p1"}},
				{config.Cohort{Name: "garbled", Source: "ncloud_chat.main", Dataset: "chat_members"}, []string{"p2"}},
				{config.Cohort{Name: "gateway", Source: "gamepot.main", Dataset: "user_block"}, []string{"p3"}},
			} {
				_, err := c.Cohort(ctx, &run.cohort, run.users)
				errText[run.cohort.Name] = fmt.Sprint(err)
			}
			if got := errText["gone"]; got != "<nil>" {
				t.Errorf("a member not found is an error: %s", got)
			}
			// The key's own characters are in gpaudit's words when it is short;
			// what must never show is the server's text that quotes it.
			long := len(tt.key) >= 6
			for name, text := range errText {
				if strings.Contains(text, echo) || long && strings.Contains(text, tt.key) {
					t.Errorf("%s: the key leaks into %q", name, text)
				}
			}
			want := "[api key]"
			if tt.withheld {
				want = "[withheld: it contains the API key]"
			}
			for _, name := range []string{"links", "blocks", "chat", "gateway"} {
				if !strings.Contains(errText[name], want) {
					t.Errorf("%s: %q does not say %q", name, errText[name], want)
				}
			}
			if intact := !strings.Contains(plain, tt.key); intact != strings.Contains(errText["v1"], plain) {
				t.Errorf("v1: %q; want the message %q shown: %v", errText["v1"], plain, intact)
			}
			for _, p := range progress {
				if strings.Contains(p, echo) || long && strings.Contains(p, tt.key) {
					t.Errorf("the key leaks into progress %q", p)
				}
			}
		})
	}
}

// TestClientRefusesRedirectToAnotherHost: following it would hand the API
// key to that host.
func TestClientRefusesRedirectToAnotherHost(t *testing.T) {
	var leaked sync.Map
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Store(r.Header.Get("x-api-key"), true)
		fmt.Fprint(w, "[]")
	}))
	defer other.Close()
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if strings.HasPrefix(r.URL.Path, "/moved") {
			fmt.Fprint(w, "[]")
			return
		}
		target := other.URL + r.URL.Path
		if r.URL.Path == "/v1/api/members" {
			target = "/moved" // same host: followed
		}
		http.Redirect(w, r, target, http.StatusFound)
	}))
	defer srv.Close()
	c := newClient(t, srv.URL, fetch.ClientOptions{MaxRetries: 3})
	_, err := c.Cohort(context.Background(), &config.Cohort{Name: "all", Source: "gamepot.main", Dataset: "linkings"}, nil)
	if err == nil || !strings.Contains(err.Error(), "GET /v2/linkings: redirect to another host refused") {
		t.Errorf("error = %v, want the redirect refused", err)
	}
	leaked.Range(func(k, _ any) bool {
		t.Errorf("the other host received a request with key %q", k)
		return true
	})
	if n := requests.Load(); n != 1 {
		t.Errorf("%d requests, want 1: a refused redirect is not retried", n)
	}
	if _, err := c.Cohort(context.Background(), &config.Cohort{Name: "chat", Source: "ncloud_chat.main", Dataset: "chat_members"}, nil); err != nil {
		t.Errorf("same-host redirect: %v", err)
	}
}

// TestClientChatMemberAnswers covers the ways GET /v1/api/members/{id} may
// say "no such member", and answers that must not be taken for it.
func TestClientChatMemberAnswers(t *testing.T) {
	tests := []struct {
		user    string
		status  int
		body    string
		found   bool
		wantErr string
	}{
		{user: "found", status: 200, body: `{"id":"found","online":true}`, found: true},
		{user: "404-json", status: 404, body: `{"message":"member not found"}`},
		{user: "404-empty", status: 404, wantErr: "GET /v1/api/members/{userId}: HTTP 404 with an empty body"},
		{user: "null", status: 200, body: `null`},
		{user: "empty-object", status: 200, body: `{}`},
		{user: "404-html", status: 404, body: "<html>Not Found</html>", wantErr: `GET /v1/api/members/{userId}: HTTP 404 with a body that is not JSON: "<html>Not Found</html>"`},
		// API.md: on this endpoint a 404 with a JSON body is about the
		// member, whatever its status says.
		{user: "404-status-1", status: 404, body: `{"status":-1,"message":"member not found"}`},
		{user: "404-status-1-terse", status: 404, body: `{"status":-1,"message":"no"}`},
		{user: "404-null", status: 404, body: `null`},
		{user: "404-empty-object", status: 404, body: `{}`},
		{user: "404-user-not-found", status: 404, body: `{"statusCode":404,"message":"User not found","error":"Not Found"}`},
		{user: "404-status-member", status: 404, body: `{"status":-7,"message":"Member does not exist."}`},
		{user: "404-bare-error", status: 404, body: `{"error":"Not Found"}`},
		{user: "404-list", status: 404, body: `[]`},
		{user: "404-member-of-project", status: 404, body: `{"status":-7,"message":"Project of this member not found."}`},
		// A 404 about the request is not about the member: taking it as
		// "not found" would make every member vanish.
		{user: "404-route-miss", status: 404, body: `{"statusCode":404,"message":"Cannot GET /v1/api/members/404-route-miss","error":"Not Found"}`,
			wantErr: `GET /v1/api/members/{userId}: HTTP 404 about the request, not the member: "Cannot GET /v1/api/members/404-route-miss"`},
		{user: "404-project-not-found", status: 404, body: `{"message":"project not found"}`,
			wantErr: `HTTP 404 about the request, not the member: "project not found"`},
		{user: "404-wrong-key", status: 404, body: `{"status":-1,"message":"API key not registered"}`,
			wantErr: `GET /v1/api/members/{userId}: status -1 (API key not registered or without permission): "API key not registered" [HTTP 404]`},
		{user: "404-gateway", status: 404, body: `{"error":{"errorCode":"400","message":"quota exceeded"}}`,
			wantErr: `API gateway error 400 (quota exceeded)`},
		// A 200 answer about another player is an error, not "not found".
		{user: "other-player", status: 200, body: `{"id":"p-other","online":true}`,
			wantErr: `player "other-player": GET /v1/api/members/{userId}: the answer is about player "p-other", not the player asked for`},
		{user: "bool-id", status: 200, body: `{"id":true}`, wantErr: "the answer's id is a boolean, not a player id"},
		{user: "list", status: 200, body: `[]`, wantErr: "GET /v1/api/members/{userId}: the answer is a list of 0, not a member"},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, tt := range tests {
			if r.URL.Path == "/v1/api/members/"+tt.user {
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
				return
			}
		}
		w.WriteHeader(http.StatusTeapot)
	}))
	defer srv.Close()
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			c := newClient(t, srv.URL, fetch.ClientOptions{})
			got, err := c.Cohort(context.Background(), &config.Cohort{Name: "c", Source: "ncloud_chat.main", Dataset: "chat_members"}, []string{tt.user})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if found := len(got) == 1; found != tt.found {
				t.Errorf("found = %v, want %v", found, tt.found)
			}
			if f := c.Fetched(); len(f) != 1 || len(f[0].Users) != 1 {
				t.Errorf("Fetched() = %+v, want the user listed as looked up", f)
			}
		})
	}
}

// addHeader is a transport that adds a header, to make a request net/http
// refuses to send.
type addHeader struct{ name, value string }

func (a addHeader) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(a.name, a.value)
	return http.DefaultTransport.RoundTrip(r)
}

// TestClientRetriesOnlyNetworkFailures: a request that cannot be sent, or a
// server whose certificate is not trusted, fails the same way every time;
// only the network failing is worth another try.
func TestClientRetriesOnlyNetworkFailures(t *testing.T) {
	box := startSandbox(t, nil, sandbox.Options{})
	untrusted := httptest.NewTLSServer(http.NotFoundHandler())
	defer untrusted.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close() // nothing listens there now: connections are refused

	tests := []struct {
		name        string
		endpoint    string
		httpClient  *http.Client
		wantErr     string
		wantRetries int
	}{
		{
			name:       "header value net/http refuses",
			endpoint:   box.URL(),
			httpClient: &http.Client{Transport: addHeader{"x-trace", "a\nb"}},
			wantErr:    `GET /v2/linkings: net/http: invalid header field value for "X-Trace"`,
		},
		{
			name:     "untrusted certificate",
			endpoint: untrusted.URL,
			wantErr:  "GET /v2/linkings: tls: failed to verify certificate",
		},
		{
			name:     "TLS to a server that speaks plain HTTP",
			endpoint: strings.Replace(box.URL(), "http://", "https://", 1),
			wantErr:  "GET /v2/linkings: http: server gave HTTP response to HTTPS client",
		},
		{
			name:        "connection refused is retried",
			endpoint:    closedURL,
			wantErr:     "connection refused (gave up after 3 attempts)",
			wantRetries: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var last fetch.Progress
			opts := fetch.ClientOptions{HTTPClient: tt.httpClient, MaxRetries: 2, Progress: func(p fetch.Progress) { last = p }}
			c := newClient(t, tt.endpoint, opts, gamepotSource(tt.endpoint))
			_, err := c.Cohort(context.Background(), &config.Cohort{Name: "all", Source: "gamepot.main", Dataset: "linkings"}, nil)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %v, want it to contain %q", err, tt.wantErr)
			}
			if last.Retries != tt.wantRetries || last.Requests != tt.wantRetries+1 {
				t.Errorf("%d requests, %d retries; want %d and %d", last.Requests, last.Retries, tt.wantRetries+1, tt.wantRetries)
			}
		})
	}
}

// TestClientRunDeadline ends fetches at the caller's deadline (the CLI's
// --timeout) in each of their waits: the error must say so in words and
// still be context.DeadlineExceeded.
func TestClientRunDeadline(t *testing.T) {
	past := func() (context.Context, context.CancelFunc) {
		return context.WithDeadline(context.Background(), time.Unix(0, 0))
	}
	// soon passes while a request hangs; nothing asserts how long it took.
	soon := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.Background(), 100*time.Millisecond)
	}
	later := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.Background(), time.Hour)
	}
	blocks := &config.Cohort{Name: "b", Source: "gamepot.main", Dataset: "user_block"}
	links := &config.Cohort{Name: "all", Source: "gamepot.main", Dataset: "linkings"}
	tests := []struct {
		name    string
		ctx     func() (context.Context, context.CancelFunc)
		faults  []sandbox.Fault
		opts    fetch.ClientOptions
		cohort  *config.Cohort
		users   []string
		count   bool
		wantErr string
	}{
		{
			name:    "list, deadline already past",
			ctx:     past,
			cohort:  links,
			wantErr: "fetch linkings: count: GET /v2/linkings: not fetched before the run's --timeout",
		},
		{
			name:    "per player, deadline already past",
			ctx:     past,
			cohort:  blocks,
			users:   []string{"p00001", "p00002"},
			wantErr: "fetch user_block: not fetched before the run's --timeout",
		},
		{
			name:    "count, deadline already past",
			ctx:     past,
			cohort:  links,
			count:   true,
			wantErr: "count linkings: GET /v2/linkings: not fetched before the run's --timeout",
		},
		{
			name:    "list, deadline while the server hangs",
			ctx:     soon,
			faults:  []sandbox.Fault{{PathPrefix: "/v2/linkings", After: 2, Kind: sandbox.FaultHang}},
			opts:    fetch.ClientOptions{RequestTimeout: time.Hour},
			cohort:  links,
			wantErr: "fetch linkings: page at offset 99: GET /v2/linkings: not fetched before the run's --timeout",
		},
		{
			name:    "per player, the rate limit's next slot is after the deadline",
			ctx:     later,
			opts:    fetch.ClientOptions{RateLimit: 0.0001},
			cohort:  blocks,
			users:   []string{"p00001", "p00002"},
			wantErr: `fetch user_block: player "p00002": GET /v1/api/project/{projectId}/user/{userId}/block: not fetched before the run's --timeout: the rate limit allows no more requests before it`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startSandbox(t, nil, sandbox.Options{Faults: tt.faults})
			opts := tt.opts
			opts.Concurrency = 1
			c := newClient(t, srv.URL(), opts)
			ctx, cancel := tt.ctx()
			defer cancel()
			var err error
			if tt.count {
				_, err = c.Count(ctx, tt.cohort)
			} else {
				_, err = c.Cohort(ctx, tt.cohort, tt.users)
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("error = %v\nwant %s", err, tt.wantErr)
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error %v is not context.DeadlineExceeded", err)
			}
			if f := c.Fetched(); len(f) != 0 {
				t.Errorf("Fetched() = %+v after the deadline, want nothing", f)
			}
		})
	}
}
