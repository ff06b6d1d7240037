package sandbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gpaudit/gpaudit/fetch/sandbox"
	"github.com/gpaudit/gpaudit/fetch/sandbox/sandboxtest"
	"github.com/gpaudit/gpaudit/snapshot"
)

const testKey = "sandbox-test-key"

// The fixture: two GAMEPOT projects and one Chat project. gamepot.other has
// memberblock records only, so its other datasets are answered empty.
var fixture = map[string]map[string][]string{
	"gamepot.main": {
		"linkings": {
			`{"id":"l1","user_id":"u1","provider":"google","email":"a@example.com","level":5,"createdAt":"2025-09-17T13:40:08+09:00","deletedAt":null,"member_id":{"id":"g1"}}`,
			`{"id":"l2","user_id":"u2","provider":"apple","level":30,"createdAt":"2025-09-16T10:00:00+09:00","deletedAt":null,"member_id":{"id":"g2"}}`,
			`{"id":"l3","user_id":"u3","provider":"google","level":5,"createdAt":"2025-09-17T05:00:00Z","deletedAt":null,"member_id":{"id":"g3"}}`,
			`{"id":"l4","user_id":"u1","provider":"google","createdAt":null,"deletedAt":"2025-09-20T00:00:00+09:00","member_id":{"id":"g1"}}`,
			`{"id":"l5","user_id":"u4","provider":"facebook","level":100,"createdAt":"2025-09-18T00:00:00+09:00","deletedAt":null,"member_id":{"id":"g4"}}`,
		},
		"memberblock": {
			`{"id":"b1","member_id":"u2","deleted":false,"status":1,"type":"manual","message":"<b>cheat</b> & more","createdAt":"2025-07-24T15:56:33+09:00"}`,
			`{"id":"b2","member_id":"u3","deleted":false,"status":2,"type":"autopurchase","message":null,"createdAt":"2025-07-20T15:56:33+09:00"}`,
			`{"id":"b3","member_id":"u2","deleted":true,"status":2,"type":"manual","message":null,"createdAt":"2025-07-01T00:00:00+09:00"}`,
		},
		"user_block": {
			`{"id":"ub1","member_id":"u1","deleted":false,"type":"manual","status":1,"message":null,"messageMulti":[{"lang":"ko","value":"Test-ko","default":true}],"startedAt":"2020-05-11T12:02:00+09:00","endedAt":"2020-05-25T22:00:00+09:00","createdAt":"2020-05-12T14:06:40+09:00","updatedAt":"2020-05-12T14:06:40+09:00","deletedAt":null,"category_id":""}`,
			`{"id":"ub2","member_id":"u2","deleted":false,"type":"manual","status":1,"startedAt":"2024-01-02T03:04:05Z","endedAt":null,"createdAt":"2024-01-02T03:04:05Z","updatedAt":"2024-01-02T03:04:05Z","deletedAt":null}`,
			`{"id":"ub3-old-inactive","member_id":"u3","deleted":false,"status":2,"createdAt":"2021-01-01T00:00:00+09:00"}`,
			`{"id":"ub3-active","member_id":"u3","deleted":false,"status":1,"createdAt":"2020-01-01T00:00:00+09:00"}`,
			`{"id":"ub4-deleted","member_id":"u4","deleted":true,"status":1,"createdAt":"2020-01-01T00:00:00+09:00"}`,
			`{"id":"ub4-latest","member_id":"u4","deleted":false,"status":2,"createdAt":"2022-01-01T00:00:00+09:00"}`,
			`{"id":"ub4-earlier","member_id":"u4","deleted":false,"status":2,"createdAt":"2021-01-01T00:00:00+09:00"}`,
			`{"id":"ub5","member_id":"u5","deleted":false,"status":1,"startedAt":"2024-03-01T09:30:00+05:30","endedAt":"2024-12-31T23:59:59-08:00","createdAt":"2024-03-01T09:30:00+05:30"}`,
		},
	},
	"gamepot.other": {
		"memberblock": {
			`{"id":"ob1","member_id":"x1","deleted":false,"status":1}`,
		},
	},
	"ncloud_chat.main": {
		"chat_members": {
			`{"id":"u1","member_id":"u1","name":"alpha","deleted":false,"country":"KR","created_at":"2025-07-22T11:11:05+09:00"}`,
			`{"id":"u2","member_id":"u2","name":"beta","deleted":false,"country":"JP","created_at":"2025-07-21T11:11:05+09:00"}`,
			`{"id":"u3","member_id":"u3","name":"gamma","deleted":true,"country":"KR","created_at":"2025-07-24T02:11:05Z"}`,
			`{"id":"a/b","member_id":"a/b","name":"slash","deleted":false,"country":"US","created_at":"2025-07-24T11:11:05+09:00"}`,
		},
	},
}

// fixtureUsers are the players the fixture looked up on the v1 endpoint;
// "nobody" was not blocked.
var fixtureUsers = []string{"u1", "u2", "u3", "u4", "u5", "nobody"}

// writeFixture writes the fixture as a snapshot folder and returns its path.
// Its lists were fetched whole (the filter {}), so that every list and
// member request is covered.
func writeFixture(t testing.TB) string {
	t.Helper()
	var files []snapshot.File
	for src, datasets := range fixture {
		for name, lines := range datasets {
			f := snapshot.File{Source: src, Dataset: name, Filters: []map[string]any{{}}}
			if name == "user_block" {
				f.Filters, f.Users = nil, fixtureUsers
			}
			for _, l := range lines {
				f.Records = append(f.Records, decodeRecord(t, l))
			}
			files = append(files, f)
		}
	}
	return writeSnapshot(t, files)
}

func writeSnapshot(t testing.TB, files []snapshot.File) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "snap")
	opts := snapshot.WriteOptions{CreatedAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), ToolVersion: "test"}
	if err := snapshot.Write(dir, opts, files); err != nil {
		t.Fatal(err)
	}
	return dir
}

func decodeRecord(t testing.TB, text string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var r map[string]any
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("fixture record %s: %v", text, err)
	}
	return r
}

// startFixture starts a sandbox over the fixture with opts (Data and APIKey filled in).
func startFixture(t *testing.T, opts sandbox.Options) *sandbox.Server {
	t.Helper()
	opts.Data = writeFixture(t)
	if opts.APIKey == "" {
		opts.APIKey = testKey
	}
	return sandboxtest.New(t, opts)
}

// Headers for each API, complete and right.
func gamepotHeaders(project string) http.Header {
	return http.Header{"X-Api-Key": {testKey}, "X-Project-Id": {project}, "Accept": {"application/json"}}
}

func chatHeaders(project string) http.Header {
	return http.Header{"X-Api-Key": {testKey}, "X-Project-Id": {project}}
}

func v1Headers() http.Header { return http.Header{"X-Api-Key": {testKey}} }

// answer is what a request got.
type answer struct {
	status int
	header http.Header
	body   string
}

// get sends GET base+path?query with header and returns the answer.
func get(t *testing.T, base, path string, query url.Values, header http.Header) answer {
	t.Helper()
	a, err := getCtx(context.Background(), http.DefaultClient, base, path, query, header)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return a
}

// freshConns never reuses a connection. Fault tests need it: net/http's
// Transport silently resends a GET whose reused connection was closed before
// any answer, which would hide FaultReset and count two requests.
var freshConns = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

func getCtx(ctx context.Context, client *http.Client, base, path string, query url.Values, header http.Header) (answer, error) {
	u := base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return answer{}, err
	}
	req.Header = header.Clone()
	resp, err := client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, err
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: string(body)}, nil
}

// listQuery builds filter/sort/option parameters; "" leaves one out.
func listQuery(filter, sort, option string) url.Values {
	q := url.Values{}
	if filter != "" {
		q.Set("filter", filter)
	}
	if sort != "" {
		q.Set("sort", sort)
	}
	if option != "" {
		q.Set("option", option)
	}
	return q
}

// ids returns the id of every record of a JSON array body.
func ids(t *testing.T, body string) []string {
	t.Helper()
	var records []map[string]any
	if err := json.Unmarshal([]byte(body), &records); err != nil {
		t.Fatalf("body is not a JSON array of records: %v\n%s", err, body)
	}
	out := []string{}
	for _, r := range records {
		id, _ := r["id"].(string)
		out = append(out, id)
	}
	return out
}

func TestNewRejectsBadOptions(t *testing.T) {
	data := writeFixture(t)
	// One player looked up, and no list of anyone: no one else to answer for u1.
	onePlayer := writeSnapshot(t, []snapshot.File{{Source: "gamepot.main", Dataset: "user_block", Users: []string{"u1"},
		Records: []map[string]any{{"id": "ub1", "member_id": "u1", "status": json.Number("1")}}}})
	tests := []struct {
		name string
		opts sandbox.Options
		want string
	}{
		{"no data", sandbox.Options{APIKey: testKey}, "no snapshot folder"},
		{"no key", sandbox.Options{Data: data}, "no API key"},
		{"missing folder", sandbox.Options{Data: filepath.Join(data, "nope"), APIKey: testKey}, "open snapshot"},
		{"fail rate above 1", sandbox.Options{Data: data, APIKey: testKey, FailRate: 1.5}, "fail rate"},
		{"negative rate limit", sandbox.Options{Data: data, APIKey: testKey, RateLimit: -1}, "rate limit"},
		{"negative latency", sandbox.Options{Data: data, APIKey: testKey, Latency: -time.Second}, "latency"},
		{"unknown count shape", sandbox.Options{Data: data, APIKey: testKey, CountShape: "total"}, `count shape "total"`},
		{"fault without kind", sandbox.Options{Data: data, APIKey: testKey, Faults: []sandbox.Fault{{}}}, "faults[0]: unknown fault kind"},
		{"fault negative after", sandbox.Options{Data: data, APIKey: testKey, Faults: []sandbox.Fault{{Kind: sandbox.FaultReset, After: -1}}}, "faults[0]: after"},
		{"negative page cap", sandbox.Options{Data: data, APIKey: testKey, PageCap: -1}, "page cap -1 is negative"},
		{"negative offset cap", sandbox.Options{Data: data, APIKey: testKey, OffsetCap: -2}, "offset cap -2 is negative"},
		{"wrong player with no one else", sandbox.Options{Data: onePlayer, APIKey: testKey, WrongPlayer: "u1"}, `wrong player "u1": no per-player data file`},
		{"wrong player not covered", sandbox.Options{Data: onePlayer, APIKey: testKey, WrongPlayer: "u2"}, `wrong player "u2"`},
		{"fault relative prefix", sandbox.Options{Data: data, APIKey: testKey, Faults: []sandbox.Fault{{Kind: sandbox.FaultReset, PathPrefix: "v2"}}}, "faults[0]: path prefix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := sandbox.New(tt.opts)
			if err == nil {
				s.Close()
				t.Fatal("New succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
}

func TestNewRejectsDamagedSnapshot(t *testing.T) {
	dir := writeFixture(t)
	path := filepath.Join(dir, "gamepot.main", "linkings.jsonl")
	if err := os.WriteFile(path, []byte(`{"id":"tampered"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := sandbox.New(sandbox.Options{Data: dir, APIKey: testKey})
	var corrupt *snapshot.CorruptError
	if !errors.As(err, &corrupt) {
		t.Fatalf("New = %v, want a snapshot.CorruptError", err)
	}
}

func TestServeRefusesNonLoopback(t *testing.T) {
	s, err := sandbox.New(sandbox.Options{Data: writeFixture(t), APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.1:0", "example.com:80", "127.0.0.1"} {
		t.Run(addr, func(t *testing.T) {
			err := s.Serve(context.Background(), addr)
			if err == nil {
				t.Fatal("Serve returned nil")
			}
			if !strings.Contains(err.Error(), addr) {
				t.Errorf("error %q does not name the address", err)
			}
			if s.URL() != "" {
				t.Errorf("URL() = %q after a refused Serve", s.URL())
			}
		})
	}
}

func TestServeUntilContextDone(t *testing.T) {
	s, err := sandbox.New(sandbox.Options{Data: writeFixture(t), APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, "127.0.0.1:0") }()
	base := waitURL(t, s, served)
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Errorf("URL() = %q", base)
	}
	a := get(t, base, "/v2/linkings", listQuery("{}", "", ""), gamepotHeaders("gamepot.main"))
	if a.status != http.StatusOK {
		t.Errorf("status %d, body %s", a.status, a.body)
	}
	cancel()
	if err := <-served; err != nil {
		t.Errorf("Serve = %v, want nil after the context is done", err)
	}
	if _, err := getCtx(context.Background(), freshConns, base, "/v2/linkings", nil, nil); err == nil {
		t.Error("the server still answers after Serve returned")
	}
	if err := s.Serve(context.Background(), "127.0.0.1:0"); err == nil {
		t.Error("a second Serve on a stopped server succeeded")
	}
}

// waitURL waits until Serve is listening; it fails if Serve returns first.
func waitURL(t *testing.T, s *sandbox.Server, served <-chan error) string {
	t.Helper()
	for s.URL() == "" {
		select {
		case err := <-served:
			t.Fatalf("Serve returned early: %v", err)
		case <-time.After(time.Millisecond):
		}
	}
	return s.URL()
}

func TestCloseTwice(t *testing.T) {
	s, err := sandbox.NewServer(sandbox.Options{Data: writeFixture(t), APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	base := s.URL()
	s.Close()
	s.Close()
	if _, err := getCtx(context.Background(), freshConns, base, "/v2/linkings", nil, nil); err == nil {
		t.Error("the server still answers after Close")
	}
}

func TestLogNeverHoldsKeyOrQuery(t *testing.T) {
	var log bytes.Buffer
	s := startFixture(t, sandbox.Options{Logf: func(format string, args ...any) {
		log.WriteString(strings.TrimSpace(fmt.Sprintf(format, args...)) + "\n")
	}})
	get(t, s.URL(), "/v2/linkings", listQuery(`{"email":"a@example.com"}`, "", ""), gamepotHeaders("gamepot.main"))
	h := v1Headers()
	h.Set("accept-language", "ko")
	get(t, s.URL(), "/v1/api/project/gamepot.main/user/u1/block", nil, h)
	wrong := gamepotHeaders("gamepot.main")
	wrong.Set("x-api-key", "wrong-key-value")
	get(t, s.URL(), "/v2/linkings", listQuery("{}", "", ""), wrong)

	got := log.String()
	want := "sandbox: GET /v2/linkings: 200\n" +
		`sandbox: GET /v1/api/project/{projectId}/user/{userId}/block: 200 (accept-language "ko")` + "\n" +
		"sandbox: GET /v2/linkings: 401\n"
	if got != want {
		t.Errorf("log:\n%s\nwant:\n%s", got, want)
	}
	for _, secret := range []string{testKey, "wrong-key-value", "a@example.com"} {
		if strings.Contains(got, secret) {
			t.Errorf("log holds %q", secret)
		}
	}
}
