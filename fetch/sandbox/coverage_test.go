package sandbox_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/gpaudit/gpaudit/fetch/sandbox"
	"github.com/gpaudit/gpaudit/fetch/sandbox/sandboxtest"
	"github.com/gpaudit/gpaudit/snapshot"
)

// TestCoverage serves a snapshot that fetched only part of each dataset,
// and holds records beyond what it fetched, as a hand-made or merged file
// may: the sandbox must answer from the fetched part only.
func TestCoverage(t *testing.T) {
	records := func(lines ...string) []map[string]any {
		out := make([]map[string]any, len(lines))
		for i, l := range lines {
			out[i] = decodeRecord(t, l)
		}
		return out
	}
	files := []snapshot.File{
		{
			Source: "gamepot.main", Dataset: "linkings",
			Filters: []map[string]any{{"provider": "google"}, {"provider": "apple", "deletedAt": nil}},
			Records: records(
				`{"id":"l1","user_id":"u1","provider":"google","deletedAt":null}`,
				`{"id":"l2","user_id":"u2","provider":"google","deletedAt":"2025-09-20T00:00:00+09:00"}`,
				`{"id":"l3","user_id":"u3","provider":"apple","deletedAt":null}`,
				`{"id":"l4","user_id":"u4","provider":"apple","deletedAt":"2025-09-20T00:00:00+09:00"}`,
			),
		},
		{
			Source: "gamepot.main", Dataset: "user_block", Users: []string{"u1", "nobody"},
			Records: records(
				`{"id":"ub1","member_id":"u1","status":1}`,
				`{"id":"ub2","member_id":"u2","status":1}`,
			),
		},
		{
			Source: "ncloud_chat.main", Dataset: "chat_members", Users: []string{"u1", "gone"},
			Records: records(`{"id":"u1","name":"alpha"}`, `{"id":"u2","name":"beta"}`),
		},
		{
			Source: "ncloud_chat.other", Dataset: "chat_members", Filters: []map[string]any{{}},
			Records: records(`{"id":"x1","name":"xi"}`),
		},
	}
	s := sandboxtest.New(t, sandbox.Options{Data: writeSnapshot(t, files), APIKey: testKey})

	const (
		linkingsNotCovered = `the sandbox snapshot does not cover filter %s of gamepot.main/linkings: ` +
			`it fetched {\"deletedAt\":null,\"provider\":\"apple\"}, {\"provider\":\"google\"}`
		playerNotCovered = `{"status":-11,"message":"the sandbox snapshot does not cover player \"%s\" of %s: the player was not looked up"}`
	)
	tests := []struct {
		name           string
		path, project  string
		filter, option string
		wantStatus     int
		wantBody       string   // exact, "" when wantIDs says it
		wantIDs        []string // of a list answer
	}{
		{name: "list everything, only part fetched", path: "/v2/linkings", filter: `{}`, wantStatus: 400,
			wantBody: `{"status":-11,"message":"` + strings.ReplaceAll(linkingsNotCovered, "%s", "{}") + `"}`},
		{name: "list a fetched filter", path: "/v2/linkings", filter: `{"provider":"google"}`, wantStatus: 200, wantIDs: []string{"l1", "l2"}},
		{name: "list a narrower filter", path: "/v2/linkings", filter: `{"user_id":"u1","provider":"google"}`, wantStatus: 200, wantIDs: []string{"l1"}},
		{name: "list part of what a filter fetched", path: "/v2/linkings", filter: `{"provider":"apple"}`, wantStatus: 400,
			wantBody: `{"status":-11,"message":"` + strings.ReplaceAll(linkingsNotCovered, "%s", `{\"provider\":\"apple\"}`) + `"}`},
		{name: "list a filter with null", path: "/v2/linkings", filter: `{"deletedAt":null,"provider":"apple"}`, wantStatus: 200, wantIDs: []string{"l3"}},
		{name: "count a filter never fetched", path: "/v2/linkings", filter: `{"provider":"facebook"}`, option: `{"count":true}`, wantStatus: 400,
			wantBody: `{"status":-11,"message":"` + strings.ReplaceAll(linkingsNotCovered, "%s", `{\"provider\":\"facebook\"}`) + `"}`},
		{name: "count a fetched filter", path: "/v2/linkings", filter: `{"provider":"google"}`, option: `{"count":true}`, wantStatus: 200, wantBody: `{"count":2}`},
		{name: "a dataset with no file is empty", path: "/v2/memberblock", filter: `{}`, wantStatus: 200, wantIDs: []string{}},
		{name: "chat list when only players were looked up", path: "/v1/api/members", project: "ncloud_chat.main", filter: `{}`, wantStatus: 400,
			wantBody: `{"status":-11,"message":"the sandbox snapshot does not cover filter {} of ncloud_chat.main/chat_members: it fetched no list, only players one by one"}`},
		{name: "block of a player looked up", path: "/v1/api/project/gamepot.main/user/u1/block", wantStatus: 200,
			wantBody: `{"status":1,"result":{"id":"ub1","member_id":"u1","status":1}}`},
		{name: "player looked up and not blocked", path: "/v1/api/project/gamepot.main/user/nobody/block", wantStatus: 200,
			wantBody: `{"status":1,"result":null}`},
		{name: "block of a player not looked up, record in the file", path: "/v1/api/project/gamepot.main/user/u2/block", wantStatus: 400,
			wantBody: strings.Replace(strings.Replace(playerNotCovered, "%s", "u2", 1), "%s", "gamepot.main/user_block", 1)},
		{name: "block of a player never heard of", path: "/v1/api/project/gamepot.main/user/u9/block", wantStatus: 400,
			wantBody: strings.Replace(strings.Replace(playerNotCovered, "%s", "u9", 1), "%s", "gamepot.main/user_block", 1)},
		{name: "member looked up", path: "/v1/api/members/u1", project: "ncloud_chat.main", wantStatus: 200, wantBody: `{"id":"u1","name":"alpha"}`},
		{name: "member looked up and not found", path: "/v1/api/members/gone", project: "ncloud_chat.main", wantStatus: 404, wantBody: `{"message":"member not found"}`},
		{name: "member not looked up, record in the file", path: "/v1/api/members/u2", project: "ncloud_chat.main", wantStatus: 400,
			wantBody: strings.Replace(strings.Replace(playerNotCovered, "%s", "u2", 1), "%s", "ncloud_chat.main/chat_members", 1)},
		{name: "member of a fully listed dataset", path: "/v1/api/members/x1", project: "ncloud_chat.other", wantStatus: 200, wantBody: `{"id":"x1","name":"xi"}`},
		{name: "member absent from a fully listed dataset", path: "/v1/api/members/x9", project: "ncloud_chat.other", wantStatus: 404, wantBody: `{"message":"member not found"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			project := cmpOr(tt.project, "gamepot.main")
			header := gamepotHeaders(project)
			switch {
			case strings.HasPrefix(tt.path, "/v1/api/members"):
				header = chatHeaders(project)
			case strings.HasPrefix(tt.path, "/v1/"):
				header = v1Headers()
			}
			var a answer
			if tt.filter != "" {
				a = get(t, s.URL(), tt.path, listQuery(tt.filter, "", tt.option), header)
			} else {
				a = get(t, s.URL(), tt.path, nil, header)
			}
			if a.status != tt.wantStatus {
				t.Errorf("status %d, want %d; body %s", a.status, tt.wantStatus, a.body)
			}
			if tt.wantIDs != nil {
				if got := ids(t, a.body); !slices.Equal(got, tt.wantIDs) {
					t.Errorf("ids %v, want %v", got, tt.wantIDs)
				}
				return
			}
			if a.body != tt.wantBody {
				t.Errorf("body\n%s\nwant\n%s", a.body, tt.wantBody)
			}
		})
	}
}

// TestCoverageNamesFewFilters keeps the answer short when a snapshot
// fetched many filters.
func TestCoverageNamesFewFilters(t *testing.T) {
	f := snapshot.File{Source: "gamepot.main", Dataset: "linkings"}
	for _, p := range []string{"a", "b", "c", "d", "e"} {
		f.Filters = append(f.Filters, map[string]any{"provider": p})
	}
	s := sandboxtest.New(t, sandbox.Options{Data: writeSnapshot(t, []snapshot.File{f}), APIKey: testKey})
	a := get(t, s.URL(), "/v2/linkings", listQuery(`{"provider":"z"}`, "", ""), gamepotHeaders("gamepot.main"))
	want := `{"status":-11,"message":"the sandbox snapshot does not cover filter {\"provider\":\"z\"} of gamepot.main/linkings: ` +
		`it fetched {\"provider\":\"a\"}, {\"provider\":\"b\"}, {\"provider\":\"c\"}, …"}`
	if a.status != http.StatusBadRequest || a.body != want {
		t.Errorf("got %d %s\nwant 400 %s", a.status, a.body, want)
	}
}
