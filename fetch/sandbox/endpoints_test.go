package sandbox_test

import (
	"net/http"
	"testing"

	"github.com/gpaudit/gpaudit/fetch/sandbox"
)

func TestUserBlock(t *testing.T) {
	s := startFixture(t, sandbox.Options{})
	tests := []struct {
		name, project, user string
		want                string
	}{
		{
			name: "offset +09:00", project: "gamepot.main", user: "u1",
			want: `{"status":1,"result":{"category_id":"","createdAt":"Tue May 12 2020 14:06:40 GMT+0900 (Korean Standard Time)",` +
				`"deleted":false,"deletedAt":null,"endedAt":"Mon May 25 2020 22:00:00 GMT+0900 (Korean Standard Time)","id":"ub1",` +
				`"member_id":"u1","message":null,"messageMulti":[{"default":true,"lang":"ko","value":"Test-ko"}],` +
				`"startedAt":"Mon May 11 2020 12:02:00 GMT+0900 (Korean Standard Time)","status":1,"type":"manual",` +
				`"updatedAt":"Tue May 12 2020 14:06:40 GMT+0900 (Korean Standard Time)"}}`,
		},
		{
			name: "offset Z, null end", project: "gamepot.main", user: "u2",
			want: `{"status":1,"result":{"createdAt":"Tue Jan 02 2024 03:04:05 GMT+0000 (Coordinated Universal Time)",` +
				`"deleted":false,"deletedAt":null,"endedAt":null,"id":"ub2","member_id":"u2",` +
				`"startedAt":"Tue Jan 02 2024 03:04:05 GMT+0000 (Coordinated Universal Time)","status":1,"type":"manual",` +
				`"updatedAt":"Tue Jan 02 2024 03:04:05 GMT+0000 (Coordinated Universal Time)"}}`,
		},
		{
			name: "other offsets", project: "gamepot.main", user: "u5",
			want: `{"status":1,"result":{"createdAt":"Fri Mar 01 2024 09:30:00 GMT+0530 (GMT+05:30)","deleted":false,` +
				`"endedAt":"Tue Dec 31 2024 23:59:59 GMT-0800 (GMT-08:00)","id":"ub5","member_id":"u5",` +
				`"startedAt":"Fri Mar 01 2024 09:30:00 GMT+0530 (GMT+05:30)","status":1}}`,
		},
		{
			name: "the active record wins over a later inactive one", project: "gamepot.main", user: "u3",
			want: `{"status":1,"result":{"createdAt":"Wed Jan 01 2020 00:00:00 GMT+0900 (Korean Standard Time)","deleted":false,"id":"ub3-active","member_id":"u3","status":1}}`,
		},
		{
			name: "no active record: the latest, deleted ones are not active", project: "gamepot.main", user: "u4",
			want: `{"status":1,"result":{"createdAt":"Sat Jan 01 2022 00:00:00 GMT+0900 (Korean Standard Time)","deleted":false,"id":"ub4-latest","member_id":"u4","status":2}}`,
		},
		{name: "not blocked", project: "gamepot.main", user: "nobody", want: `{"status":1,"result":null}`},
		{name: "dataset missing from the snapshot", project: "gamepot.other", user: "u1", want: `{"status":1,"result":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, lang := range []string{"", "ko", "en"} {
				h := v1Headers()
				if lang != "" {
					h.Set("accept-language", lang)
				}
				a := get(t, s.URL(), "/v1/api/project/"+tt.project+"/user/"+tt.user+"/block", nil, h)
				if a.status != http.StatusOK || a.body != tt.want {
					t.Errorf("accept-language %q: got %d %s\nwant 200 %s", lang, a.status, a.body, tt.want)
				}
			}
		})
	}
}

func TestChatMember(t *testing.T) {
	s := startFixture(t, sandbox.Options{})
	tests := []struct {
		name, path string
		wantStatus int
		want       string
	}{
		{"by id", "/v1/api/members/u1", 200,
			`{"country":"KR","created_at":"2025-07-22T11:11:05+09:00","deleted":false,"id":"u1","member_id":"u1","name":"alpha"}`},
		{"withdrawn members are still served", "/v1/api/members/u3", 200,
			`{"country":"KR","created_at":"2025-07-24T02:11:05Z","deleted":true,"id":"u3","member_id":"u3","name":"gamma"}`},
		{"escaped id", "/v1/api/members/a%2Fb", 200,
			`{"country":"US","created_at":"2025-07-24T11:11:05+09:00","deleted":false,"id":"a/b","member_id":"a/b","name":"slash"}`},
		{"unknown id", "/v1/api/members/nobody", 404, `{"message":"member not found"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := get(t, s.URL(), tt.path, nil, chatHeaders("ncloud_chat.main"))
			if a.status != tt.wantStatus || a.body != tt.want {
				t.Errorf("got %d %s\nwant %d %s", a.status, a.body, tt.wantStatus, tt.want)
			}
		})
	}
}

func TestStatsByPath(t *testing.T) {
	s := startFixture(t, sandbox.Options{})
	list := listQuery("{}", "", "")
	get(t, s.URL(), "/v2/linkings", list, gamepotHeaders("gamepot.main"))
	get(t, s.URL(), "/v2/linkings", list, gamepotHeaders("gamepot.main"))
	get(t, s.URL(), "/v2/memberblock", list, gamepotHeaders("gamepot.main"))
	get(t, s.URL(), "/v1/api/project/gamepot.main/user/u1/block", nil, v1Headers())
	get(t, s.URL(), "/v1/api/members", list, chatHeaders("ncloud_chat.main"))
	get(t, s.URL(), "/v1/api/members/u1", nil, chatHeaders("ncloud_chat.main"))
	get(t, s.URL(), "/v1/api/members/u2", nil, chatHeaders("ncloud_chat.main"))
	get(t, s.URL(), "/nope", nil, nil)

	got := s.Stats()
	want := map[string]int{
		"/v2/linkings":    2,
		"/v2/memberblock": 1,
		"/v1/api/project/{projectId}/user/{userId}/block": 1,
		"/v1/api/members":          1,
		"/v1/api/members/{userId}": 2,
		"other":                    1,
	}
	if got.Requests != 8 || got.Faulted != 0 || got.RateLimited != 0 || !equalCounts(got.ByPath, want) {
		t.Errorf("Stats() = %+v, want 8 requests, none faulted or limited, by path %v", got, want)
	}
	got.ByPath["other"] = 99 // a copy: the server's counts must not change
	if s.Stats().ByPath["other"] != 1 {
		t.Error("Stats().ByPath is shared with the server")
	}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
