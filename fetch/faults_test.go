package fetch_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/fetch"
	"github.com/gpaudit/gpaudit/fetch/sandbox"
	"github.com/gpaudit/gpaudit/snapshot"
)

// The fault-injection suite: servers that answer part of the data as if it
// were all of it. For each, a cohort must either hold every record exactly
// once or fail (SPEC.md, Completeness); a cohort that is ok with part of the
// data is a false pass. Each case logs a line "fault table: | case |
// records expected | records received | status |", where received counts
// the distinct records in the answers the client got, kept or not.

// wireRecords is a RoundTripper that counts, by id, the distinct records in
// the HTTP 200 answers a client receives: list pages, Chat members and v1
// block results.
type wireRecords struct {
	base    http.RoundTripper
	mu      sync.Mutex
	ids     map[string]struct{}
	largest int // rows of the largest list page
}

func newWireRecords(t *testing.T) *wireRecords {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	return &wireRecords{base: tr, ids: map[string]struct{}{}}
}

func (w *wireRecords) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := w.base.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	v, err := snapshot.DecodeJSON(body)
	if err != nil {
		return resp, nil // not JSON: no record in it
	}
	var records []any
	switch x := v.(type) {
	case []any:
		records = x
	case map[string]any:
		if result, ok := x["result"].(map[string]any); ok {
			records = []any{result}
		} else {
			records = []any{x}
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if list, ok := v.([]any); ok {
		w.largest = max(w.largest, len(list))
	}
	for _, r := range records {
		if obj, ok := r.(map[string]any); ok {
			if id, ok := obj["id"].(string); ok {
				w.ids[id] = struct{}{}
			}
		}
	}
	return resp, nil
}

func (w *wireRecords) count() (records, largestPage int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.ids), w.largest
}

// faultCase is one cohort fetched from a faulty server.
type faultCase struct {
	name   string
	cohort config.Cohort
	users  []string // nil for a list cohort
	// want are the ids of every record the cohort holds without the fault.
	want []string
	// wantErr is part of the error the cohort must fail with; "" when the
	// client gets past the fault and the cohort holds want.
	wantErr string
	// largestPage, when above 0, is the rows of the largest list page the
	// client must receive: a fault that caps pages shows there, even where
	// the client gets past it.
	largestPage int
}

// run fetches the case's cohort at concurrency 1 and 4, each time from a
// fresh server that serve starts, and holds the outcome to the completeness
// rule, then to the expected outcome. Received counts under concurrency 4
// may vary from run to run: a failed lookup or page cancels the others.
func (fc faultCase) run(t *testing.T, serve func(t *testing.T) (endpoint string)) {
	t.Helper()
	for _, concurrency := range []int{1, 4} {
		wire := newWireRecords(t)
		c := newClient(t, serve(t), fetch.ClientOptions{Concurrency: concurrency, HTTPClient: &http.Client{Transport: wire}})
		got, err := c.Cohort(context.Background(), &fc.cohort, fc.users)
		status := "ok"
		if err != nil {
			status = "error"
		}
		received, largest := wire.count()
		t.Logf("fault table: | %s (concurrency %d) | %d | %d | %s |", fc.name, concurrency, len(fc.want), received, status)
		if fc.largestPage > 0 && largest != fc.largestPage {
			t.Errorf("concurrency %d: the largest list page held %d records, want %d", concurrency, largest, fc.largestPage)
		}

		if err == nil {
			gotIDs := slices.Sorted(slices.Values(recordIDs(got)))
			if want := slices.Sorted(slices.Values(fc.want)); !slices.Equal(gotIDs, want) {
				t.Errorf("concurrency %d: false pass: the cohort is ok with %d records %v, want each of the %d records %v exactly once",
					concurrency, len(gotIDs), clipIDs(gotIDs), len(want), clipIDs(want))
			}
		}
		switch {
		case fc.wantErr == "" && err != nil:
			t.Errorf("concurrency %d: %v, want all %d records", concurrency, err, len(fc.want))
		case fc.wantErr != "" && err == nil:
			t.Errorf("concurrency %d: the cohort is ok, want an error saying %q", concurrency, fc.wantErr)
		case fc.wantErr != "" && !strings.Contains(err.Error(), fc.wantErr):
			t.Errorf("concurrency %d: error = %v\nwant it to say %q", concurrency, err, fc.wantErr)
		}
	}
}

// clipIDs shortens a long list of ids for a message.
func clipIDs(ids []string) []string {
	if len(ids) > 6 {
		return append(slices.Clone(ids[:3]), "…", ids[len(ids)-1])
	}
	return ids
}

// TestClientSandboxFaults fetches cohorts from the sandbox with each of its
// list and per-player faults. The data are standardFiles: 250 linkings, 30
// member blocks, v1 blocks U1 to U3 of players p00001 to p00003 (p00000 to
// p00029 looked up) and 30 Chat members.
func TestClientSandboxFaults(t *testing.T) {
	allLinkings := config.Cohort{Name: "all", Source: "gamepot.main", Dataset: "linkings"}
	allBlocks := config.Cohort{Name: "blocks", Source: "gamepot.main", Dataset: "memberblock"}
	chat := config.Cohort{Name: "chat", Source: "ncloud_chat.main", Dataset: "chat_members"}
	v1 := config.Cohort{Name: "v1", Source: "gamepot.main", Dataset: "user_block"}
	linkingIDs := idRange("L", 0, 250, 1)
	var blockIDs []string
	for i := range 30 {
		blockIDs = append(blockIDs, fmt.Sprintf("B%04d", i))
	}
	tests := []struct {
		faultCase
		opts sandbox.Options
	}{
		{faultCase{name: "page cap 20", cohort: allLinkings, want: linkingIDs, largestPage: 20},
			sandbox.Options{PageCap: 20}},
		{faultCase{name: "page cap 1", cohort: allBlocks, want: blockIDs, largestPage: 1},
			sandbox.Options{PageCap: 1}},
		{faultCase{name: "offset cap 190", cohort: allLinkings, want: linkingIDs,
			wantErr: "page at offset 198 is empty where the last record of the page before was expected"},
			sandbox.Options{OffsetCap: 190}},
		// The last page (offset 198) holds every remaining record, but the
		// page after it, which must repeat its last, is empty: the client
		// cannot tell that from records removed meanwhile.
		{faultCase{name: "offset cap 249, every record on a page below it", cohort: allLinkings, want: linkingIDs,
			wantErr: "page at offset 249 is empty"},
			sandbox.Options{OffsetCap: 249}},
		{faultCase{name: "offset cap 250, past every page", cohort: allLinkings, want: linkingIDs},
			sandbox.Options{OffsetCap: 250}},
		{faultCase{name: "page cap 20 and offset cap 100", cohort: allLinkings, want: linkingIDs,
			wantErr: "page at offset 114 is empty"},
			sandbox.Options{PageCap: 20, OffsetCap: 100}},
		{faultCase{name: "swap duplicate", cohort: allLinkings, want: linkingIDs,
			wantErr: "page at offset 99 does not begin with the last record of the page before"},
			sandbox.Options{SwapDuplicate: true}},
		{faultCase{name: "swap duplicate, page cap 20", cohort: allLinkings, want: linkingIDs,
			wantErr: "page at offset 19 does not begin with the last record of the page before"},
			sandbox.Options{SwapDuplicate: true, PageCap: 20}},
		// Pages of one row do not overlap, so only the repeat shows.
		{faultCase{name: "swap duplicate, page cap 1", cohort: allBlocks, want: blockIDs,
			wantErr: "page at offset 1 repeats earlier records only"},
			sandbox.Options{SwapDuplicate: true, PageCap: 1}},
		{faultCase{name: "swap duplicate, filtered", want: idRange("L", 0, 250, 2),
			cohort:  config.Cohort{Name: "google", Source: "gamepot.main", Dataset: "linkings", Filter: map[string]any{"provider": "google"}},
			wantErr: "page at offset 99 does not begin with the last record of the page before"},
			sandbox.Options{SwapDuplicate: true}},

		// The answer for p00002 is p00000's or p00001's record, whichever
		// comes first in the shuffled file.
		{faultCase{name: "wrong player, Chat member", cohort: chat, users: idRange("p", 1, 4, 1), want: idRange("p", 1, 4, 1),
			wantErr: `player "p00002"`},
			sandbox.Options{WrongPlayer: "p00002"}},
		{faultCase{name: "wrong player, Chat member unknown to the API", cohort: chat, users: []string{"p00001", "nobody"}, want: []string{"p00001"},
			wantErr: `player "nobody"`},
			sandbox.Options{WrongPlayer: "nobody"}},
		// The answer for p00002 is U1, p00001's block.
		{faultCase{name: "wrong player, v1 block", cohort: v1, users: idRange("p", 1, 4, 1), want: []string{"U1", "U2", "U3"},
			wantErr: `player "p00002"`},
			sandbox.Options{WrongPlayer: "p00002"}},
		{faultCase{name: "wrong player, v1 block of a player not blocked", cohort: v1, users: []string{"p00002", "p00009"}, want: []string{"U2"},
			wantErr: `player "p00009"`},
			sandbox.Options{WrongPlayer: "p00009"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.run(t, func(t *testing.T) string { return startSandbox(t, nil, tt.opts).URL() })
		})
	}
}

// listServer is a list endpoint over records that answers pages and counts
// as a test tells it to.
type listServer struct {
	records []map[string]any
	// page answers a page request; nil: the records at offset, per_page of them.
	page func(offset, perPage int) []map[string]any
	// counts are the answers to the count requests in turn, the last
	// repeated; "" answers {"count":N} for the whole list.
	counts []string

	mu      sync.Mutex
	counted int // count requests answered
}

func (l *listServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	opt, ok := listOption(w, r)
	if !ok {
		return
	}
	if opt.Count {
		l.mu.Lock()
		i := min(l.counted, len(l.counts)-1)
		l.counted++
		l.mu.Unlock()
		if len(l.counts) == 0 || l.counts[i] == "" {
			fmt.Fprintf(w, `{"count":%d}`, len(l.records))
			return
		}
		fmt.Fprint(w, l.counts[i])
		return
	}
	var page []map[string]any
	if l.page != nil {
		page = l.page(opt.Offset, opt.PerPage)
	} else {
		page = l.records[min(opt.Offset, len(l.records)):min(opt.Offset+opt.PerPage, len(l.records))]
	}
	if page == nil {
		page = []map[string]any{}
	}
	json.NewEncoder(w).Encode(page)
}

// TestClientUnreliableAnswers covers, with servers of its own, what the
// sandbox does not inject: counts that change while a list is paged, a page
// of records already seen, and an HTML 404 from a proxy on per-player
// lookups.
func TestClientUnreliableAnswers(t *testing.T) {
	records := linkings(250)
	allLinkings := config.Cohort{Name: "all", Source: "gamepot.main", Dataset: "linkings"}
	linkingIDs := idRange("L", 0, 250, 1)
	without120 := slices.Delete(slices.Clone(records), 120, 121)
	tests := []struct {
		faultCase
		list func() *listServer // a fresh server per run; nil: the per-player server
	}{
		{faultCase{name: "count grows from 250 to 260 while paged", cohort: allLinkings, want: linkingIDs},
			func() *listServer {
				return &listServer{records: records, counts: []string{`{"count":250}`, `{"count":260}`}}
			}},
		{faultCase{name: "count falls from 260 to 250 while paged", cohort: allLinkings, want: linkingIDs},
			func() *listServer {
				return &listServer{records: records, counts: []string{`{"count":260}`, `{"count":250}`}}
			}},
		{faultCase{name: "count 300 then 280, above the list both times", cohort: allLinkings, want: linkingIDs,
			wantErr: "received 250 distinct records, fewer than the 280 the endpoint counts (300 before paging, 280 after)"},
			func() *listServer {
				return &listServer{records: records, counts: []string{`{"count":300}`, `{"count":280}`}}
			}},
		{faultCase{name: "count 250 then 251, a record missing from a page", cohort: allLinkings, want: linkingIDs,
			wantErr: "received 249 distinct records, fewer than the 250 the endpoint counts (250 before paging, 251 after)"},
			func() *listServer {
				return &listServer{records: records, counts: []string{`{"count":250}`, `{"count":251}`}, page: func(offset, perPage int) []map[string]any {
					return without120[min(offset, 249):min(offset+perPage, 249)]
				}}
			}},
		{faultCase{name: "a page of records all seen before", cohort: allLinkings, want: linkingIDs,
			wantErr: "page at offset 99 repeats earlier records only: the server does not page"},
			func() *listServer { return &listServer{records: records, page: seenAt99(records)} }},
		{faultCase{name: "a page of records all seen before, no usable count", cohort: allLinkings, want: linkingIDs,
			wantErr: "page at offset 99 repeats earlier records only: the server does not page"},
			func() *listServer {
				return &listServer{records: records, page: seenAt99(records), counts: []string{`{"total":"many"}`}}
			}},
		{faultCase{name: "HTML 404 on a Chat member lookup", users: []string{"p00001", "p00002"}, want: []string{"p00001", "p00002"},
			cohort:  config.Cohort{Name: "chat", Source: "ncloud_chat.main", Dataset: "chat_members"},
			wantErr: `player "p00002": GET /v1/api/members/{userId}: HTTP 404 with a body that is not JSON`}, nil},
		{faultCase{name: "HTML 404 on a v1 block lookup", users: []string{"p00001", "p00002"}, want: []string{"U1", "U2"},
			cohort:  config.Cohort{Name: "v1", Source: "gamepot.main", Dataset: "user_block"},
			wantErr: `player "p00002": GET /v1/api/project/{projectId}/user/{userId}/block: HTTP 404 with a body that is not JSON`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.run(t, func(t *testing.T) string {
				var h http.Handler = proxy404()
				if tt.list != nil {
					h = tt.list()
				}
				srv := httptest.NewServer(h)
				t.Cleanup(srv.Close)
				return srv.URL
			})
		})
	}
}

// seenAt99 answers the page at offset 99 with the record it must start with
// followed by records of the first page, and every other page truly.
func seenAt99(records []map[string]any) func(offset, perPage int) []map[string]any {
	return func(offset, perPage int) []map[string]any {
		if offset == 99 {
			return append([]map[string]any{records[99]}, records[:perPage-1]...)
		}
		return records[min(offset, len(records)):min(offset+perPage, len(records))]
	}
}

// proxy404 answers player p00001's lookups as the APIs do and every other
// player's with the HTML 404 page of a proxy in front of them.
func proxy404() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/api/members/p00001", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"id":"p00001","member_id":"p00001","online":false,"deleted":false}`)
	})
	mux.HandleFunc("GET /v1/api/project/gamepot.main/user/p00001/block", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"status":1,"result":{"id":"U1","member_id":"p00001","type":"manual","status":1,"deleted":false}}`)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body><center><h1>404 Not Found</h1></center></body>\r\n</html>\r\n")
	})
	return mux
}
