package fetch_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/fetch"
	"github.com/gpaudit/gpaudit/fetch/sandbox"
	"github.com/gpaudit/gpaudit/snapshot"
)

// changingList serves records as a list endpoint that ignores filter and
// sort, and lets a test change the list between requests, as other writers
// to a real project do. The sandbox serves a fixed snapshot, so it cannot.
type changingList struct {
	mu      sync.Mutex
	records []map[string]any
	pages   int // page requests answered; count requests are not pages
	firsts  int // requests for offset 0
	// change, if set, alters the list after page request n (1-based) was answered.
	change func(n int, records []map[string]any) []map[string]any
}

// option is a list request's option parameter, as a fake server reads it.
type option struct {
	Offset  int  `json:"offset"`
	PerPage int  `json:"per_page"`
	Count   bool `json:"count"`
}

// listOption reads r's option for a fake list endpoint, answering 400 when
// it is not JSON; ok is false then.
func listOption(w http.ResponseWriter, r *http.Request) (opt option, ok bool) {
	if err := json.Unmarshal([]byte(r.URL.Query().Get("option")), &opt); err != nil {
		http.Error(w, "bad option", http.StatusBadRequest)
		return option{}, false
	}
	return opt, true
}

func (l *changingList) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	opt, ok := listOption(w, r)
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if opt.Count {
		fmt.Fprintf(w, `{"count":%d}`, len(l.records))
		return
	}
	page := l.records[min(opt.Offset, len(l.records)):min(opt.Offset+opt.PerPage, len(l.records))]
	json.NewEncoder(w).Encode(page)
	l.pages++
	if opt.Offset == 0 {
		l.firsts++
	}
	if l.change != nil {
		l.records = l.change(l.pages, l.records)
	}
}

// TestClientListChangesWhilePaged adds and removes records between the
// pages of a list. Offsets then shift: without the pages' overlap a removed
// record makes the next one fall between two pages unseen.
func TestClientListChangesWhilePaged(t *testing.T) {
	without := func(ids []string, drop string) []string {
		return slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == drop })
	}
	tests := []struct {
		name   string
		change func(n int, records []map[string]any) []map[string]any
		// wantIDs are the records the cohort gets; wantErr instead, the error.
		wantIDs    []string
		wantErr    string
		wantFirsts int // times the list was paged from offset 0
	}{
		{
			name:       "unchanged",
			wantIDs:    idRange("L", 0, 250, 1),
			wantFirsts: 1,
		},
		{
			name: "a record removed after the first page",
			change: func(n int, records []map[string]any) []map[string]any {
				if n == 1 {
					return slices.Delete(records, 10, 11) // L00010
				}
				return records
			},
			wantIDs:    without(idRange("L", 0, 250, 1), "L00010"),
			wantFirsts: 2,
		},
		{
			name: "a record added at the front after the first page",
			change: func(n int, records []map[string]any) []map[string]any {
				if n == 1 {
					return slices.Insert(records, 0, map[string]any{"id": "N00000", "provider": "google"})
				}
				return records
			},
			wantIDs:    append([]string{"N00000"}, idRange("L", 0, 250, 1)...),
			wantFirsts: 2,
		},
		{
			name: "a record removed after every page",
			change: func(_ int, records []map[string]any) []map[string]any {
				return slices.Delete(records, 0, 1)
			},
			wantErr:    "fetch linkings: paged 3 times: page at offset 99 does not begin with the last record of the page before: the list changed while it was paged; try again",
			wantFirsts: 3,
		},
	}
	for _, tt := range tests {
		for _, concurrency := range []int{1, 4} {
			t.Run(fmt.Sprintf("%s, concurrency %d", tt.name, concurrency), func(t *testing.T) {
				list := &changingList{records: linkings(250), change: tt.change}
				srv := httptest.NewServer(list)
				defer srv.Close()
				c := newClient(t, srv.URL, fetch.ClientOptions{Concurrency: concurrency})
				got, err := c.Cohort(context.Background(), &config.Cohort{Name: "all", Source: "gamepot.main", Dataset: "linkings"}, nil)
				if tt.wantErr != "" {
					if err == nil || err.Error() != tt.wantErr {
						t.Errorf("error = %v\nwant %s", err, tt.wantErr)
					}
					if f := c.Fetched(); len(f) != 0 {
						t.Errorf("Fetched() = %d files after the list kept changing, want none", len(f))
					}
				} else {
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(tt.wantIDs, recordIDs(got)); diff != "" {
						t.Errorf("record ids (-want +got):\n%s", diff)
					}
				}
				list.mu.Lock()
				defer list.mu.Unlock()
				if list.firsts != tt.wantFirsts {
					t.Errorf("paged from the start %d times, want %d", list.firsts, tt.wantFirsts)
				}
			})
		}
	}
}

// TestClientListChecksFilter serves list answers that do not all match the
// cohort's filter, as a server that ignores or loosely matches a filter key
// would. The sandbox filters exactly as the client does, so it cannot.
func TestClientListChecksFilter(t *testing.T) {
	records := linkings(10) // google at even indexes, apple at odd ones
	tests := []struct {
		name   string
		filter map[string]any
		// match is the server's filter.
		match   func(record, filter map[string]any) bool
		wantIDs []string
		wantErr string
	}{
		{
			name:    "server filters like gpaudit",
			filter:  map[string]any{"provider": "google", "user_id": "p00002"},
			match:   snapshot.MatchFilter,
			wantIDs: []string{"L00002"},
		},
		{
			name:    "server ignores the filter",
			filter:  map[string]any{"provider": "google"},
			match:   func(map[string]any, map[string]any) bool { return true },
			wantErr: "fetch linkings: page at offset 0: GET /v2/linkings: 5 of 10 records do not match the cohort's filter on [provider]: the server filters differently from gpaudit",
		},
		{
			name:   "server ignores one key",
			filter: map[string]any{"provider": "google", "user_id": "p00002"},
			match: func(r, f map[string]any) bool {
				return r["provider"] == f["provider"]
			},
			wantErr: "GET /v2/linkings: 4 of 5 records do not match the cohort's filter on [provider user_id]",
		},
		{
			name:   "server matches case-insensitively",
			filter: map[string]any{"provider": "Google"},
			match: func(r, f map[string]any) bool {
				return strings.EqualFold(fmt.Sprint(r["provider"]), fmt.Sprint(f["provider"]))
			},
			wantErr: "GET /v2/linkings: 5 of 5 records do not match the cohort's filter on [provider]",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var filter map[string]any
				if err := json.Unmarshal([]byte(r.URL.Query().Get("filter")), &filter); err != nil {
					http.Error(w, "bad filter", http.StatusBadRequest)
					return
				}
				opt, ok := listOption(w, r)
				if !ok {
					return
				}
				out := []map[string]any{}
				for _, rec := range records {
					if tt.match(rec, filter) {
						out = append(out, rec)
					}
				}
				if opt.Count {
					fmt.Fprintf(w, `{"count":%d}`, len(out))
					return
				}
				json.NewEncoder(w).Encode(out[min(opt.Offset, len(out)):min(opt.Offset+opt.PerPage, len(out))])
			}))
			defer srv.Close()
			c := newClient(t, srv.URL, fetch.ClientOptions{})
			got, err := c.Cohort(context.Background(), &config.Cohort{Name: "c", Source: "gamepot.main", Dataset: "linkings", Filter: tt.filter}, nil)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.wantIDs, recordIDs(got)); diff != "" {
					t.Errorf("record ids (-want +got):\n%s", diff)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v\nwant it to contain %s", err, tt.wantErr)
			}
			for _, value := range []string{"google", "Google", "p00002", "@example.com"} {
				if strings.Contains(err.Error(), value) {
					t.Errorf("error %q quotes the filter's or a record's value %q", err, value)
				}
			}
			if f := c.Fetched(); len(f) != 0 {
				t.Errorf("Fetched() = %d files, want none: records outside the filter must not be saved as its answer", len(f))
			}
		})
	}
}

// TestPageRequests pages through lists of n records around the page
// boundaries and checks that PageRequests, which plan shows, says how many
// page requests the client sent.
func TestPageRequests(t *testing.T) {
	for _, n := range []int{0, 1, 99, 100, 101, 198, 199, 200, 297, 298} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			files := []snapshot.File{{Source: "gamepot.main", Dataset: "linkings", Filters: []map[string]any{{}}, Records: linkings(n)}}
			srv := startSandbox(t, files, sandbox.Options{})
			c := newClient(t, srv.URL(), fetch.ClientOptions{Concurrency: 1})
			got, err := c.Cohort(context.Background(), &config.Cohort{Name: "all", Source: "gamepot.main", Dataset: "linkings"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != n {
				t.Errorf("%d records, want %d", len(got), n)
			}
			// Two count requests, before and after paging, come with the pages.
			if sent, want := srv.Stats().Requests, fetch.PageRequests(n)+2; sent != want {
				t.Errorf("%d requests sent, PageRequests(%d) + 2 counts = %d", sent, n, want)
			}
		})
	}
}
