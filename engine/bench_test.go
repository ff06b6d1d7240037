package engine

import (
	"context"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/fetch"
	"github.com/gpaudit/gpaudit/internal/fakedata"
	"github.com/gpaudit/gpaudit/policies"
)

const benchRecords = 100_000

var kst = time.FixedZone("", 9*60*60)

func playerID(r *rand.Rand) string {
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", r.Uint32(), r.Uint32()&0xffff, r.Uint32()&0xffff, r.Uint32()&0xffff, r.Uint64()&0xffffffffffff)
}

func stamp(t time.Time) string { return t.In(kst).Format(time.RFC3339) }

// blockRecords gives count memberblock records shaped like the API's, about one
// in twelve an active manual block longer than 30 days.
func blockRecords(count int) []map[string]any {
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]map[string]any, count)
	for i := range out {
		started := now.Add(-time.Duration(r.IntN(400*24)) * time.Hour)
		var ended any
		if r.IntN(10) > 0 {
			ended = stamp(started.Add(time.Duration(1+r.IntN(60*24)) * time.Hour))
		}
		kind := "manual"
		if r.IntN(4) == 0 {
			kind = "autopurchase"
		}
		status := "1"
		if r.IntN(5) == 0 {
			status = "2"
		}
		out[i] = map[string]any{
			"id":           base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "MemberBlock:%d", i)),
			"member_id":    playerID(r),
			"deleted":      r.IntN(50) == 0,
			"type":         kind,
			"status":       n(status),
			"message":      nil,
			"messageMulti": []any{map[string]any{"lang": "ko", "value": "policy violation", "default": true}},
			"startedAt":    stamp(started),
			"endedAt":      ended,
			"createdAt":    stamp(started),
			"updatedAt":    stamp(started),
			"deletedAt":    nil,
			"category_id":  "eade0943-0000-0000-0000-f2b5e9852ce4",
		}
	}
	return out
}

// linkingRecords gives count linking records shaped like the API's, about one in
// ten a live google linking without a usable email.
func linkingRecords(count int) []map[string]any {
	r := rand.New(rand.NewPCG(3, 4))
	providers := []string{"google", "google", "apple", "facebook", "line"}
	out := make([]map[string]any, count)
	for i := range out {
		created := stamp(now.Add(-time.Duration(r.IntN(700*24)) * time.Hour))
		rec := map[string]any{
			"id":        base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "Linking:%d", i)),
			"username":  fmt.Sprintf("%021d", r.Uint64()),
			"provider":  providers[r.IntN(len(providers))],
			"member_id": map[string]any{"id": base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "Member:%d", i))},
			"user_id":   playerID(r),
			"email":     fmt.Sprintf("player%d@example.com", i),
			"createdAt": created,
			"updatedAt": created,
			"deletedAt": nil,
		}
		switch r.IntN(40) {
		case 0:
			rec["email"] = nil
		case 1:
			rec["email"] = ""
		case 2:
			rec["email"] = "  "
		case 3:
			delete(rec, "email")
		case 4:
			rec["deletedAt"] = created
		}
		out[i] = rec
	}
	return out
}

func benchmarkRun(b *testing.B, policy string, records []map[string]any) {
	e := newEngine(b)
	cohorts := []fetch.Cohort{{Name: "cohort", Source: "gamepot.main", Records: records}}
	checks := []*config.Check{{Name: "check", Policy: policy, Cohort: "cohort", Severity: "high"}}
	var findings int
	for b.Loop() {
		res := e.Run(context.Background(), checks, slices.Clone(cohorts), now, nil)
		if got := res.Checks[0]; got.Status != StatusFail {
			b.Fatalf("status %s (%s), want fail", got.Status, got.Error)
		}
		findings = len(res.Checks[0].Findings)
	}
	b.ReportMetric(float64(findings), "findings")
}

func BenchmarkMaxDuration100k(b *testing.B) {
	benchmarkRun(b, "gamepot.blocks.max_duration", blockRecords(benchRecords))
}

func BenchmarkEmailRequired100k(b *testing.B) {
	benchmarkRun(b, "gamepot.linkings.email_required", linkingRecords(benchRecords))
}

func BenchmarkWhere100k(b *testing.B) {
	// SPEC.md's example where.
	cohort := &config.Cohort{Name: "started", Where: "time.parse_rfc3339_ns(record.startedAt) < input.now_ns"}
	e := newEngine(b, cohort)
	records := blockRecords(benchRecords)
	var kept int
	for b.Loop() {
		got, err := e.Where(context.Background(), cohort, records, now)
		if err != nil {
			b.Fatal(err)
		}
		kept = len(got)
	}
	b.ReportMetric(float64(kept), "kept")
}

func BenchmarkRecordsValue100k(b *testing.B) {
	records := blockRecords(benchRecords)
	for b.Loop() {
		if _, err := recordsValue(records); err != nil {
			b.Fatal(err)
		}
	}
}

// benchLibrary loads the benchmark library, one check per built-in policy
// (testdata/bench/library, the configuration scripts/bench.sh runs), and
// compiles the built-in policies.
func benchLibrary(b testing.TB) (*Engine, *config.Config) {
	b.Helper()
	cfg, diags := config.Load(filepath.Join("..", "testdata", "bench", "library"), config.Options{})
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	e, err := New(context.Background(), Options{Builtin: policies.FS})
	if err != nil {
		b.Fatal(err)
	}
	return e, cfg
}

// benchCohorts gives each cohort of cfg every record of its dataset in set,
// as a snapshot of the set serves them: the library's cohorts have no filter
// and no where.
func benchCohorts(b testing.TB, cfg *config.Config, set *fakedata.Set) []fetch.Cohort {
	b.Helper()
	byDataset := map[string][]map[string]any{
		"linkings": set.Linkings, "memberblock": set.Blocks, "user_block": set.UserBlocks, "chat_members": set.Members,
	}
	var out []fetch.Cohort
	for _, c := range cfg.Cohorts {
		if len(c.Filter) > 0 || c.Where != "" {
			b.Fatalf("cohort %s has a filter or a where: the benchmark serves every record", c.Name)
		}
		out = append(out, fetch.Cohort{Name: c.Name, Source: c.Source, Dataset: c.Dataset, Records: byDataset[c.Dataset]})
	}
	return out
}

// BenchmarkPolicy100k runs each check of the benchmark library alone over
// 100,000 records of its dataset (and its with cohorts: 100,000 linkings,
// blocks and chat members, 98,000 user_block answers), one sub-benchmark per
// built-in policy. Converting the records to OPA values is part of each run,
// as it is of gpaudit check.
func BenchmarkPolicy100k(b *testing.B) {
	e, cfg := benchLibrary(b)
	set := fakedata.Generate(1, fakedata.Sizes{Linkings: benchRecords, Blocks: benchRecords, Members: benchRecords})
	cohorts := benchCohorts(b, cfg, set)
	for _, chk := range cfg.Checks {
		b.Run(chk.Policy, func(b *testing.B) {
			b.ReportAllocs()
			var findings int
			for b.Loop() {
				res := e.Run(context.Background(), []*config.Check{chk}, slices.Clone(cohorts), fakedata.ReviewDate, nil)
				if got := res.Checks[0]; got.Status != StatusFail {
					b.Fatalf("status %s (%s), want fail", got.Status, got.Error)
				}
				findings = len(res.Checks[0].Findings)
			}
			b.ReportMetric(float64(findings), "findings")
		})
	}
}

// BenchmarkLibrary100k runs the whole benchmark library over the 100k set,
// a tenth of scripts/bench.sh's 1M set and the same records as its 100k
// figure: 100,000 linkings, 10,000 blocks, 9,800 user_block answers and
// 10,000 chat members.
func BenchmarkLibrary100k(b *testing.B) {
	e, cfg := benchLibrary(b)
	cohorts := benchCohorts(b, cfg, fakedata.Generate(1, fakedata.Scale(benchRecords)))
	b.ReportAllocs()
	var findings int
	for b.Loop() {
		res := e.Run(context.Background(), cfg.Checks, slices.Clone(cohorts), fakedata.ReviewDate, nil)
		findings = 0
		for _, c := range res.Checks {
			if c.Status != StatusFail {
				b.Fatalf("check %s: status %s (%s), want fail", c.Name, c.Status, c.Error)
			}
			findings += len(c.Findings)
		}
	}
	b.ReportMetric(float64(findings), "findings")
}
