package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gpaudit/gpaudit/fetch/sandbox"
	"github.com/gpaudit/gpaudit/snapshot"
)

func runSandbox(ctx context.Context, name string, args []string, e *env) error {
	var (
		data, addr, key string
		opts            sandbox.Options
		verbose         bool
	)
	fs := newFlagSet(name, "sandbox --data DIR [--addr 127.0.0.1:PORT] [flags]", e)
	fs.StringVar(&data, "data", "", "the snapshot folder `DIR` to serve (required)")
	fs.StringVar(&addr, "addr", "127.0.0.1:8080", "loopback `ADDRESS` to listen on")
	fs.StringVar(&key, "api-key", "sandbox", "the x-api-key the sandbox accepts")
	fs.DurationVar(&opts.Latency, "latency", 0, "delay every answer by this `DURATION`")
	fs.Float64Var(&opts.FailRate, "fail-rate", 0, "fraction 0..1 of requests answered 503 with an HTML page")
	fs.Float64Var(&opts.RateLimit, "rate-limit", 0, "requests per second allowed; more are answered 429 with Retry-After (0: no limit)")
	fs.Uint64Var(&opts.Seed, "seed", 1, "seed of --fail-rate, so runs repeat")
	fs.IntVar(&opts.PageCap, "page-cap", 0, "answer at most `N` rows per list page, whatever per_page asks (0: no cap)")
	fs.IntVar(&opts.OffsetCap, "offset-cap", 0, "answer an empty list page at any offset of `N` or more, counts still whole (0: no cap)")
	fs.BoolVar(&opts.SwapDuplicate, "swap-duplicate", false, "on list pages after the first, answer the record before the page in place of its first")
	fs.StringVar(&opts.WrongPlayer, "wrong-player", "", "answer a per-player lookup of player `ID` with another player's record")
	fs.BoolVarP(&verbose, "verbose", "v", false, "log each request on stderr")
	if _, done, err := parseFlags(fs, args); err != nil || done {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("sandbox: takes no DIR argument; name the snapshot with --data")
	}
	if data == "" {
		return usageErrorf("sandbox: --data DIR is required")
	}
	if err := checkFaultFlags(opts); err != nil {
		return err
	}
	opts.Data, opts.APIKey = data, key
	if verbose {
		opts.Logf = func(format string, args ...any) {
			fmt.Fprintf(e.stderr, "%s "+format+"\n", append([]any{e.now().UTC().Format(time.TimeOnly)}, args...)...)
		}
	}
	srv, err := sandbox.New(opts)
	if err != nil {
		return usageErrorf("sandbox: %v", err)
	}
	snap, err := snapshot.Open(data)
	if err != nil {
		return usageErrorf("sandbox: %v", err)
	}
	var sources []string
	for _, f := range snap.Manifest().Files {
		if !slices.Contains(sources, f.Source) {
			sources = append(sources, f.Source)
		}
	}
	ln, err := sandbox.Listen(addr)
	if err != nil {
		return usageErrorf("sandbox: --addr: %v", err)
	}
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(e.stderr, "gpaudit sandbox: serving %s on %s (Ctrl-C to stop)\n", data, url)
	fmt.Fprintf(e.stderr, "Point a source at it with endpoint = %q, api_key = %q and its snapshot name as project_id: %s.\n",
		url, key, strings.Join(sources, ", "))
	if err := srv.ServeListener(ctx, ln); err != nil && !errors.Is(err, context.Canceled) {
		return runtimeErrorf("sandbox: %v", err)
	}
	fmt.Fprintln(e.stderr, "gpaudit sandbox: stopped")
	return nil
}

// checkFaultFlags rejects fault flags no sandbox could serve, naming the
// flag; sandbox.New checks the same options, but in its own words.
func checkFaultFlags(opts sandbox.Options) error {
	switch {
	case opts.PageCap < 0:
		return usageErrorf("sandbox: --page-cap %d: want 0 (no cap) or more rows", opts.PageCap)
	case opts.OffsetCap < 0:
		return usageErrorf("sandbox: --offset-cap %d: want 0 (no cap) or more", opts.OffsetCap)
	case opts.WrongPlayer != strings.TrimSpace(opts.WrongPlayer):
		return usageErrorf("sandbox: --wrong-player %q: a player id has no white space around it", opts.WrongPlayer)
	}
	return nil
}
