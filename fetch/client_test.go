package fetch_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/fetch"
	"github.com/gpaudit/gpaudit/fetch/sandbox"
	"github.com/gpaudit/gpaudit/fetch/sandbox/sandboxtest"
	"github.com/gpaudit/gpaudit/snapshot"
)

// testKey is the sandbox's key in these tests: distinctive, so that a leak
// into an error or a snapshot is easy to find.
const testKey = "gpk-SECRET-5f0c9e27a1d34b88"

var snapshotTime = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// linkings returns n linkings whose API order (createdAt, then id) is their
// index order: pairs share a createdAt, so id must break the tie. Every
// second one is from google.
func linkings(n int) []map[string]any {
	base := time.Date(2025, 9, 17, 13, 40, 8, 0, time.FixedZone("KST", 9*3600))
	out := make([]map[string]any, n)
	for i := range n {
		provider := "google"
		if i%2 == 1 {
			provider = "apple"
		}
		at := base.Add(time.Duration(i/2) * time.Minute).Format(time.RFC3339)
		out[i] = map[string]any{
			"id": fmt.Sprintf("L%05d", i), "username": fmt.Sprintf("u%05d", i), "provider": provider,
			"member_id": map[string]any{"id": fmt.Sprintf("TWVt%05d", i)}, "user_id": fmt.Sprintf("p%05d", i),
			"email": fmt.Sprintf("player%05d@example.com", i), "createdAt": at, "updatedAt": at, "deletedAt": nil,
		}
	}
	return out
}

// shuffled returns records in a fixed order unlike their API order, so that
// a client that sends no sort gets the wrong order.
func shuffled(records []map[string]any) []map[string]any {
	out := slices.Clone(records)
	for i := range out {
		j := (i*7919 + 13) % len(out)
		out[i], out[j] = out[j], out[i]
	}
	return out
}

func memberblocks(n int) []map[string]any {
	base := time.Date(2025, 7, 24, 15, 56, 33, 0, time.FixedZone("KST", 9*3600))
	out := make([]map[string]any, n)
	for i := range n {
		typ := "manual"
		if i%3 == 2 {
			typ = "autopurchase"
		}
		out[i] = map[string]any{
			"id": fmt.Sprintf("B%04d", i), "member_id": fmt.Sprintf("p%05d", i), "deleted": false,
			"type": typ, "status": json.Number("1"), "message": nil,
			"messageMulti": []any{map[string]any{"lang": "ko", "value": "abuse", "default": true}},
			"startedAt":    base.Format(time.RFC3339), "endedAt": base.Add(48 * time.Hour).Format(time.RFC3339),
			"createdAt": base.Add(time.Duration(i) * time.Hour).Format(time.RFC3339),
			"updatedAt": base.Format(time.RFC3339), "deletedAt": nil, "category_id": "",
		}
	}
	return out
}

func chatMembers(n int) []map[string]any {
	base := time.Date(2025, 7, 22, 11, 11, 5, 0, time.FixedZone("KST", 9*3600))
	out := make([]map[string]any, n)
	for i := range n {
		id := fmt.Sprintf("p%05d", i)
		out[i] = map[string]any{
			"id": id, "member_id": id, "name": "n" + id, "online": i%2 == 0, "deleted": false,
			"remoteip": "10.0.0.1", "created_at": base.Add(time.Duration(i) * time.Second).Format(time.RFC3339),
			"updated_at": base.Format(time.RFC3339), "deleted_at": nil,
		}
	}
	return out
}

// userBlocks are v1 blocks of p00001 (+09:00), p00002 (UTC) and p00003
// (+05:30), so that every zone name the sandbox writes comes back.
func userBlocks() []map[string]any {
	mk := func(id, member, started string) map[string]any {
		return map[string]any{
			"id": id, "member_id": member, "deleted": false, "type": "manual", "status": json.Number("1"),
			"message": nil, "messageMulti": []any{map[string]any{"lang": "ko", "value": "Test-ko", "default": true}},
			"startedAt": started, "endedAt": nil, "createdAt": started, "updatedAt": started,
			"deletedAt": nil, "category_id": "",
		}
	}
	return []map[string]any{
		mk("U1", "p00001", "2020-05-11T12:02:00+09:00"),
		mk("U2", "p00002", "2020-05-11T03:02:00Z"),
		mk("U3", "p00003", "2020-05-11T08:32:00+05:30"),
	}
}

// writeSnap writes files as a snapshot in a temporary folder.
func writeSnap(t testing.TB, files []snapshot.File) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "snap")
	if err := snapshot.Write(dir, snapshot.WriteOptions{CreatedAt: snapshotTime, ToolVersion: "test"}, files); err != nil {
		t.Fatal(err)
	}
	return dir
}

// standardFiles is the data most tests serve.
func standardFiles() []snapshot.File {
	return []snapshot.File{
		{Source: "gamepot.main", Dataset: "linkings", Filters: []map[string]any{{}}, Records: shuffled(linkings(250))},
		{Source: "gamepot.main", Dataset: "memberblock", Filters: []map[string]any{{}}, Records: shuffled(memberblocks(30))},
		// Players p00000 to p00029 were looked up; three are blocked.
		{Source: "gamepot.main", Dataset: "user_block", Users: idRange("p", 0, 30, 1), Records: userBlocks()},
		{Source: "ncloud_chat.main", Dataset: "chat_members", Filters: []map[string]any{{}}, Records: shuffled(chatMembers(30))},
	}
}

// startSandbox serves files (standardFiles when nil) with opts.
func startSandbox(t testing.TB, files []snapshot.File, opts sandbox.Options) *sandbox.Server {
	t.Helper()
	if files == nil {
		files = standardFiles()
	}
	opts.Data = writeSnap(t, files)
	if opts.APIKey == "" {
		opts.APIKey = testKey
	}
	return sandboxtest.New(t, opts)
}

func gamepotSource(endpoint string) *config.Source {
	return &config.Source{Kind: "gamepot", Name: "main", Endpoint: endpoint, ProjectID: "gamepot.main", APIKey: testKey}
}

func chatSource(endpoint string) *config.Source {
	return &config.Source{Kind: "ncloud_chat", Name: "main", Endpoint: endpoint, ProjectID: "ncloud_chat.main", APIKey: testKey}
}

// newClient returns a client of both test sources at endpoint, with the
// small backoff and time-outs tests need; opts overrides them.
func newClient(t testing.TB, endpoint string, opts fetch.ClientOptions, sources ...*config.Source) *fetch.Client {
	t.Helper()
	if sources == nil {
		sources = []*config.Source{gamepotSource(endpoint), chatSource(endpoint)}
	}
	if opts.Backoff == 0 {
		opts.Backoff = time.Millisecond
	}
	if opts.RequestTimeout == 0 {
		opts.RequestTimeout = 5 * time.Second
	}
	if opts.RateLimit == 0 {
		opts.RateLimit = -1
	}
	c, err := fetch.NewClient(sources, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func recordIDs(records []map[string]any) []string {
	out := make([]string, len(records))
	for i, r := range records {
		out[i] = fmt.Sprint(r["id"])
	}
	return out
}

func idRange(prefix string, from, to, step int) []string {
	var out []string
	for i := from; i < to; i += step {
		out = append(out, fmt.Sprintf("%s%05d", prefix, i))
	}
	return out
}

func reversed(s []string) []string {
	s = slices.Clone(s)
	slices.Reverse(s)
	return s
}

func TestClientList(t *testing.T) {
	blockIDs := func(keep func(i int) bool) []string {
		var out []string
		for i := range 30 {
			if keep(i) {
				out = append(out, fmt.Sprintf("B%04d", i))
			}
		}
		return out
	}
	tests := []struct {
		name        string
		cohort      config.Cohort
		concurrency int
		wantIDs     []string
		// wantRequests are the requests per endpoint: the two count
		// requests, before and after paging, are among them, and so is the
		// last page, which holds only the record the page before ended on.
		wantRequests map[string]int
	}{
		{
			name:         "linkings one page at a time",
			cohort:       config.Cohort{Name: "all", Source: "gamepot.main", Dataset: "linkings"},
			concurrency:  1,
			wantIDs:      idRange("L", 0, 250, 1),
			wantRequests: map[string]int{"/v2/linkings": 6}, // count, pages 0, 99, 198, 249, count
		},
		{
			name:         "linkings counted then concurrent",
			cohort:       config.Cohort{Name: "all", Source: "gamepot.main", Dataset: "linkings"},
			concurrency:  4,
			wantIDs:      idRange("L", 0, 250, 1),
			wantRequests: map[string]int{"/v2/linkings": 6}, // count, page 0, pages 99 and 198 at once, 249, count
		},
		{
			name:         "linkings filtered",
			cohort:       config.Cohort{Name: "google", Source: "gamepot.main", Dataset: "linkings", Filter: map[string]any{"provider": "google"}},
			concurrency:  4,
			wantIDs:      idRange("L", 0, 250, 2),
			wantRequests: map[string]int{"/v2/linkings": 5}, // 125: count, pages 0, 99, 124, count
		},
		{
			name:         "linkings sorted by the cohort",
			cohort:       config.Cohort{Name: "newest", Source: "gamepot.main", Dataset: "linkings", Sort: map[string]string{"createdAt": "-1"}},
			concurrency:  2,
			wantIDs:      pairsNewestFirst(250),
			wantRequests: map[string]int{"/v2/linkings": 6},
		},
		{
			name: "memberblock filtered and sorted",
			cohort: config.Cohort{Name: "manual", Source: "gamepot.main", Dataset: "memberblock",
				Filter: map[string]any{"type": "manual", "status": json.Number("1")}, Sort: map[string]string{"createdAt": "-1"}},
			concurrency:  4,
			wantIDs:      reversed(blockIDs(func(i int) bool { return i%3 != 2 })),
			wantRequests: map[string]int{"/v2/memberblock": 4}, // count, pages 0 and 19, count
		},
		{
			name:         "chat members list",
			cohort:       config.Cohort{Name: "chat", Source: "ncloud_chat.main", Dataset: "chat_members"},
			concurrency:  4,
			wantIDs:      idRange("p", 0, 30, 1),
			wantRequests: map[string]int{"/v1/api/members": 4},
		},
		{
			name:         "chat members filtered",
			cohort:       config.Cohort{Name: "online", Source: "ncloud_chat.main", Dataset: "chat_members", Filter: map[string]any{"online": true}},
			concurrency:  4,
			wantIDs:      idRange("p", 0, 30, 2),
			wantRequests: map[string]int{"/v1/api/members": 4},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startSandbox(t, nil, sandbox.Options{})
			c := newClient(t, srv.URL(), fetch.ClientOptions{Concurrency: tt.concurrency})
			got, err := c.Cohort(context.Background(), &tt.cohort, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantIDs, recordIDs(got)); diff != "" {
				t.Errorf("record ids (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantRequests, srv.Stats().ByPath); diff != "" {
				t.Errorf("requests per endpoint (-want +got):\n%s", diff)
			}
		})
	}
}

// pairsNewestFirst is the order of linkings(n) by createdAt descending, then
// id ascending: the pairs reversed, each pair in id order.
func pairsNewestFirst(n int) []string {
	var out []string
	for pair := (n - 1) / 2; pair >= 0; pair-- {
		for i := pair * 2; i < min(pair*2+2, n); i++ {
			out = append(out, fmt.Sprintf("L%05d", i))
		}
	}
	return out
}

// TestClientListShortOfCount serves 40 records twice in place of 40
// others, as a server whose order shifts between pages may: the client
// keeps each record once, and since the distinct records fall short of the
// count, the cohort is an error rather than a pass on part of the data.
// (Not the sandbox: a snapshot holds each record once.)
func TestClientListShortOfCount(t *testing.T) {
	records := linkings(200)
	for i := 0; i < 200; i += 5 {
		records = append(records, records[i])
	}
	for _, concurrency := range []int{1, 3} {
		t.Run(fmt.Sprint("concurrency ", concurrency), func(t *testing.T) {
			srv := httptest.NewServer(&changingList{records: records})
			defer srv.Close()
			c := newClient(t, srv.URL, fetch.ClientOptions{Concurrency: concurrency})
			coh := &config.Cohort{Name: "all", Source: "gamepot.main", Dataset: "linkings"}
			_, err := c.Cohort(context.Background(), coh, nil)
			want := "received 200 distinct records, fewer than the 240 the endpoint counts (240 before paging, 240 after)"
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("error = %v, want it to say %q", err, want)
			}
			if fetched := c.Fetched(); len(fetched) != 0 {
				t.Errorf("Fetched() = %d files, want none: a cohort short of its count is not remembered", len(fetched))
			}
		})
	}
}

// TestClientListGrows serves a count lower than the data: the last page the
// count announces comes back full, and the client must go on paging.
func TestClientListGrows(t *testing.T) {
	records := linkings(230)
	var mu sync.Mutex
	var offsets []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		opt, ok := listOption(w, r)
		if !ok {
			return
		}
		mu.Lock()
		offsets = append(offsets, fmt.Sprint(opt.Offset, opt.Count))
		mu.Unlock()
		if opt.Count {
			fmt.Fprint(w, `{"count":150}`) // stale: the list has grown since
			return
		}
		page := records[min(opt.Offset, len(records)):min(opt.Offset+opt.PerPage, len(records))]
		json.NewEncoder(w).Encode(page)
	}))
	defer srv.Close()
	c := newClient(t, srv.URL, fetch.ClientOptions{Concurrency: 4})
	got, err := c.Cohort(context.Background(), &config.Cohort{Name: "all", Source: "gamepot.main", Dataset: "linkings"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(idRange("L", 0, 230, 1), recordIDs(got)); diff != "" {
		t.Errorf("record ids (-want +got):\n%s", diff)
	}
	slices.Sort(offsets)
	// Pages overlap by one record: offsets 0, 99, 198 and 229, which holds
	// the last record alone; counts before and after.
	if want := []string{"0 false", "0 true", "0 true", "198 false", "229 false", "99 false"}; !slices.Equal(offsets, want) {
		t.Errorf("requests (offset count) = %q, want %q", offsets, want)
	}
}

// TestClientListServerIgnoresOffset guards against paging forever when a
// server answers the same full page whatever the offset.
func TestClientListServerIgnoresOffset(t *testing.T) {
	records := linkings(100)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(records)
	}))
	defer srv.Close()
	for _, concurrency := range []int{1, 4} {
		c := newClient(t, srv.URL, fetch.ClientOptions{Concurrency: concurrency})
		_, err := c.Cohort(context.Background(), &config.Cohort{Name: "all", Source: "gamepot.main", Dataset: "linkings"}, nil)
		if err == nil || !strings.Contains(err.Error(), "the server does not page") {
			t.Errorf("concurrency %d: error = %v, want the server does not page", concurrency, err)
		}
	}
}

func TestClientPerPlayer(t *testing.T) {
	srv := startSandbox(t, nil, sandbox.Options{})
	src := gamepotSource(srv.URL())
	src.Language = "ko"
	var logMu sync.Mutex
	var log []string
	logSrv := startSandbox(t, nil, sandbox.Options{Logf: func(format string, args ...any) {
		logMu.Lock()
		defer logMu.Unlock()
		log = append(log, fmt.Sprintf(format, args...))
	}})

	tests := []struct {
		name    string
		cohort  config.Cohort
		users   []string
		want    []map[string]any
		lookups int
	}{
		{
			name:   "user_block dates in three offsets, not blocked, repeated user",
			cohort: config.Cohort{Name: "blocks", Source: "gamepot.main", Dataset: "user_block"},
			users:  []string{"p00003", "p00001", "p00009", "p00002", "p00001"},
			want: func() []map[string]any {
				b := userBlocks()
				return []map[string]any{b[2], b[0], b[1]}
			}(),
			lookups: 4,
		},
		{
			name:   "chat members by id, one unknown, filtered",
			cohort: config.Cohort{Name: "online", Source: "ncloud_chat.main", Dataset: "chat_members", Filter: map[string]any{"online": true}},
			users:  []string{"p00004", "p00003", "nobody", "p00002"},
			want: func() []map[string]any {
				m := chatMembers(5)
				return []map[string]any{m[4], m[2]}
			}(),
			lookups: 4,
		},
		{
			name:   "no users",
			cohort: config.Cohort{Name: "none", Source: "gamepot.main", Dataset: "user_block"},
			users:  []string{},
			want:   []map[string]any{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, srv.URL(), fetch.ClientOptions{}, src, chatSource(srv.URL()))
			before := srv.Stats().Requests
			got, err := c.Cohort(context.Background(), &tt.cohort, tt.users)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			if n := srv.Stats().Requests - before; n != tt.lookups {
				t.Errorf("%d requests, want %d", n, tt.lookups)
			}
		})
	}

	t.Run("accept-language", func(t *testing.T) {
		src := gamepotSource(logSrv.URL())
		src.Language = "ja"
		c := newClient(t, logSrv.URL(), fetch.ClientOptions{}, src)
		if _, err := c.Cohort(context.Background(), &config.Cohort{Name: "b", Source: "gamepot.main", Dataset: "user_block"}, []string{"p00001"}); err != nil {
			t.Fatal(err)
		}
		logMu.Lock()
		defer logMu.Unlock()
		if !slices.ContainsFunc(log, func(l string) bool { return strings.Contains(l, `accept-language "ja"`) }) {
			t.Errorf("the sandbox saw no accept-language ja; log:\n%s", strings.Join(log, "\n"))
		}
	})
}

// TestClientV1Answers covers v1 block answers the sandbox does not give:
// other spellings of the date, and other ways of saying "not blocked".
func TestClientV1Answers(t *testing.T) {
	block := func(started string) string {
		return `{"status":1,"result":{"id":"X","member_id":"{user}","deleted":false,"type":"manual","status":1,` +
			`"startedAt":` + started + `,"endedAt":null,"createdAt":"Tue May 12 2020 14:06:40 GMT+0900 (GMT+09:00)",` +
			`"updatedAt":"Tue May 12 2020 14:06:40 GMT+0900","deletedAt":null}}`
	}
	answers := map[string]string{
		"no-zone-name": block(`"Mon May 11 2020 12:02:00 GMT+0900"`),
		"gmt-name":     block(`"Mon May 11 2020 12:02:00 GMT+0900 (GMT+09:00)"`),
		"utc":          block(`"Mon May 11 2020 03:02:00 GMT+0000 (Coordinated Universal Time)"`),
		"west":         block(`"Sun May 10 2020 23:02:00 GMT-0400 (Eastern Daylight Time)"`),
		"empty-result": `{"status":1,"result":{}}`,
		"null-result":  `{"status":1,"result":null}`,
		"not-found":    `{"status":-7,"message":"User block not found."}`,
		"bad-date":     block(`"yesterday at noon"`),
		"bool-date":    block(`true`),
		"no-result":    `{"status":1}`,
		"list":         `[]`,
		"documented":   `{"status":-6,"message":"projectId was wrong."}`,
		// Not found, of something other than the player's block.
		"project-not-found": `{"status":-7,"message":"Project not found."}`,
		"key-not-found":     `{"status":-7,"message":"key not found"}`,
		"route-not-found":   `{"status":-7,"message":"route not found"}`,
		"header-not-found":  `{"status":-7,"message":"Header x-user-token not found"}`,
		"user-of-project":   `{"status":-7,"message":"User's project does not exist"}`,
		"unknown-error":     `{"status":-7,"message":"Unknown error while reading the user"}`,
		// Not found, of the player or the block.
		"user-not-exist": `{"status":-8,"message":"User does not exist"}`,
		"not-blocked":    `{"status":-7,"message":"This member is not blocked."}`,
		"no-such-block":  `{"status":-7,"message":"no such block"}`,
		"unknown-member": `{"status":-7,"message":"Unknown member"}`,
		// API.md: -1 with a message that says the user is unknown is not
		// found; -1 with any other message is the key's failure.
		"user-not-found-1": `{"status":-1,"message":"user not found"}`,
		"key-1":            `{"status":-1,"message":"API key not registered"}`,
		// An answer about another player is no answer about this one.
		"other-player": strings.ReplaceAll(block(`"Mon May 11 2020 12:02:00 GMT+0900"`), "{user}", "p-other"),
		"no-member-id": strings.ReplaceAll(block(`"Mon May 11 2020 12:02:00 GMT+0900"`), `"member_id":"{user}",`, ""),
		"number-id":    `{"status":1,"result":{"id":"X","member_id":7,"type":"manual","startedAt":null}}`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(r.URL.Path, "/") // /v1/api/project/P/user/U/block
		if len(parts) != 8 || r.Header.Get("x-api-key") != testKey {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		fmt.Fprint(w, strings.ReplaceAll(answers[parts[6]], "{user}", parts[6]))
	}))
	defer srv.Close()

	tests := []struct {
		user        string
		wantStarted any // nil: no record
		wantErr     string
	}{
		{user: "no-zone-name", wantStarted: "2020-05-11T12:02:00+09:00"},
		{user: "gmt-name", wantStarted: "2020-05-11T12:02:00+09:00"},
		{user: "utc", wantStarted: "2020-05-11T03:02:00Z"},
		{user: "west", wantStarted: "2020-05-10T23:02:00-04:00"},
		{user: "empty-result"},
		{user: "null-result"},
		{user: "not-found"},
		{user: "bad-date", wantErr: `field startedAt: "yesterday at noon" is not a JavaScript date`},
		{user: "bool-date", wantErr: "field startedAt is a boolean, not a date"},
		{user: "no-result", wantErr: "with no result"},
		{user: "list", wantErr: "the answer is a list of 0"},
		{user: "documented", wantErr: "status -6 (project id does not exist)"},
		{user: "project-not-found", wantErr: `status -7: "Project not found."`},
		{user: "key-not-found", wantErr: `status -7: "key not found"`},
		{user: "route-not-found", wantErr: `status -7: "route not found"`},
		{user: "header-not-found", wantErr: `status -7: "Header x-user-token not found"`},
		{user: "user-of-project", wantErr: `status -7: "User's project does not exist"`},
		{user: "unknown-error", wantErr: `status -7: "Unknown error while reading the user"`},
		{user: "unknown-member"},
		{user: "user-not-exist"},
		{user: "not-blocked"},
		{user: "no-such-block"},
		{user: "user-not-found-1"},
		{user: "key-1", wantErr: `status -1 (API key not registered or without permission): "API key not registered"`},
		{user: "other-player", wantErr: `player "other-player": GET /v1/api/project/{projectId}/user/{userId}/block: the answer is about player "p-other", not the player asked for`},
		{user: "no-member-id", wantStarted: "2020-05-11T12:02:00+09:00"},
		{user: "number-id", wantErr: `the answer is about player "7", not the player asked for`},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			c := newClient(t, srv.URL, fetch.ClientOptions{})
			got, err := c.Cohort(context.Background(), &config.Cohort{Name: "b", Source: "gamepot.main", Dataset: "user_block"}, []string{tt.user})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), "GET /v1/api/project/{projectId}/user/{userId}/block") {
					t.Errorf("error %q does not name the endpoint", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantStarted == nil {
				if len(got) != 0 {
					t.Errorf("got %d records, want none", len(got))
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("got %d records, want 1", len(got))
			}
			want := map[string]any{
				"startedAt": tt.wantStarted, "endedAt": nil, "createdAt": "2020-05-12T14:06:40+09:00",
				"updatedAt": "2020-05-12T14:06:40+09:00", "deletedAt": nil,
			}
			for k, v := range want {
				if got[0][k] != v {
					t.Errorf("%s = %v, want %v", k, got[0][k], v)
				}
			}
			if got[0]["member_id"] != tt.user {
				t.Errorf("member_id = %v, want the player asked for", got[0]["member_id"])
			}
		})
	}
}

func TestClientProgress(t *testing.T) {
	srv := startSandbox(t, nil, sandbox.Options{Faults: []sandbox.Fault{
		{PathPrefix: "/v2/linkings", After: 2, Times: 1, Kind: sandbox.FaultHTML503},
	}})
	var mu sync.Mutex
	var got []fetch.Progress
	c := newClient(t, srv.URL(), fetch.ClientOptions{Concurrency: 4, Progress: func(p fetch.Progress) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, p)
	}})
	if _, err := c.Cohort(context.Background(), &config.Cohort{Name: "all", Source: "gamepot.main", Dataset: "linkings"}, nil); err != nil {
		t.Fatal(err)
	}
	// count, page 0, pages 99 and 198 (one of them twice), 249, count.
	want := fetch.Progress{Cohort: "all", Records: 250, Requests: 7, Retries: 1, Total: 250, Done: true, Verified: true}
	if len(got) != 8 {
		t.Fatalf("%d progress calls, want 8 (7 requests and done): %+v", len(got), got)
	}
	if diff := cmp.Diff(want, got[len(got)-1]); diff != "" {
		t.Errorf("last progress (-want +got):\n%s", diff)
	}
	if first := got[0]; first.Requests != 1 || first.Records != 0 || first.Total != -1 || first.Done {
		t.Errorf("first progress = %+v, want 1 request (the count), no records, total unknown", first)
	}
	if second := got[1]; second.Records != 100 || second.Total != 250 {
		t.Errorf("second progress = %+v, want 100 records of 250", second)
	}
	for _, p := range got[:len(got)-1] {
		if p.Done {
			t.Errorf("progress %+v is done before the end", p)
		}
	}
}

// TestClientProgressPerPlayer: a per-player cohort announces how many
// players it will look up (each once), then counts them as they answer,
// found or not.
func TestClientProgressPerPlayer(t *testing.T) {
	srv := startSandbox(t, nil, sandbox.Options{})
	var mu sync.Mutex
	var got []fetch.Progress
	c := newClient(t, srv.URL(), fetch.ClientOptions{Concurrency: 2, Progress: func(p fetch.Progress) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, p)
	}})
	users := []string{"p00003", "p00001", "p00029", "p00001"}
	if _, err := c.Cohort(context.Background(), &config.Cohort{Name: "b", Source: "gamepot.main", Dataset: "user_block"}, users); err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || !got[0].PerPlayer || got[0].Total != 3 || got[0].LookedUp != 0 {
		t.Fatalf("first progress = %+v, want 3 players to look up, none yet", got)
	}
	last := got[len(got)-1]
	if !last.Done || last.LookedUp != 3 || last.Total != 3 || !last.PerPlayer {
		t.Errorf("last progress = %+v, want 3 of 3 players looked up, done", last)
	}
	for i := 1; i < len(got); i++ {
		if got[i].LookedUp < got[i-1].LookedUp || got[i].LookedUp > got[i].Total {
			t.Errorf("progress %d = %+v after %+v: lookups go back or past the total", i, got[i], got[i-1])
		}
	}
}

// TestClientReadStats: Read says how each cohort was read, failed ones too.
func TestClientReadStats(t *testing.T) {
	srv := startSandbox(t, nil, sandbox.Options{Faults: []sandbox.Fault{
		{PathPrefix: "/v2/linkings", After: 2, Times: 1, Kind: sandbox.FaultHTML503},
		{PathPrefix: "/v2/memberblock", Kind: sandbox.FaultHTML503},
	}})
	tests := []struct {
		name   string
		via    string
		cohort *config.Cohort
		users  []string
		want   fetch.Stats
		err    bool
	}{
		{name: "list with a retry", cohort: &config.Cohort{Name: "all", Source: "gamepot.main", Dataset: "linkings"},
			want: fetch.Stats{Via: fetch.ViaAPI, Requests: 7, Retries: 1, Verified: true}},
		{name: "per player, via the sandbox", via: fetch.ViaSandbox,
			cohort: &config.Cohort{Name: "b", Source: "gamepot.main", Dataset: "user_block"}, users: []string{"p00001", "p00002"},
			want: fetch.Stats{Via: fetch.ViaSandbox, Requests: 2, Verified: true}},
		{name: "failed", cohort: &config.Cohort{Name: "m", Source: "gamepot.main", Dataset: "memberblock"},
			want: fetch.Stats{Via: fetch.ViaAPI, Requests: 3, Retries: 2}, err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, srv.URL(), fetch.ClientOptions{Via: tt.via, MaxRetries: 2})
			got, err := c.Read(context.Background(), tt.cohort, tt.users)
			if (err != nil) != tt.err {
				t.Fatalf("error = %v, want one: %v", err, tt.err)
			}
			if diff := cmp.Diff(tt.want, got.Stats); diff != "" {
				t.Errorf("stats (-want +got):\n%s", diff)
			}
		})
	}
}

// inFlight wraps h and records the most requests it served at once.
type inFlight struct {
	h        http.Handler
	now, max atomic.Int64
}

func (f *inFlight) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := f.now.Add(1)
	defer f.now.Add(-1)
	for {
		m := f.max.Load()
		if n <= m || f.max.CompareAndSwap(m, n) {
			break
		}
	}
	f.h.ServeHTTP(w, r)
}

func TestClientConcurrencyBound(t *testing.T) {
	for _, concurrency := range []int{1, 3} {
		t.Run(fmt.Sprint(concurrency), func(t *testing.T) {
			box, err := sandbox.New(sandbox.Options{Data: writeSnap(t, standardFiles()), APIKey: testKey, Latency: 10 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			gauge := &inFlight{h: box}
			srv := httptest.NewServer(gauge)
			defer srv.Close()
			c := newClient(t, srv.URL, fetch.ClientOptions{Concurrency: concurrency})
			fetch.SetPageSize(c, 10)
			ctx := context.Background()
			// Two cohorts at once share the source's bound.
			var wg sync.WaitGroup
			errs := make([]error, 2)
			wg.Go(func() {
				_, errs[0] = c.Cohort(ctx, &config.Cohort{Name: "list", Source: "gamepot.main", Dataset: "linkings"}, nil)
			})
			wg.Go(func() {
				_, errs[1] = c.Cohort(ctx, &config.Cohort{Name: "players", Source: "gamepot.main", Dataset: "user_block"}, idRange("p", 0, 30, 1))
			})
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if m := gauge.max.Load(); m > int64(concurrency) {
				t.Errorf("%d requests in flight at once, want at most %d", m, concurrency)
			}
			if concurrency > 1 && gauge.max.Load() < 2 {
				t.Errorf("never more than one request in flight with concurrency %d", concurrency)
			}
		})
	}
}

// TestFetchedSnapshotCoversWhatWasFetched writes what a client fetched as a
// snapshot and checks that the snapshot serves every cohort the same records.
func TestFetchedSnapshotCoversWhatWasFetched(t *testing.T) {
	srv := startSandbox(t, nil, sandbox.Options{})
	c := newClient(t, srv.URL(), fetch.ClientOptions{})
	type run struct {
		cohort config.Cohort
		users  []string
	}
	runs := []run{
		{cohort: config.Cohort{Name: "google", Source: "gamepot.main", Dataset: "linkings", Filter: map[string]any{"provider": "google"}}},
		{cohort: config.Cohort{Name: "blocks", Source: "gamepot.main", Dataset: "memberblock"}},
		{cohort: config.Cohort{Name: "v1", Source: "gamepot.main", Dataset: "user_block"}, users: []string{"p00001", "p00002", "p00009"}},
		{cohort: config.Cohort{Name: "online", Source: "ncloud_chat.main", Dataset: "chat_members", Filter: map[string]any{"online": true}}, users: []string{"p00001", "p00002", "nobody"}},
		{cohort: config.Cohort{Name: "offline", Source: "ncloud_chat.main", Dataset: "chat_members", Filter: map[string]any{"online": false}}},
	}
	live := make([][]map[string]any, len(runs))
	for i, r := range runs {
		var err error
		if live[i], err = c.Cohort(context.Background(), &r.cohort, r.users); err != nil {
			t.Fatal(err)
		}
	}
	fetched := c.Fetched()
	dir := filepath.Join(t.TempDir(), "saved")
	if err := snapshot.Write(dir, snapshot.WriteOptions{CreatedAt: snapshotTime}, fetched); err != nil {
		t.Fatal(err)
	}
	snap, err := snapshot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range runs {
		got, err := snap.Cohort(context.Background(), &r.cohort, r.users)
		if err != nil {
			t.Errorf("%s: %v", r.cohort.Name, err)
			continue
		}
		if diff := cmp.Diff(live[i], got); diff != "" {
			t.Errorf("%s: snapshot records differ from the live ones (-live +snapshot):\n%s", r.cohort.Name, diff)
		}
	}

	type fileSummary struct {
		Source, Dataset string
		Records         int
		Filters         string
		Users           []string
	}
	var summary []fileSummary
	for _, f := range snap.Manifest().Files {
		filters, _ := json.Marshal(f.Filters)
		summary = append(summary, fileSummary{f.Source, f.Dataset, f.Records, string(filters), f.Users})
	}
	want := []fileSummary{
		{"gamepot.main", "linkings", 125, `[{"provider":"google"}]`, nil},
		{"gamepot.main", "memberblock", 30, `[{}]`, nil},
		{"gamepot.main", "user_block", 2, `null`, []string{"p00001", "p00002", "p00009"}},
		// 15 offline members by list, and p00001 looked up (online, kept
		// although the cohort filtered it out: the snapshot applies filters itself).
		{"ncloud_chat.main", "chat_members", 16, `[{"online":false}]`, []string{"nobody", "p00001", "p00002"}},
	}
	if diff := cmp.Diff(want, summary); diff != "" {
		t.Errorf("manifest (-want +got):\n%s", diff)
	}
	// A filter that was never fetched is not covered.
	if _, err := snap.Cohort(context.Background(), &config.Cohort{Name: "all", Source: "gamepot.main", Dataset: "linkings"}, nil); err == nil {
		t.Error("the snapshot covers all linkings, though only google ones were fetched")
	}
}

func TestClientFetchedOnlyWholeCohorts(t *testing.T) {
	srv := startSandbox(t, nil, sandbox.Options{Faults: []sandbox.Fault{
		{PathPrefix: "/v2/linkings", After: 1, Kind: sandbox.FaultHTML503},
	}})
	c := newClient(t, srv.URL(), fetch.ClientOptions{Concurrency: 1, MaxRetries: -1})
	if _, err := c.Cohort(context.Background(), &config.Cohort{Name: "all", Source: "gamepot.main", Dataset: "linkings"}, nil); err == nil {
		t.Fatal("no error, want the second page to fail")
	}
	if f := c.Fetched(); len(f) != 0 {
		t.Errorf("Fetched() = %d files after a failed cohort, want none: a partial list must not claim coverage", len(f))
	}
}

func TestClientCohortMistakes(t *testing.T) {
	srv := startSandbox(t, nil, sandbox.Options{})
	unresolved := &config.Source{Kind: "gamepot", Name: "later"}
	// Values net/http refuses to put in a header: no retry can fix them.
	keyNewline := &config.Source{Kind: "gamepot", Name: "keynl", Endpoint: srv.URL(), ProjectID: "gamepot.main", APIKey: testKey + "\n"}
	projectCR := &config.Source{Kind: "ncloud_chat", Name: "projcr", Endpoint: srv.URL(), ProjectID: "ncloud_chat.main\r", APIKey: testKey}
	languageNUL := &config.Source{Kind: "gamepot", Name: "langnul", Endpoint: srv.URL(), ProjectID: "gamepot.main", APIKey: testKey, Language: "ko\x00"}
	c := newClient(t, srv.URL(), fetch.ClientOptions{}, gamepotSource(srv.URL()), chatSource(srv.URL()), unresolved,
		keyNewline, projectCR, languageNUL)
	tests := []struct {
		name    string
		cohort  config.Cohort
		users   []string
		wantErr string
	}{
		{"unknown source", config.Cohort{Source: "gamepot.other", Dataset: "linkings"}, nil, "source gamepot.other was not given to the client"},
		{"wrong kind", config.Cohort{Source: "gamepot.main", Dataset: "chat_members"}, nil, "a gamepot source does not serve dataset chat_members"},
		{"unresolved", config.Cohort{Source: "gamepot.later", Dataset: "linkings"}, nil, "source gamepot.later: no endpoint"},
		{"users on a list-only dataset", config.Cohort{Source: "gamepot.main", Dataset: "linkings"}, []string{"p1"}, "cannot be read per player"},
		{"no users for user_block", config.Cohort{Source: "gamepot.main", Dataset: "user_block"}, nil, "names no users"},
		{"api key with a newline", config.Cohort{Source: "gamepot.keynl", Dataset: "linkings"}, nil,
			"source gamepot.keynl: the API key contains a newline or other character not allowed in an HTTP header"},
		{"api key with a newline, per player", config.Cohort{Source: "gamepot.keynl", Dataset: "user_block"}, []string{"p1"},
			"source gamepot.keynl: the API key contains a newline"},
		{"project id with a carriage return", config.Cohort{Source: "ncloud_chat.projcr", Dataset: "chat_members"}, nil,
			"source ncloud_chat.projcr: the project id contains a newline or other character not allowed in an HTTP header"},
		{"language with a NUL", config.Cohort{Source: "gamepot.langnul", Dataset: "user_block"}, []string{"p1"},
			"source gamepot.langnul: the language contains a newline or other character not allowed in an HTTP header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Cohort(context.Background(), &tt.cohort, tt.users)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %v, want it to contain %q", err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "SECRET") {
				t.Errorf("error %q holds the key", err)
			}
		})
	}
	if n := srv.Stats().Requests; n != 0 {
		t.Errorf("%d requests sent for cohorts that cannot be fetched", n)
	}
}

func TestNewClientErrors(t *testing.T) {
	tests := []struct {
		name    string
		sources []*config.Source
		opts    fetch.ClientOptions
		wantErr string
	}{
		{"duplicate source", []*config.Source{gamepotSource("http://x"), gamepotSource("http://y")}, fetch.ClientOptions{}, "source gamepot.main is given twice"},
		{"negative concurrency", nil, fetch.ClientOptions{Concurrency: -1}, "concurrency -1 is negative"},
		{"negative timeout", nil, fetch.ClientOptions{RequestTimeout: -time.Second}, "negative"},
		{"user agent with a newline", nil, fetch.ClientOptions{UserAgent: "gpaudit\r\n"}, "the user agent contains a newline"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := fetch.NewClient(tt.sources, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

// TestClientListMisbehavingServers pages lists from servers that behave as
// real ones may and no documentation rules out: each must give every record
// exactly once or an error, never a pass on part of the data.
func TestClientListMisbehavingServers(t *testing.T) {
	records := linkings(250)
	tests := []struct {
		name string
		// page answers one page request of the 250 records.
		page       func(offset, perPage int) []map[string]any
		count      string // the count answer; "" for the real count
		wantErr    string // "" for all 250 records, verified
		unverified bool
	}{
		{
			name: "per_page capped at 20",
			page: func(offset, perPage int) []map[string]any {
				return records[min(offset, 250):min(offset+min(perPage, 20), 250)]
			},
		},
		{
			name: "nothing past offset 190",
			page: func(offset, perPage int) []map[string]any {
				if offset >= 190 {
					return nil
				}
				return records[offset:min(offset+perPage, 250)]
			},
			wantErr: "page at offset 198 is empty where the last record of the page before was expected",
		},
		{
			name: "nothing past offset 200, and short pages end there",
			page: func(offset, perPage int) []map[string]any {
				return records[min(offset, 200):min(offset+perPage, 200)]
			},
			wantErr: "received 200 distinct records, fewer than the 250 the endpoint counts",
		},
		{
			name: "a page repeats an earlier record in place of another",
			page: func(offset, perPage int) []map[string]any {
				page := slices.Clone(records[min(offset, 250):min(offset+perPage, 250)])
				if offset == 99 && len(page) > 50 {
					page[50] = records[3]
				}
				return page
			},
			wantErr: "received 249 distinct records, fewer than the 250 the endpoint counts",
		},
		{
			name: "per_page capped at 20 with no usable count",
			page: func(offset, perPage int) []map[string]any {
				return records[min(offset, 250):min(offset+min(perPage, 20), 250)]
			},
			count:      `{"total":"many"}`,
			unverified: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				opt, ok := listOption(w, r)
				if !ok {
					return
				}
				if opt.Count {
					if tt.count != "" {
						fmt.Fprint(w, tt.count)
						return
					}
					fmt.Fprint(w, `{"count":250}`)
					return
				}
				page := tt.page(opt.Offset, opt.PerPage)
				if page == nil {
					page = []map[string]any{}
				}
				json.NewEncoder(w).Encode(page)
			}))
			defer srv.Close()
			for _, concurrency := range []int{1, 4} {
				var verified atomic.Bool
				c := newClient(t, srv.URL, fetch.ClientOptions{Concurrency: concurrency, Progress: func(p fetch.Progress) {
					if p.Done {
						verified.Store(p.Verified)
					}
				}})
				got, err := c.Cohort(context.Background(), &config.Cohort{Name: "all", Source: "gamepot.main", Dataset: "linkings"}, nil)
				if tt.wantErr != "" {
					if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
						t.Errorf("concurrency %d: error = %v, want it to say %q", concurrency, err, tt.wantErr)
					}
					continue
				}
				if err != nil {
					t.Fatalf("concurrency %d: %v", concurrency, err)
				}
				if diff := cmp.Diff(idRange("L", 0, 250, 1), recordIDs(got)); diff != "" {
					t.Errorf("concurrency %d: record ids (-want +got):\n%s", concurrency, diff)
				}
				if verified.Load() == tt.unverified {
					t.Errorf("concurrency %d: verified = %v, want %v", concurrency, verified.Load(), !tt.unverified)
				}
			}
		})
	}
}
