package snapshot

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCovers holds the one coverage rule, as both of its callers ask it:
// Cohort with a cohort's filter and users, the sandbox with a list
// request's filter or one player and no filter.
func TestCovers(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "snap")
	err := Write(dir, WriteOptions{CreatedAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), ToolVersion: "test"}, []File{
		{Source: "gamepot.main", Dataset: "linkings",
			Filters: []map[string]any{{"provider": "google"}, {"provider": "apple", "deletedAt": nil}}},
		{Source: "gamepot.main", Dataset: "memberblock", Filters: []map[string]any{{"status": num("1")}}},
		{Source: "gamepot.main", Dataset: "user_block", Users: []string{"p1", "p2"}},
		{Source: "ncloud_chat.main", Dataset: "chat_members", Filters: []map[string]any{{"online": true}}, Users: []string{"p1"}},
		{Source: "ncloud_chat.other", Dataset: "chat_members", Filters: []map[string]any{{}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name            string
		source, dataset string
		filter          map[string]any
		users           []string
		wantErr         string // "" when covered
	}{
		{name: "the fetched filter itself", source: "gamepot.main", dataset: "linkings",
			filter: map[string]any{"provider": "google"}},
		{name: "narrower than a fetched filter", source: "gamepot.main", dataset: "linkings",
			filter: map[string]any{"provider": "google", "user_id": "p1"}},
		{name: "wider than every fetched filter", source: "gamepot.main", dataset: "linkings",
			wantErr: `does not cover filter {} of gamepot.main/linkings: fetched filters {"deletedAt":null,"provider":"apple"}, {"provider":"google"}`},
		{name: "a fetched null is not a missing key", source: "gamepot.main", dataset: "linkings",
			filter:  map[string]any{"provider": "apple"},
			wantErr: `does not cover filter {"provider":"apple"}`},
		{name: "a fetched null matches a null", source: "gamepot.main", dataset: "linkings",
			filter: map[string]any{"provider": "apple", "deletedAt": nil}},
		{name: "numbers compare by value", source: "gamepot.main", dataset: "memberblock",
			filter: map[string]any{"status": num("1.0"), "type": "manual"}},
		{name: "a string is not a number", source: "gamepot.main", dataset: "memberblock",
			filter: map[string]any{"status": "1"}, wantErr: `does not cover filter {"status":"1"}`},
		{name: "players looked up", source: "gamepot.main", dataset: "user_block",
			users: []string{"p2", "p1"}},
		{name: "no players", source: "gamepot.main", dataset: "user_block", users: []string{}},
		{name: "a player not looked up", source: "gamepot.main", dataset: "user_block", users: []string{"p1", "p3"},
			wantErr: "did not look up 1 of 2 players in gamepot.main/user_block (first: p3)"},
		{name: "a list of a dataset looked up per player", source: "gamepot.main", dataset: "user_block",
			wantErr: "does not cover filter {} of gamepot.main/user_block: fetched filters none"},
		{name: "a per-player cohort whose filter a fetched filter covers", source: "ncloud_chat.main", dataset: "chat_members",
			filter: map[string]any{"online": true}, users: []string{"p7"}},
		{name: "a player request, which has no filter, is not covered by a narrower list", source: "ncloud_chat.main", dataset: "chat_members",
			users: []string{"p7"}, wantErr: "did not look up 1 of 1 players in ncloud_chat.main/chat_members (first: p7)"},
		{name: "a player request covered by a lookup", source: "ncloud_chat.main", dataset: "chat_members", users: []string{"p1"}},
		{name: "a player request covered by the whole list", source: "ncloud_chat.other", dataset: "chat_members", users: []string{"p7"}},
		{name: "no file", source: "gamepot.other", dataset: "linkings", wantErr: "has no gamepot.other/linkings data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := snap.Covers(tt.source, tt.dataset, tt.filter, tt.users)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Covers = %v, want covered", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Covers = %v, want an error containing %q", err, tt.wantErr)
			case err != nil && !strings.HasPrefix(err.Error(), "snapshot "+dir+" "):
				t.Errorf("Covers = %v, want it to name the snapshot", err)
			}
		})
	}
}
