package fetch_test

import (
	"context"
	"testing"
	"time"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/fetch"
	"github.com/gpaudit/gpaudit/fetch/sandbox"
	"github.com/gpaudit/gpaudit/snapshot"
)

// BenchmarkFetchLinkings100k fetches 100,000 linkings (1,011 pages of 100
// overlapping by one record) from the in-process sandbox answering after 20ms, with the default
// concurrency (4). "default" keeps the default rate limit of 10 requests a
// second, which alone makes it last at least 100 s; "unlimited" lifts it to
// show what concurrency achieves. x-ideal is the wall time over the ideal
// pages × latency ÷ concurrency. Run with -benchtime 1x. B/op and
// allocs/op include the in-process sandbox's share of the work.
func BenchmarkFetchLinkings100k(b *testing.B) {
	const (
		records     = 100_000
		latency     = 20 * time.Millisecond
		concurrency = 4
	)
	srv := startSandbox(b, []snapshot.File{
		{Source: "gamepot.main", Dataset: "linkings", Filters: []map[string]any{{}}, Records: linkings(records)},
	}, sandbox.Options{Latency: latency})
	ideal := time.Duration(fetch.PageRequests(records)) * latency / concurrency
	cohort := &config.Cohort{Name: "all", Source: "gamepot.main", Dataset: "linkings"}
	// One fetch first, so that the sandbox's one-off work (sorting the view,
	// encoding each record) is not counted against the first run.
	warm, err := fetch.NewClient([]*config.Source{gamepotSource(srv.URL())}, fetch.ClientOptions{RateLimit: -1})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := warm.Cohort(context.Background(), cohort, nil); err != nil {
		b.Fatal(err)
	}

	for _, bench := range []struct {
		name      string
		rateLimit float64
	}{
		{"default", 0},
		{"unlimited", -1},
	} {
		b.Run(bench.name, func(b *testing.B) {
			b.ReportAllocs()
			var wall time.Duration
			for b.Loop() {
				c, err := fetch.NewClient([]*config.Source{gamepotSource(srv.URL())}, fetch.ClientOptions{RateLimit: bench.rateLimit})
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				got, err := c.Cohort(context.Background(), cohort, nil)
				wall += time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
				if len(got) != records {
					b.Fatalf("%d records, want %d", len(got), records)
				}
			}
			b.ReportMetric(float64(wall)/float64(b.N)/float64(ideal), "x-ideal")
		})
	}
}
