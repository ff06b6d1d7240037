package fakedata

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestGenerateSizes(t *testing.T) {
	for _, s := range []Sizes{Scale(20_000), {Linkings: 3_000, Blocks: 5_000, Members: 4_000}} {
		set := Generate(1, s)
		blocked := s.Blocks - s.Blocks/50
		if len(set.Linkings) != s.Linkings || len(set.Blocks) != s.Blocks || len(set.Members) != s.Members {
			t.Errorf("%+v: %d linkings, %d blocks, %d members", s, len(set.Linkings), len(set.Blocks), len(set.Members))
		}
		if len(set.Users) != blocked || len(set.UserBlocks) != blocked {
			t.Errorf("%+v: %d users, %d user_block answers, want %d each", s, len(set.Users), len(set.UserBlocks), blocked)
		}
		if !slices.IsSorted(set.Users) || len(slices.Compact(slices.Clone(set.Users))) != len(set.Users) {
			t.Errorf("%+v: users are not sorted and distinct", s)
		}
		for i, u := range set.UserBlocks {
			if u["member_id"] != set.Users[i] {
				t.Fatalf("%+v: answer %d is about %v, not %s", s, i, u["member_id"], set.Users[i])
			}
		}
		for _, b := range set.Blocks {
			if _, ok := slices.BinarySearch(set.Users, b["member_id"].(string)); !ok {
				t.Fatalf("%+v: the player of block %v was not looked up", s, b["id"])
			}
		}
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := Generate(7, Scale(3_000)), Generate(7, Scale(3_000))
	if !reflect.DeepEqual(a, b) {
		t.Error("two sets from the same seed differ")
	}
	if reflect.DeepEqual(a.Users, Generate(8, Scale(3_000)).Users) {
		t.Error("sets from two seeds have the same blocked players")
	}
}

// Every dataset names players of one pool: in a Scale set every player has
// a linking.
func TestGenerateSharesOnePool(t *testing.T) {
	set := Generate(1, Scale(10_000))
	linked := map[string]bool{}
	for _, l := range set.Linkings {
		linked[l["user_id"].(string)] = true
	}
	for _, b := range set.Blocks {
		if !linked[b["member_id"].(string)] {
			t.Fatalf("block %v: player %v has no linking", b["id"], b["member_id"])
		}
	}
	for _, m := range set.Members {
		if !linked[m["id"].(string)] {
			t.Fatalf("chat member %v has no linking", m["id"])
		}
	}
}

// Timestamps are as varied as real ones, which OPA's caches cannot make
// cheap, and none is later than the snapshot.
func TestGenerateTimestamps(t *testing.T) {
	set := Generate(1, Scale(20_000))
	for _, c := range []struct {
		name    string
		records []map[string]any
		key     string
	}{
		{"linkings", set.Linkings, "createdAt"},
		{"memberblock", set.Blocks, "startedAt"},
		{"user_block", set.UserBlocks, "startedAt"},
		{"chat_members", set.Members, "created_at"},
	} {
		seen := map[time.Time]bool{}
		for _, r := range c.records {
			at := parse(r[c.key])
			if at.After(Taken) {
				t.Fatalf("%s: %s %v is after the snapshot", c.name, c.key, r[c.key])
			}
			seen[at] = true
		}
		if 100*len(seen) < 99*len(c.records) {
			t.Errorf("%s: %d distinct %s in %d records, want 99%%", c.name, len(seen), c.key, len(c.records))
		}
	}
}
