package sandbox_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/gpaudit/gpaudit/dataset"
	"github.com/gpaudit/gpaudit/fetch/sandbox"
	"github.com/gpaudit/gpaudit/fetch/sandbox/sandboxtest"
	"github.com/gpaudit/gpaudit/snapshot"
)

func TestList(t *testing.T) {
	s := startFixture(t, sandbox.Options{})
	tests := []struct {
		name                 string
		path, project        string
		filter, sort, option string
		want                 []string
	}{
		{name: "all in file order", filter: "{}", want: []string{"l1", "l2", "l3", "l4", "l5"}},
		{name: "filter one field", filter: `{"provider":"google"}`, want: []string{"l1", "l3", "l4"}},
		{name: "filter all fields must match", filter: `{"provider":"google","user_id":"u1"}`, want: []string{"l1", "l4"}},
		{name: "filter number", filter: `{"level":5}`, want: []string{"l1", "l3"}},
		{name: "filter number other spelling", filter: `{"level":5.0}`, want: []string{"l1", "l3"}},
		{name: "filter string never equals number", filter: `{"level":"5"}`, want: []string{}},
		{name: "filter whole object", filter: `{"member_id":{"id":"g1"}}`, want: []string{"l1", "l4"}},
		{name: "filter part of object does not match", filter: `{"member_id":{}}`, want: []string{}},
		{name: "filter null", filter: `{"deletedAt":null}`, want: []string{"l1", "l2", "l3", "l5"}},
		{name: "filter null matches a missing field", filter: `{"level":null}`, want: []string{"l4"}},
		{name: "filter no such value", filter: `{"user_id":"nobody"}`, want: []string{}},
		{name: "empty sort keeps file order", filter: "{}", sort: "{}", want: []string{"l1", "l2", "l3", "l4", "l5"}},
		// l3 (05:00Z) is later than l1 (13:40+09:00) though its text sorts first.
		{name: "sort timestamps by instant ascending, null first", filter: "{}", sort: `{"createdAt":"1"}`, want: []string{"l4", "l2", "l1", "l3", "l5"}},
		{name: "sort timestamps by instant descending, null last", filter: "{}", sort: `{"createdAt":"-1"}`, want: []string{"l5", "l3", "l1", "l2", "l4"}},
		{name: "sort direction as a number", filter: "{}", sort: `{"createdAt":-1}`, want: []string{"l5", "l3", "l1", "l2", "l4"}},
		{name: "sort numbers by value, stable", filter: "{}", sort: `{"level":"1"}`, want: []string{"l4", "l1", "l3", "l2", "l5"}},
		{name: "sort strings", filter: "{}", sort: `{"user_id":"-1"}`, want: []string{"l5", "l3", "l2", "l1", "l4"}},
		{name: "sort on a field nobody has", filter: "{}", sort: `{"nope":"-1"}`, want: []string{"l1", "l2", "l3", "l4", "l5"}},
		{name: "sort several keys, first primary", filter: "{}", sort: `{"provider":"1","createdAt":"-1"}`, want: []string{"l2", "l5", "l3", "l1", "l4"}},
		{name: "sort key order matters", filter: "{}", sort: `{"createdAt":"-1","provider":"1"}`, want: []string{"l5", "l3", "l1", "l2", "l4"}},
		{name: "filter then sort", filter: `{"provider":"google"}`, sort: `{"id":"-1"}`, want: []string{"l4", "l3", "l1"}},
		{name: "page", filter: "{}", sort: `{"id":"1"}`, option: `{"offset":1,"per_page":2}`, want: []string{"l2", "l3"}},
		{name: "last page is short", filter: "{}", sort: `{"id":"1"}`, option: `{"offset":4,"per_page":2}`, want: []string{"l5"}},
		{name: "offset past the end", filter: "{}", option: `{"offset":10,"per_page":2}`, want: []string{}},
		{name: "per_page 100", filter: "{}", option: `{"per_page":100}`, want: []string{"l1", "l2", "l3", "l4", "l5"}},
		{name: "per_page 1", filter: "{}", option: `{"per_page":1}`, want: []string{"l1"}},
		{name: "count false lists", filter: "{}", option: `{"count":false,"per_page":2}`, want: []string{"l1", "l2"}},
		{name: "unknown option ignored", filter: "{}", option: `{"per_page":2,"cursor":"x"}`, want: []string{"l1", "l2"}},
		{name: "null option values are absent", filter: "{}", option: `{"offset":null,"per_page":null,"count":null}`, want: []string{"l1", "l2", "l3", "l4", "l5"}},
		{name: "memberblock", path: "/v2/memberblock", filter: `{"member_id":"u2"}`, sort: `{"createdAt":"1"}`, want: []string{"b3", "b1"}},
		{name: "memberblock boolean filter", path: "/v2/memberblock", filter: `{"deleted":true}`, want: []string{"b3"}},
		{name: "another project's data", path: "/v2/memberblock", project: "gamepot.other", filter: "{}", want: []string{"ob1"}},
		{name: "dataset missing from the snapshot is empty", project: "gamepot.other", filter: "{}", want: []string{}},
		{name: "chat members", path: "/v1/api/members", project: "ncloud_chat.main", filter: `{"country":"KR"}`, want: []string{"u1", "u3"}},
		// u3 and a/b were created at the same instant in two offsets: their text decides.
		{name: "chat members sorted", path: "/v1/api/members", project: "ncloud_chat.main", filter: "{}", sort: `{"created_at":"-1"}`, want: []string{"a/b", "u3", "u1", "u2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, project := cmpOr(tt.path, "/v2/linkings"), cmpOr(tt.project, "gamepot.main")
			header := gamepotHeaders(project)
			if strings.HasPrefix(path, "/v1/") {
				header = chatHeaders(project)
			}
			// Twice: the second answer comes from the view cache and must not differ.
			var first string
			for i := range 2 {
				a := get(t, s.URL(), path, listQuery(tt.filter, tt.sort, tt.option), header)
				if a.status != http.StatusOK {
					t.Fatalf("status %d, body %s", a.status, a.body)
				}
				if ct := a.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
					t.Errorf("Content-Type %q", ct)
				}
				if got := ids(t, a.body); !slices.Equal(got, tt.want) {
					t.Errorf("ids %v, want %v", got, tt.want)
				}
				if i == 0 {
					first = a.body
				} else if a.body != first {
					t.Errorf("second answer differs:\n%s\n%s", first, a.body)
				}
			}
		})
	}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func TestListRecordsAsStored(t *testing.T) {
	s := startFixture(t, sandbox.Options{})
	a := get(t, s.URL(), "/v2/memberblock", listQuery(`{"id":"b1"}`, "", ""), gamepotHeaders("gamepot.main"))
	want := `[{"createdAt":"2025-07-24T15:56:33+09:00","deleted":false,"id":"b1","member_id":"u2","message":"<b>cheat</b> & more","status":1,"type":"manual"}]`
	if a.status != http.StatusOK || a.body != want {
		t.Errorf("got %d %s\nwant 200 %s", a.status, a.body, want)
	}
}

func TestListDefaultPerPage(t *testing.T) {
	f := snapshot.File{Source: "gamepot.main", Dataset: "linkings", Filters: []map[string]any{{}}}
	for i := range 25 {
		f.Records = append(f.Records, map[string]any{"id": fmt.Sprintf("l%02d", i)})
	}
	s := sandboxtest.New(t, sandbox.Options{Data: writeSnapshot(t, []snapshot.File{f}), APIKey: testKey})
	for _, option := range []string{"", `{}`, `{"offset":0}`} {
		a := get(t, s.URL(), "/v2/linkings", listQuery("{}", "", option), gamepotHeaders("gamepot.main"))
		if got := ids(t, a.body); len(got) != 20 || got[0] != "l00" {
			t.Errorf("option %q: %d records from %v, want 20 from l00", option, len(got), got)
		}
	}
}

// TestDatasetCountShapes holds each list dataset's default count shape, in
// the dataset table, to the shapes the sandbox can give: a misspelt one
// would silently answer {"count":N}.
func TestDatasetCountShapes(t *testing.T) {
	for _, d := range dataset.All() {
		if d.List() && !slices.Contains(sandbox.CountShapes, d.CountShape) {
			t.Errorf("dataset %s: count shape %q is not one of %v", d.Name, d.CountShape, sandbox.CountShapes)
		}
	}
}

func TestCount(t *testing.T) {
	type endpoint struct {
		path, project, filter string
		n                     int
	}
	linkings := endpoint{"/v2/linkings", "gamepot.main", `{"provider":"google"}`, 3}
	memberblock := endpoint{"/v2/memberblock", "gamepot.main", "{}", 3}
	members := endpoint{"/v1/api/members", "ncloud_chat.main", `{"country":"KR"}`, 2}
	empty := endpoint{"/v2/linkings", "gamepot.other", "{}", 0}
	tests := []struct {
		shape string
		ep    endpoint
		want  string
	}{
		{"", linkings, `{"count":3}`},
		{"", memberblock, `{"totalCount":3}`},
		{"", members, `{"data":{"members":{"totalCount":2}}}`},
		{"", empty, `{"count":0}`},
		{"number", linkings, `3`},
		{"number", members, `2`},
		{"count", memberblock, `{"count":3}`},
		{"count", members, `{"count":2}`},
		{"totalCount", linkings, `{"totalCount":3}`},
		{"data", linkings, `{"data":{"linkings":{"totalCount":3}}}`},
		{"data", memberblock, `{"data":{"memberblock":{"totalCount":3}}}`},
		{"result", linkings, `{"status":1,"result":{"totalCount":3}}`},
		{"result", members, `{"status":1,"result":{"totalCount":2}}`},
	}
	servers := map[string]*sandbox.Server{}
	for _, shape := range append([]string{""}, sandbox.CountShapes...) {
		servers[shape] = startFixture(t, sandbox.Options{CountShape: shape})
	}
	for _, tt := range tests {
		t.Run(cmpOr(tt.shape, "default")+tt.ep.path+"/"+tt.ep.project, func(t *testing.T) {
			s := servers[tt.shape]
			header := gamepotHeaders(tt.ep.project)
			if tt.ep.project == "ncloud_chat.main" {
				header = chatHeaders(tt.ep.project)
			}
			// Paging options do not change a count.
			for _, option := range []string{`{"count":true}`, `{"count":true,"offset":2,"per_page":1}`} {
				a := get(t, s.URL(), tt.ep.path, listQuery(tt.ep.filter, `{"id":"1"}`, option), header)
				if a.status != http.StatusOK || a.body != tt.want {
					t.Errorf("option %s: got %d %s, want 200 %s", option, a.status, a.body, tt.want)
				}
			}
		})
	}
}

func TestListBadParameters(t *testing.T) {
	s := startFixture(t, sandbox.Options{})
	const (
		notJSON   = `{"status":-11,"message":"parameter %s is not valid JSON"}`
		badSort   = `{"status":-11,"message":"parameter sort must be a JSON object of fields to \"1\" or \"-1\""}`
		badPage   = `{"status":-11,"message":"option per_page must be an integer from 1 to 100"}`
		badOffset = `{"status":-11,"message":"option offset must be an integer ≥ 0"}`
	)
	tests := []struct {
		name                 string
		filter, sort, option string
		want                 string
	}{
		{"no filter", "", "", "", `{"status":-11,"message":"required parameter missing: filter (send {} for no filter)"}`},
		{"filter not JSON", `{provider:"google"}`, "", "", fmt.Sprintf(notJSON, "filter")},
		{"filter cut short", `{"provider":"goo`, "", "", fmt.Sprintf(notJSON, "filter")},
		{"filter an array", `[]`, "", "", `{"status":-11,"message":"parameter filter must be a JSON object"}`},
		{"filter null", `null`, "", "", `{"status":-11,"message":"parameter filter must be a JSON object"}`},
		{"filter then more", `{} {}`, "", "", `{"status":-11,"message":"parameter filter is not valid JSON: data after the value"}`},
		{"sort not JSON", "{}", `createdAt:-1`, "", badSort},
		{"sort an array", "{}", `["createdAt"]`, "", badSort},
		{"sort direction word", "{}", `{"createdAt":"desc"}`, "", badSort},
		{"sort direction 2", "{}", `{"createdAt":2}`, "", badSort},
		{"sort cut short", "{}", `{"createdAt":"-1"`, "", badSort},
		{"sort then more", "{}", `{"createdAt":"-1"}x`, "", badSort},
		{"sort field twice", "{}", `{"id":"1","id":"-1"}`, "", `{"status":-11,"message":"parameter sort names a field twice"}`},
		{"option not JSON", "{}", "", `{offset:0}`, fmt.Sprintf(notJSON, "option")},
		{"option a number", "{}", "", `20`, `{"status":-11,"message":"parameter option must be a JSON object"}`},
		{"per_page 0", "{}", "", `{"per_page":0}`, badPage},
		{"per_page 101", "{}", "", `{"per_page":101}`, badPage},
		{"per_page negative", "{}", "", `{"per_page":-5}`, badPage},
		{"per_page a string", "{}", "", `{"per_page":"20"}`, badPage},
		{"per_page a fraction", "{}", "", `{"per_page":1.5}`, badPage},
		{"offset negative", "{}", "", `{"offset":-1}`, badOffset},
		{"offset a string", "{}", "", `{"offset":"0"}`, badOffset},
		{"count a string", "{}", "", `{"count":"true"}`, `{"status":-11,"message":"option count must be true or false"}`},
		{"bad option with count", "{}", "", `{"count":true,"per_page":101}`, badPage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, path := range []string{"/v2/linkings", "/v2/memberblock", "/v1/api/members"} {
				header := gamepotHeaders("gamepot.main")
				if path == "/v1/api/members" {
					header = chatHeaders("ncloud_chat.main")
				}
				a := get(t, s.URL(), path, listQuery(tt.filter, tt.sort, tt.option), header)
				if a.status != http.StatusBadRequest || a.body != tt.want {
					t.Errorf("%s: got %d %s\nwant 400 %s", path, a.status, a.body, tt.want)
				}
			}
		})
	}
}

func TestHeaders(t *testing.T) {
	s := startFixture(t, sandbox.Options{})
	const (
		missingKey     = `{"status":-9,"message":"required header missing: x-api-key"}`
		missingProject = `{"status":-9,"message":"required header missing: x-project-id"}`
		missingAccept  = `{"status":-9,"message":"required header missing: Accept: application/json"}`
		wrongKey       = `{"status":-1,"message":"API key is not registered or has no permission."}`
		wrongProject   = `{"status":-6,"message":"projectId was wrong."}`
	)
	without := func(h http.Header, name string) http.Header { h.Del(name); return h }
	with := func(h http.Header, name, value string) http.Header { h.Set(name, value); return h }
	list := listQuery("{}", "", "")
	tests := []struct {
		name       string
		path       string
		query      bool
		header     http.Header
		wantStatus int
		want       string // "" when only the status matters
	}{
		{"v2 ok", "/v2/linkings", true, gamepotHeaders("gamepot.main"), 200, ""},
		{"v2 no key", "/v2/linkings", true, without(gamepotHeaders("gamepot.main"), "x-api-key"), 400, missingKey},
		{"v2 no key and unknown project", "/v2/linkings", true, without(gamepotHeaders("nope.nope"), "x-api-key"), 400, missingKey},
		{"v2 no project", "/v2/memberblock", true, without(gamepotHeaders("gamepot.main"), "x-project-id"), 400, missingProject},
		{"v2 no accept", "/v2/linkings", true, without(gamepotHeaders("gamepot.main"), "Accept"), 400, missingAccept},
		{"v2 accept html", "/v2/linkings", true, with(gamepotHeaders("gamepot.main"), "Accept", "text/html"), 400, missingAccept},
		{"v2 accept anything", "/v2/linkings", true, with(gamepotHeaders("gamepot.main"), "Accept", "*/*"), 200, ""},
		{"v2 accept list", "/v2/linkings", true, with(gamepotHeaders("gamepot.main"), "Accept", "text/html, application/json;q=0.9"), 200, ""},
		{"v2 wrong key", "/v2/linkings", true, with(gamepotHeaders("gamepot.main"), "x-api-key", "other"), 401, wrongKey},
		{"v2 wrong key before bad parameters", "/v2/linkings", false, with(gamepotHeaders("gamepot.main"), "x-api-key", "other"), 401, wrongKey},
		{"v2 unknown project", "/v2/linkings", true, gamepotHeaders("gamepot.nope"), 400, wrongProject},
		{"v2 chat project", "/v2/memberblock", true, gamepotHeaders("ncloud_chat.main"), 400, wrongProject},
		{"chat ok without accept", "/v1/api/members", true, chatHeaders("ncloud_chat.main"), 200, ""},
		{"chat no key", "/v1/api/members", true, without(chatHeaders("ncloud_chat.main"), "x-api-key"), 400, missingKey},
		{"chat no project", "/v1/api/members", true, without(chatHeaders("ncloud_chat.main"), "x-project-id"), 400, missingProject},
		{"chat gamepot project", "/v1/api/members", true, chatHeaders("gamepot.main"), 400, wrongProject},
		{"chat member wrong key", "/v1/api/members/u1", false, with(chatHeaders("ncloud_chat.main"), "x-api-key", "other"), 401, wrongKey},
		{"chat member no project", "/v1/api/members/u1", false, without(chatHeaders("ncloud_chat.main"), "x-project-id"), 400, missingProject},
		{"chat member gamepot project", "/v1/api/members/u1", false, chatHeaders("gamepot.main"), 400, wrongProject},
		{"v1 ok with key only", "/v1/api/project/gamepot.main/user/u1/block", false, v1Headers(), 200, ""},
		{"v1 no key", "/v1/api/project/gamepot.main/user/u1/block", false, http.Header{}, 400, missingKey},
		{"v1 wrong key", "/v1/api/project/gamepot.main/user/u1/block", false, http.Header{"X-Api-Key": {"other"}}, 401, wrongKey},
		{"v1 unknown project", "/v1/api/project/12a0f2ff/user/u1/block", false, v1Headers(), 400, wrongProject},
		{"v1 chat project", "/v1/api/project/ncloud_chat.main/user/u1/block", false, v1Headers(), 400, wrongProject},
		{"v1 header project ignored", "/v1/api/project/gamepot.nope/user/u1/block", false, with(v1Headers(), "x-project-id", "gamepot.main"), 400, wrongProject},
		{"unknown path", "/v2/linking", true, gamepotHeaders("gamepot.main"), 404, `{"status":-11,"message":"unknown endpoint"}`},
		{"trailing slash", "/v2/linkings/", true, gamepotHeaders("gamepot.main"), 404, `{"status":-11,"message":"unknown endpoint"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var q map[string][]string
			if tt.query {
				q = list
			}
			a := get(t, s.URL(), tt.path, q, tt.header)
			if a.status != tt.wantStatus || (tt.want != "" && a.body != tt.want) {
				t.Errorf("got %d %s\nwant %d %s", a.status, a.body, tt.wantStatus, tt.want)
			}
		})
	}
}

func TestMethodNotAllowed(t *testing.T) {
	s := startFixture(t, sandbox.Options{})
	req, err := http.NewRequest(http.MethodPost, s.URL()+"/v2/linkings?filter=%7B%7D", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = gamepotHeaders("gamepot.main")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET" {
		t.Errorf("POST: status %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}
