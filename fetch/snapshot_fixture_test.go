package fetch

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/gpaudit/gpaudit/snapshot"
)

// The snapshot Load's tests read: the fixture of the snapshot package's
// coverage tests, so that a cohort Load gets from a snapshot.Snapshot can be
// told from one the snapshot does not cover.

// num is a JSON number as the decoders give it.
func num(s string) json.Number { return json.Number(s) }

func linking(id, user, provider string) map[string]any {
	return map[string]any{
		"id": id, "username": "u-" + id, "provider": provider,
		"member_id": map[string]any{"id": "TWVtYmVy" + id}, "user_id": user,
		"email": id + "@example.com", "createdAt": "2025-09-17T13:40:08+09:00",
		"updatedAt": "2025-09-17T13:40:08+09:00", "deletedAt": nil,
	}
}

func block(id, member, typ string, status int, deleted bool) map[string]any {
	return map[string]any{
		"id": id, "member_id": member, "type": typ, "status": num(fmt.Sprint(status)),
		"deleted": deleted, "message": nil,
		"messageMulti": []any{map[string]any{"lang": "ko", "value": "abuse", "default": true}},
		"startedAt":    "2025-07-23T00:00:00+09:00", "endedAt": "2025-07-25T00:00:00+09:00",
	}
}

func member(id string, online bool) map[string]any {
	return map[string]any{"id": id, "member_id": id, "name": "n-" + id, "online": online, "deleted": false}
}

// testSnapshot writes the snapshot every Load test reads.
func testSnapshot(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "snap")
	err := snapshot.Write(dir, snapshot.WriteOptions{CreatedAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), ToolVersion: "test"}, []snapshot.File{
		{
			Source: "gamepot.main", Dataset: "linkings", Filters: []map[string]any{{}},
			Records: []map[string]any{linking("L1", "p1", "google"), linking("L2", "p2", "apple"), linking("L3", "p3", "google")},
		},
		{
			Source: "gamepot.main", Dataset: "memberblock",
			Filters: []map[string]any{{"type": "manual"}, {"status": num("2")}},
			Records: []map[string]any{
				block("B1", "p1", "manual", 1, false), block("B2", "p2", "manual", 2, false),
				block("B3", "p3", "manual", 1, true), block("B4", "p4", "autopurchase", 2, false),
			},
		},
		{
			Source: "gamepot.main", Dataset: "user_block", Users: []string{"p1", "p2", "p9"},
			Records: []map[string]any{block("U1", "p1", "manual", 1, false), block("U2", "p2", "manual", 1, false)},
		},
		{
			Source: "ncloud_chat.main", Dataset: "chat_members", Filters: []map[string]any{{}},
			Records: []map[string]any{member("p1", true), member("p2", false), member("p3", true)},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func ids(records []map[string]any) []string {
	out := []string{}
	for _, r := range records {
		out = append(out, r["id"].(string))
	}
	return out
}
