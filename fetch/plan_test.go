package fetch

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gpaudit/gpaudit/config"
)

func TestPlanCohort(t *testing.T) {
	gamepot := &config.Source{Kind: "gamepot", Name: "main", Language: "ko"}
	chat := &config.Source{Kind: "ncloud_chat", Name: "main"}
	tests := []struct {
		name   string
		src    *config.Source
		cohort config.Cohort
		users  []string
		want   RequestPlan
	}{
		{
			name:   "linkings, default sort",
			src:    gamepot,
			cohort: config.Cohort{Name: "c", Source: "gamepot.main", Dataset: "linkings"},
			want: RequestPlan{
				Path: "/v2/linkings",
				Query: []QueryParam{
					{"filter", `{}`},
					{"sort", `{"createdAt":"1","id":"1"}`},
					{"option", `{"offset":0,"per_page":100}`},
				},
				Headers: []string{"x-api-key", "x-project-id", "Accept"},
			},
		},
		{
			name: "memberblock, filter and sort",
			src:  gamepot,
			cohort: config.Cohort{Name: "c", Source: "gamepot.main", Dataset: "memberblock",
				Filter: map[string]any{"type": "manual", "status": json.Number("1"), "deleted": false},
				Sort:   map[string]string{"updatedAt": "-1", "endedAt": "1"}},
			want: RequestPlan{
				Path: "/v2/memberblock",
				Query: []QueryParam{
					{"filter", `{"deleted":false,"status":1,"type":"manual"}`},
					{"sort", `{"endedAt":"1","updatedAt":"-1","id":"1"}`},
					{"option", `{"offset":0,"per_page":100}`},
				},
				Headers: []string{"x-api-key", "x-project-id", "Accept"},
			},
		},
		{
			name:   "linkings sorted by id already",
			src:    gamepot,
			cohort: config.Cohort{Name: "c", Source: "gamepot.main", Dataset: "linkings", Sort: map[string]string{"id": "-1"}, Filter: map[string]any{"email": "a<b>&c@example.com"}},
			want: RequestPlan{
				Path: "/v2/linkings",
				Query: []QueryParam{
					{"filter", `{"email":"a<b>&c@example.com"}`},
					{"sort", `{"id":"-1"}`},
					{"option", `{"offset":0,"per_page":100}`},
				},
				Headers: []string{"x-api-key", "x-project-id", "Accept"},
			},
		},
		{
			name:   "chat list sorts on created_at",
			src:    chat,
			cohort: config.Cohort{Name: "c", Source: "ncloud_chat.main", Dataset: "chat_members"},
			want: RequestPlan{
				Path: "/v1/api/members",
				Query: []QueryParam{
					{"filter", `{}`},
					{"sort", `{"created_at":"1","id":"1"}`},
					{"option", `{"offset":0,"per_page":100}`},
				},
				Headers: []string{"x-api-key", "x-project-id", "Accept"},
			},
		},
		{
			name:   "chat by id, repeated users",
			src:    chat,
			cohort: config.Cohort{Name: "c", Source: "ncloud_chat.main", Dataset: "chat_members", Users: []string{"a", "b", "a"}},
			want:   RequestPlan{Path: "/v1/api/members/{userId}", Headers: []string{"x-api-key", "x-project-id", "Accept"}, PerPlayer: true, Lookups: 2},
		},
		{
			name:   "user_block from a users cohort",
			src:    gamepot,
			cohort: config.Cohort{Name: "c", Source: "gamepot.main", Dataset: "user_block", UsersCohort: "other"},
			want:   RequestPlan{Path: "/v1/api/project/{projectId}/user/{userId}/block", Headers: []string{"x-api-key", "Accept", "accept-language"}, PerPlayer: true, Lookups: -1},
		},
		{
			name:   "user_block with users given",
			src:    gamepot,
			cohort: config.Cohort{Name: "c", Source: "gamepot.main", Dataset: "user_block", UsersCohort: "other"},
			users:  []string{"p1", "p2", "p3"},
			want:   RequestPlan{Path: "/v1/api/project/{projectId}/user/{userId}/block", Headers: []string{"x-api-key", "Accept", "accept-language"}, PerPlayer: true, Lookups: 3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PlanCohort(tt.src, &tt.cohort, tt.users)
			tt.want.Cohort, tt.want.Source, tt.want.Dataset, tt.want.Method = "c", tt.cohort.Source, tt.cohort.Dataset, "GET"
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlanCohortMistakes(t *testing.T) {
	gamepot := &config.Source{Kind: "gamepot", Name: "main"}
	tests := []struct {
		name    string
		cohort  config.Cohort
		users   []string
		wantErr string
	}{
		{"unknown dataset", config.Cohort{Source: "gamepot.main", Dataset: "nope"}, nil, `unknown dataset "nope"`},
		{"other source", config.Cohort{Source: "gamepot.other", Dataset: "linkings"}, nil, "cohort reads source gamepot.other"},
		{"wrong kind", config.Cohort{Source: "gamepot.main", Dataset: "chat_members"}, nil, "does not serve"},
		{"users on list-only", config.Cohort{Source: "gamepot.main", Dataset: "linkings"}, []string{"p"}, "cannot be read per player"},
	}
	for _, tt := range tests {
		got := PlanCohort(gamepot, &tt.cohort, tt.users)
		if got.Err == nil || !strings.Contains(got.Err.Error(), tt.wantErr) {
			t.Errorf("%s: Err = %v, want %q", tt.name, got.Err, tt.wantErr)
		}
	}
}

// TestEncodeQuery checks the encoding against the seed page's own example
// and that the server side decodes it back to the same JSON.
func TestEncodeQuery(t *testing.T) {
	p := RequestPlan{Query: []QueryParam{
		{"filter", `{"user_id":"7e629b25"}`},
		{"sort", `{"createdAt":"-1"}`},
		{"option", `{"count":false}`},
	}}
	want := "filter=%7B%22user_id%22%3A%227e629b25%22%7D&sort=%7B%22createdAt%22%3A%22-1%22%7D&option=%7B%22count%22%3Afalse%7D"
	if got := encodeQuery(p.Query); got != want {
		t.Errorf("encodeQuery =\n%s\nwant\n%s", got, want)
	}
	spaced := RequestPlan{Query: []QueryParam{{"filter", `{"name":"a b+c&d"}`}}}
	raw := encodeQuery(spaced.Query)
	if strings.Contains(raw, "+c") || !strings.Contains(raw, "%20") {
		t.Errorf("encodeQuery = %s: want spaces as %%20 and + escaped", raw)
	}
	values, err := url.ParseQuery(raw)
	if err != nil || values.Get("filter") != `{"name":"a b+c&d"}` {
		t.Errorf("ParseQuery(%s) = %v, %v", raw, values, err)
	}
}
