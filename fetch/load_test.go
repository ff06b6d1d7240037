package fetch

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/snapshot"
)

// onlineOnly stands in for the engine's where evaluation: it keeps the
// records whose "online" field is true.
func onlineOnly(_ context.Context, _ *config.Cohort, records []map[string]any) ([]map[string]any, error) {
	var out []map[string]any
	for _, r := range records {
		if r["online"] == true {
			out = append(out, r)
		}
	}
	return out, nil
}

func failingRefiner(context.Context, *config.Cohort, []map[string]any) ([]map[string]any, error) {
	return nil, errors.New("rego: undefined ref record.nope")
}

func TestLoad(t *testing.T) {
	dir := testSnapshot(t)
	snap, err := snapshot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	cohorts := map[string]*config.Cohort{
		// p1 and p3; B3 is deleted but the filter does not say so.
		"active":  {Name: "active", Source: "gamepot.main", Dataset: "memberblock", Filter: map[string]any{"type": "manual", "status": num("1")}},
		"in_chat": {Name: "in_chat", Source: "ncloud_chat.main", Dataset: "chat_members", UsersCohort: "active"},
		"online_in_chat": {Name: "online_in_chat", Source: "ncloud_chat.main", Dataset: "chat_members", UsersCohort: "active",
			Where: "record.online"},
		"uncovered":    {Name: "uncovered", Source: "gamepot.main", Dataset: "memberblock", Filter: map[string]any{"deleted": false}},
		"of_uncovered": {Name: "of_uncovered", Source: "gamepot.main", Dataset: "user_block", UsersCohort: "uncovered"},
		"of_of":        {Name: "of_of", Source: "ncloud_chat.main", Dataset: "chat_members", UsersCohort: "of_uncovered"},
		"nobody":       {Name: "nobody", Source: "gamepot.main", Dataset: "memberblock", Filter: map[string]any{"type": "manual", "status": num("7")}},
		"of_nobody":    {Name: "of_nobody", Source: "gamepot.main", Dataset: "user_block", UsersCohort: "nobody"},
		"listed":       {Name: "listed", Source: "gamepot.main", Dataset: "user_block", Users: []string{"p2", "p9"}},
		"google":       {Name: "google", Source: "gamepot.main", Dataset: "linkings", Filter: map[string]any{"provider": "google"}},
	}
	order := []string{"active", "in_chat", "online_in_chat", "uncovered", "of_uncovered", "of_of", "nobody", "of_nobody", "listed", "google"}
	cfg := &config.Config{}
	for _, name := range order {
		cfg.Cohorts = append(cfg.Cohorts, cohorts[name])
	}

	type result struct {
		Name, Source, Dataset string
		IDs                   []string // nil when Err
		Err                   string
	}
	tests := []struct {
		name   string
		need   []string
		refine Refiner
		want   []result
	}{
		{
			name: "a users cohort is loaded first, and only what is needed",
			need: []string{"in_chat"},
			want: []result{
				{Name: "active", Source: "gamepot.main", Dataset: "memberblock", IDs: []string{"B1", "B3"}},
				{Name: "in_chat", Source: "ncloud_chat.main", Dataset: "chat_members", IDs: []string{"p1", "p3"}},
			},
		},
		{
			name:   "where goes through the refiner",
			need:   []string{"online_in_chat", "google"},
			refine: onlineOnly,
			want: []result{
				{Name: "active", Source: "gamepot.main", Dataset: "memberblock", IDs: []string{"B1", "B3"}},
				{Name: "online_in_chat", Source: "ncloud_chat.main", Dataset: "chat_members", IDs: []string{"p1", "p3"}},
				{Name: "google", Source: "gamepot.main", Dataset: "linkings", IDs: []string{"L1", "L3"}},
			},
		},
		{
			name:   "a refiner that fails",
			need:   []string{"online_in_chat"},
			refine: failingRefiner,
			want: []result{
				{Name: "active", Source: "gamepot.main", Dataset: "memberblock", IDs: []string{"B1", "B3"}},
				{Name: "online_in_chat", Source: "ncloud_chat.main", Dataset: "chat_members",
					Err: `where: rego: undefined ref record.nope`},
			},
		},
		{
			name: "where without a refiner",
			need: []string{"online_in_chat"},
			want: []result{
				{Name: "active", Source: "gamepot.main", Dataset: "memberblock", IDs: []string{"B1", "B3"}},
				{Name: "online_in_chat", Source: "ncloud_chat.main", Dataset: "chat_members",
					Err: `it has a where expression and nothing to evaluate it`},
			},
		},
		{
			name: "a failing users cohort fails its users, transitively",
			need: []string{"of_of", "google"},
			want: []result{
				{Name: "uncovered", Source: "gamepot.main", Dataset: "memberblock",
					Err: `snapshot DIR does not cover filter {"deleted":false} of gamepot.main/memberblock: fetched filters {"status":2}, {"type":"manual"}`},
				{Name: "of_uncovered", Source: "gamepot.main", Dataset: "user_block",
					Err: `users cohort "uncovered": snapshot DIR does not cover filter {"deleted":false} of gamepot.main/memberblock: fetched filters {"status":2}, {"type":"manual"}`},
				{Name: "of_of", Source: "ncloud_chat.main", Dataset: "chat_members",
					Err: `users cohort "of_uncovered": users cohort "uncovered": snapshot DIR does not cover filter {"deleted":false} of gamepot.main/memberblock: fetched filters {"status":2}, {"type":"manual"}`},
				{Name: "google", Source: "gamepot.main", Dataset: "linkings", IDs: []string{"L1", "L3"}},
			},
		},
		{
			name: "an empty users cohort looks up no one",
			need: []string{"of_nobody"},
			want: []result{
				{Name: "nobody", Source: "gamepot.main", Dataset: "memberblock", IDs: []string{}},
				{Name: "of_nobody", Source: "gamepot.main", Dataset: "user_block", IDs: []string{}},
			},
		},
		{
			name: "literal users and an undeclared name",
			need: []string{"zzz", "listed", "zzz"},
			want: []result{
				{Name: "listed", Source: "gamepot.main", Dataset: "user_block", IDs: []string{"U2"}},
				{Name: "zzz", Err: `not declared`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []result
			for _, c := range Load(context.Background(), cfg, snap, tt.need, tt.refine) {
				r := result{Name: c.Name, Source: c.Source, Dataset: c.Dataset}
				if c.Err != nil {
					r.Err = strings.ReplaceAll(c.Err.Error(), dir, "DIR")
					if c.Records != nil {
						t.Errorf("cohort %s has an error and records", c.Name)
					}
				} else {
					if c.Records == nil {
						t.Errorf("cohort %s has nil records", c.Name)
					}
					r.IDs = ids(c.Records)
				}
				got = append(got, r)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Load (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadCancelled(t *testing.T) {
	snap, err := snapshot.Open(testSnapshot(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cfg := &config.Config{Cohorts: []*config.Cohort{{Name: "all", Source: "gamepot.main", Dataset: "linkings"}}}
	got := Load(ctx, cfg, snap, []string{"all"}, nil)
	if len(got) != 1 || !errors.Is(got[0].Err, context.Canceled) {
		t.Errorf("Load = %+v, want one cohort failing with context.Canceled", got)
	}
}
