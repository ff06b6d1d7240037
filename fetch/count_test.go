package fetch_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/fetch"
	"github.com/gpaudit/gpaudit/fetch/sandbox"
)

func TestCountShapes(t *testing.T) {
	cohorts := []struct {
		cohort config.Cohort
		want   int
	}{
		{config.Cohort{Name: "links", Source: "gamepot.main", Dataset: "linkings"}, 250},
		{config.Cohort{Name: "google", Source: "gamepot.main", Dataset: "linkings", Filter: map[string]any{"provider": "google"}}, 125},
		{config.Cohort{Name: "auto", Source: "gamepot.main", Dataset: "memberblock", Filter: map[string]any{"type": "autopurchase"}}, 10},
		{config.Cohort{Name: "chat", Source: "ncloud_chat.main", Dataset: "chat_members"}, 30},
		{config.Cohort{Name: "none", Source: "ncloud_chat.main", Dataset: "chat_members", Filter: map[string]any{"name": "nobody"}}, 0},
	}
	for _, shape := range append([]string{""}, sandbox.CountShapes...) {
		t.Run("shape "+shape, func(t *testing.T) {
			srv := startSandbox(t, nil, sandbox.Options{CountShape: shape})
			c := newClient(t, srv.URL(), fetch.ClientOptions{Concurrency: 4})
			for _, tt := range cohorts {
				before := srv.Stats().Requests
				n, err := c.Count(context.Background(), &tt.cohort)
				if err != nil {
					t.Fatalf("%s: %v", tt.cohort.Name, err)
				}
				if n != tt.want {
					t.Errorf("%s: count %d, want %d", tt.cohort.Name, n, tt.want)
				}
				if sent := srv.Stats().Requests - before; sent != 1 {
					t.Errorf("%s: Count sent %d requests, want 1", tt.cohort.Name, sent)
				}
			}
			// The list fetch relies on the count too.
			got, err := c.Cohort(context.Background(), &cohorts[0].cohort, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 250 {
				t.Errorf("%d linkings, want 250", len(got))
			}
			if len(c.Fetched()) != 1 {
				t.Errorf("Count must not add to Fetched: %d files", len(c.Fetched()))
			}
		})
	}
}

func TestCountPerPlayerCohort(t *testing.T) {
	srv := startSandbox(t, nil, sandbox.Options{})
	c := newClient(t, srv.URL(), fetch.ClientOptions{})
	for _, coh := range []config.Cohort{
		{Name: "v1", Source: "gamepot.main", Dataset: "user_block", UsersCohort: "x"},
		{Name: "chat", Source: "ncloud_chat.main", Dataset: "chat_members", Users: []string{"p1"}},
	} {
		if _, err := c.Count(context.Background(), &coh); err == nil || !strings.Contains(err.Error(), "read per player") {
			t.Errorf("%s: error = %v, want read per player", coh.Name, err)
		}
	}
	if n := srv.Stats().Requests; n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// TestCountUnknownShapes serves count answers no documentation shows: each
// must be an error that names the endpoint, never a zero.
func TestCountUnknownShapes(t *testing.T) {
	tests := []struct {
		body    string
		wantErr string
	}{
		{`{"total":5}`, "the count answer is an object with keys [total], none of the known count shapes"},
		{`"12"`, "the count answer is a string"},
		{`null`, "the count answer is null"},
		{`-3`, "count -3 is not a whole number of records"},
		{`1.5`, "count 1.5 is not a whole number of records"},
		{`{"count":"12"}`, "the count answer's count is a string, not a number"},
		{`{"data":{"members":{"total":3}}}`, "none of the known count shapes"},
		{`{"status":1,"result":{"count":3}}`, "none of the known count shapes"},
		{`[]`, "the count request was answered with a list"},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, tt.body)
			}))
			defer srv.Close()
			c := newClient(t, srv.URL, fetch.ClientOptions{})
			n, err := c.Count(context.Background(), &config.Cohort{Name: "links", Source: "gamepot.main", Dataset: "linkings"})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "GET /v2/linkings") {
				t.Errorf("Count = %d, %v; want an error naming GET /v2/linkings and containing %q", n, err, tt.wantErr)
			}
		})
	}
}

// TestCohortWhenCountFails: the count only saves requests, so an answer in
// no known shape makes Cohort page one at a time; an error answer (a wrong
// key, a server that keeps failing) fails the cohort as any request would.
func TestCohortWhenCountFails(t *testing.T) {
	records := linkings(150)
	for _, tt := range []struct {
		name    string
		status  int
		count   string // "list": answered with the first page
		wantErr string
	}{
		{name: "unknown object", status: 200, count: `{"total":150}`},
		{name: "count is a string", status: 200, count: `{"count":"150"}`},
		{name: "negative", status: 200, count: `-3`},
		{name: "list", status: 200, count: "list"},
		{name: "wrong key", status: 401, count: `{"status":-1,"message":"no"}`, wantErr: "count: GET /v2/linkings: status -1 (API key not registered"},
		{name: "server error", status: 503, count: `<html>busy</html>`, wantErr: "count: GET /v2/linkings: HTTP 503 with a body that is not JSON"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var opt struct {
					Offset  int  `json:"offset"`
					PerPage int  `json:"per_page"`
					Count   bool `json:"count"`
				}
				json.Unmarshal([]byte(r.URL.Query().Get("option")), &opt)
				if opt.Count && tt.count != "list" {
					w.WriteHeader(tt.status)
					fmt.Fprint(w, tt.count)
					return
				}
				perPage := max(opt.PerPage, 100) // a count request answered as a list has none
				json.NewEncoder(w).Encode(records[min(opt.Offset, 150):min(opt.Offset+perPage, 150)])
			}))
			defer srv.Close()
			c := newClient(t, srv.URL, fetch.ClientOptions{Concurrency: 4, MaxRetries: 1})
			got, err := c.Cohort(context.Background(), &config.Cohort{Name: "links", Source: "gamepot.main", Dataset: "linkings"}, nil)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(idRange("L", 0, 150, 1), recordIDs(got)); diff != "" {
				t.Errorf("record ids (-want +got):\n%s", diff)
			}
			// Count stays strict: plan --count must not show a guess.
			if tt.count != "list" {
				if n, err := c.Count(context.Background(), &config.Cohort{Name: "links", Source: "gamepot.main", Dataset: "linkings"}); err == nil {
					t.Errorf("Count = %d, want an error for the count answer %s", n, tt.count)
				}
			}
		})
	}
}
