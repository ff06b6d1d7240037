package fetch

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/snapshot"
)

// onlineOnly stands in for the engine's where evaluation: it keeps the
// records whose "online" field is true.
func onlineOnly(_ context.Context, _ *config.Cohort, records []map[string]any, lines []string) ([]bool, error) {
	records = append(records, decodeLines(lines)...)
	keep := make([]bool, len(records))
	for i, r := range records {
		keep[i] = r["online"] == true
	}
	return keep, nil
}

func failingRefiner(context.Context, *config.Cohort, []map[string]any, []string) ([]bool, error) {
	return nil, errors.New("rego: undefined ref record.nope")
}

// decodeLines decodes records read from a snapshot as lines.
func decodeLines(lines []string) []map[string]any {
	var out []map[string]any
	for _, l := range lines {
		r, err := snapshot.DecodeLine(l)
		if err != nil {
			panic(err)
		}
		out = append(out, r)
	}
	return out
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
			wanted := map[string]bool{}
			for _, r := range tt.want {
				wanted[r.Name] = true
			}
			for _, c := range Load(context.Background(), cfg, FromSnapshot(snap), tt.need, tt.refine) {
				if c.Stats.Via != ViaSnapshot {
					t.Errorf("cohort %s: via %q, want snapshot", c.Name, c.Stats.Via)
				}
				if c.Unused {
					if wanted[c.Name] || c.Records != nil || c.Err != nil || c.Stats.Verified {
						t.Errorf("cohort %s is unused, with records %v, error %v, verified %v", c.Name, c.Records != nil, c.Err, c.Stats.Verified)
					}
					continue
				}
				if verified := c.Err == nil; c.Stats.Verified != verified {
					t.Errorf("cohort %s: verified %v, error %v", c.Name, c.Stats.Verified, c.Err)
				}
				r := result{Name: c.Name, Source: c.Source, Dataset: c.Dataset}
				if c.Err != nil {
					r.Err = strings.ReplaceAll(c.Err.Error(), dir, "DIR")
					if c.Records != nil || c.Lines != nil {
						t.Errorf("cohort %s has an error and records", c.Name)
					}
				} else {
					if c.Records == nil && c.Lines == nil {
						t.Errorf("cohort %s has nil records", c.Name)
					}
					r.IDs = ids(append(slices.Clone(c.Records), decodeLines(c.Lines)...))
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
	got := Load(ctx, cfg, FromSnapshot(snap), []string{"all"}, nil)
	if len(got) != 1 || !errors.Is(got[0].Err, context.Canceled) {
		t.Errorf("Load = %+v, want one cohort failing with context.Canceled", got)
	}
}

// gate is a Store whose reads of list cohorts wait until every one of them
// is in flight: Load must read cohorts at the same time, or the reads wait
// until the test's context ends.
type gate struct {
	lists   int
	arrived chan string
	open    chan struct{}

	mu    sync.Mutex
	order []string
}

func (g *gate) Via() string { return ViaAPI }

func (g *gate) Read(ctx context.Context, c *config.Cohort, users []string) (Read, error) {
	if users == nil {
		g.arrived <- c.Name
		select {
		case <-g.open:
		case <-ctx.Done():
			return Read{}, ctx.Err()
		}
	}
	g.mu.Lock()
	g.order = append(g.order, c.Name)
	g.mu.Unlock()
	var records []map[string]any
	if users == nil {
		records = []map[string]any{{"id": c.Name + "-1", "member_id": "p-" + c.Name}}
	}
	for _, u := range users {
		records = append(records, map[string]any{"id": "C-" + u, "member_id": u})
	}
	return Read{Records: records, Stats: Stats{Via: ViaAPI, Requests: 1 + len(users), Verified: true}}, nil
}

func TestLoadConcurrently(t *testing.T) {
	cfg := &config.Config{Cohorts: []*config.Cohort{
		{Name: "blocks", Source: "gamepot.main", Dataset: "memberblock"},
		{Name: "links", Source: "gamepot.main", Dataset: "linkings"},
		{Name: "chat", Source: "ncloud_chat.main", Dataset: "chat_members"},
		{Name: "of_blocks", Source: "gamepot.main", Dataset: "user_block", UsersCohort: "blocks"},
		{Name: "of_of", Source: "gamepot.main", Dataset: "user_block", UsersCohort: "of_blocks"},
		{Name: "of_later", Source: "gamepot.main", Dataset: "user_block", UsersCohort: "later"},
		{Name: "later", Source: "gamepot.main", Dataset: "memberblock"},
		{Name: "spare", Source: "gamepot.main", Dataset: "memberblock"},
	}}
	g := &gate{arrived: make(chan string, 8), open: make(chan struct{})}
	// Read one at a time, the cohorts would wait for each other for ever;
	// the time-out turns that into errors.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go func() {
		// The four list cohorts in need must all be in flight at once.
		for range 4 {
			select {
			case <-g.arrived:
			case <-ctx.Done():
				return
			}
		}
		close(g.open)
	}()
	got := Load(ctx, cfg, g, []string{"links", "chat", "of_of", "of_later"}, nil)

	var names []string
	for _, c := range got {
		names = append(names, c.Name)
	}
	if want := []string{"blocks", "links", "chat", "of_blocks", "of_of", "of_later", "later", "spare"}; !slices.Equal(names, want) {
		t.Fatalf("cohorts %v, want them in declaration order %v", names, want)
	}
	for _, c := range got {
		switch c.Name {
		case "spare":
			if !c.Unused {
				t.Errorf("spare: not marked unused")
			}
		case "of_later":
			if c.Err == nil || c.Err.Error() != `users cohort "later": not declared before it is used` {
				t.Errorf("of_later: error %v", c.Err)
			}
		default:
			if c.Err != nil || c.Unused {
				t.Errorf("%s: error %v, unused %v", c.Name, c.Err, c.Unused)
			}
		}
	}
	if ids(got[4].Records)[0] != "C-p-blocks" {
		t.Errorf("of_of records %v, want the player of of_blocks' record", got[4].Records)
	}
	if got[3].Stats.Requests != 2 || !got[3].Stats.Verified {
		t.Errorf("of_blocks stats %+v, want the store's", got[3].Stats)
	}
	pos := func(name string) int { return slices.Index(g.order, name) }
	if !(pos("blocks") < pos("of_blocks") && pos("of_blocks") < pos("of_of")) {
		t.Errorf("read order %v: a cohort was read before its users cohort", g.order)
	}
}
