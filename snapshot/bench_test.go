package snapshot

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/gpaudit/gpaudit/config"
)

// benchLinkings makes n linkings records shaped like the API's answers.
func benchLinkings(n int) []map[string]any {
	providers := []string{"google", "apple", "facebook", "line", "naver", "twitter", "guest"}
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.FixedZone("", 9*3600))
	records := make([]map[string]any, n)
	for i := range records {
		user := fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12), rng.IntN(1<<12), rng.Int64N(1<<48))
		created := base.Add(time.Duration(rng.IntN(600*24*3600)) * time.Second)
		var deleted any
		if rng.IntN(10) == 0 {
			deleted = created.Add(48 * time.Hour).Format(time.RFC3339)
		}
		records[i] = map[string]any{
			"id":        fmt.Sprintf("TGlua2luZzo%016xZDE1OGU2MDA4Njc=", rng.Uint64()),
			"username":  fmt.Sprintf("%021d", rng.Uint64()),
			"provider":  providers[rng.IntN(len(providers))],
			"member_id": map[string]any{"id": fmt.Sprintf("TWVtYmVyOjd%024xQzMmQxYmYyOQ==", rng.Uint64())},
			"user_id":   user,
			"email":     fmt.Sprintf("player%d@example.com", i),
			"createdAt": created.Format(time.RFC3339),
			"updatedAt": created.Add(time.Hour).Format(time.RFC3339),
			"deletedAt": deleted,
		}
	}
	return records
}

// BenchmarkSnapshotLoad100k opens a snapshot of 100,000 linkings and serves
// one filtered cohort from it: read, hash, parse and filter.
func BenchmarkSnapshotLoad100k(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "snap")
	files := []File{{Source: "gamepot.main", Dataset: "linkings", Filters: []map[string]any{{}}, Records: benchLinkings(100_000)}}
	if err := Write(dir, WriteOptions{ToolVersion: "bench"}, files); err != nil {
		b.Fatal(err)
	}
	c := &config.Cohort{Name: "google", Source: "gamepot.main", Dataset: "linkings", Filter: map[string]any{"provider": "google"}}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		snap, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		records, err := snap.Cohort(ctx, c, nil)
		if err != nil {
			b.Fatal(err)
		}
		if len(records) < 10_000 {
			b.Fatalf("%d google linkings, want about 14,000", len(records))
		}
	}
}

// benchLines writes a snapshot of 100,000 linkings and gives its folder and
// the lines of its data file, as CohortLines serves them.
func benchLines(b *testing.B) (string, []string) {
	b.Helper()
	dir := filepath.Join(b.TempDir(), "snap")
	files := []File{{Source: "gamepot.main", Dataset: "linkings", Filters: []map[string]any{{}}, Records: benchLinkings(100_000)}}
	if err := Write(dir, WriteOptions{ToolVersion: "bench"}, files); err != nil {
		b.Fatal(err)
	}
	snap, err := Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	lines, err := snap.CohortLines(context.Background(), &config.Cohort{Name: "all", Source: "gamepot.main", Dataset: "linkings"}, nil)
	if err != nil {
		b.Fatal(err)
	}
	return dir, lines
}

// BenchmarkCohortLines100k opens a snapshot of 100,000 linkings and serves
// them whole as lines: read, hash and check every line.
func BenchmarkCohortLines100k(b *testing.B) {
	dir, _ := benchLines(b)
	c := &config.Cohort{Name: "all", Source: "gamepot.main", Dataset: "linkings"}
	b.ReportAllocs()
	for b.Loop() {
		snap, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := snap.CohortLines(context.Background(), c, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLineValues100k decodes 100,000 linkings lines into OPA values
// with one decoder, as the engine decodes a part.
func BenchmarkLineValues100k(b *testing.B) {
	_, lines := benchLines(b)
	b.ReportAllocs()
	for b.Loop() {
		var d LineDecoder
		for _, l := range lines {
			if _, err := d.Value(l); err != nil {
				b.Fatal(err)
			}
		}
	}
}
