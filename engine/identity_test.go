package engine

import (
	"context"
	"testing"
	"time"

	"github.com/gpaudit/gpaudit/config"
)

// TestFindingID holds FindingID to values computed outside Go, with
// printf 'CHECK\0POLICY\0SUBJECT\0RECORD\0KEY' | sha256sum | cut -c1-16.
func TestFindingID(t *testing.T) {
	tests := []struct {
		check, policy, subject, record, key string
		want                                string
	}{
		{"manual_block_max_days", "gamepot.blocks.max_duration", "p1", "b1", "", "f-74be7070c6c650de"},
		{"c", "p", "", "", "k", "f-cdf940a691a01d6f"},
	}
	for _, tt := range tests {
		if got := FindingID(tt.check, tt.policy, tt.subject, tt.record, tt.key); got != tt.want {
			t.Errorf("FindingID(%q, %q, %q, %q, %q) = %s, want %s", tt.check, tt.policy, tt.subject, tt.record, tt.key, got, tt.want)
		}
	}
	// Each part counts, and the NUL bytes keep parts from running into
	// each other: "ab"+"" is not "a"+"b".
	seen := map[string]string{}
	for name, parts := range map[string][5]string{
		"base":        {"c", "p", "s", "r", "k"},
		"check":       {"c2", "p", "s", "r", "k"},
		"policy":      {"c", "p2", "s", "r", "k"},
		"subject":     {"c", "p", "s2", "r", "k"},
		"record":      {"c", "p", "s", "r2", "k"},
		"key":         {"c", "p", "s", "r", "k2"},
		"shifted":     {"c", "p", "sr", "", "k"},
		"shifted key": {"c", "p", "s", "rk", ""},
	} {
		id := FindingID(parts[0], parts[1], parts[2], parts[3], parts[4])
		if other, dup := seen[id]; dup {
			t.Errorf("%s and %s have the same id %s", name, other, id)
		}
		seen[id] = name
	}
}

// TestFindingIDsAcrossClocks: the same data at two clocks a week apart
// gives other messages ("ended N days ago") but the same ids.
func TestFindingIDsAcrossClocks(t *testing.T) {
	e := newEngine(t)
	check := chk("ended", "gamepot.blocks.expired_still_active", "blocks")
	at := func(clock time.Time) []Finding {
		res := e.Run(context.Background(), []*config.Check{check}, testCohorts(t), clock, nil)
		if c := res.Checks[0]; c.Status != StatusFail {
			t.Fatalf("status %s (%s), want fail", c.Status, c.Error)
		}
		return res.Checks[0].Findings
	}
	week := 7 * 24 * time.Hour
	first, later := at(now.Add(2*week)), at(now.Add(3*week))
	if len(first) != len(later) {
		t.Fatalf("%d findings, a week later %d", len(first), len(later))
	}
	changed := false
	for i := range first {
		if first[i].ID != later[i].ID || first[i].ID == "" {
			t.Errorf("finding %d: id %q, a week later %q", i, first[i].ID, later[i].ID)
		}
		changed = changed || first[i].Message != later[i].Message
	}
	if !changed {
		t.Error("no message changed in a week: the test shows nothing about messages being left out of the id")
	}
}
