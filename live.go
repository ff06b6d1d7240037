package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/pflag"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/english"
	"github.com/gpaudit/gpaudit/fetch"
	"github.com/gpaudit/gpaudit/fetch/sandbox"
	"github.com/gpaudit/gpaudit/progress"
)

// fetchFlags are the flags of every command that talks to the APIs.
type fetchFlags struct {
	sandbox     string
	concurrency int
	rateLimit   float64
	timeout     time.Duration
	progress    string
	rateSet     bool // --rate-limit given explicitly
}

// progressModes are the values of --progress.
var progressModes = []string{"auto", "plain", "none"}

func (f *fetchFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.sandbox, "sandbox", "", "serve the snapshot in `DIR` with the built-in sandbox and fetch from it over HTTP")
	fs.IntVar(&f.concurrency, "concurrency", 4, "requests in flight per source")
	fs.Float64Var(&f.rateLimit, "rate-limit", 10, "requests per second per source (0: no limit)")
	fs.DurationVar(&f.timeout, "timeout", 0, "give up on the whole run after this `DURATION`, e.g. 10m (0: no limit)")
	fs.StringVar(&f.progress, "progress", "auto", "progress on stderr: "+english.Or(progressModes))
}

// check rejects values no run could use.
func (f *fetchFlags) check(cmd string, fs *pflag.FlagSet) error {
	f.rateSet = fs.Changed("rate-limit")
	switch {
	case f.concurrency < 1:
		return usageErrorf("%s: --concurrency %d: want 1 or more", cmd, f.concurrency)
	case f.rateLimit < 0:
		return usageErrorf("%s: --rate-limit %g: want 0 (no limit) or more", cmd, f.rateLimit)
	case f.timeout < 0:
		return usageErrorf("%s: --timeout %s: want a positive duration", cmd, f.timeout)
	case !slices.Contains(progressModes, f.progress):
		return usageErrorf("%s: --progress %q: want %s", cmd, f.progress, english.Or(progressModes))
	}
	return nil
}

// session is one run's connection to the APIs (or the sandbox).
type session struct {
	client  *fetch.Client
	display *progress.Display
	ticker  *time.Ticker
	server  *sandbox.Server
}

// close stops the progress display and the sandbox.
func (s *session) close() {
	if s.ticker != nil {
		s.ticker.Stop()
	}
	s.display.Close()
	if s.server != nil {
		s.server.Close()
	}
}

// openSession readies the sources the needed cohorts read: against the
// sandbox when --sandbox is set, else with their own credentials, which are
// resolved here and only here. Credential problems are diagnostics (exit 2).
func openSession(cmd string, cfg *config.Config, need []string, f *fetchFlags, color bool, e *env) (*session, error) {
	s := &session{}
	sources := cfg.SourcesFor(need)
	if f.sandbox != "" {
		key, err := sandboxKey()
		if err != nil {
			return nil, runtimeErrorf("%s: %v", cmd, err)
		}
		s.server, err = sandbox.NewServer(sandbox.Options{Data: f.sandbox, APIKey: key})
		if err != nil {
			return nil, usageErrorf("%s: --sandbox: %v", cmd, err)
		}
		for _, src := range sources {
			// The sandbox knows each source by its ID; no credential of the
			// user's is read or sent.
			src.Endpoint, src.ProjectID, src.APIKey = s.server.URL(), src.ID(), key
		}
	} else {
		var diags hcl.Diagnostics
		for _, src := range sources {
			diags = append(diags, src.Resolve()...)
		}
		if diags.HasErrors() {
			return nil, reportDiags(e, cfg.Files, diags, color)
		}
	}

	mode := progressMode(f.progress, e)
	var tick <-chan time.Time
	switch mode {
	case progress.Bars:
		s.ticker = time.NewTicker(100 * time.Millisecond)
		tick = s.ticker.C
	case progress.Plain:
		s.ticker = time.NewTicker(5 * time.Second)
		tick = s.ticker.C
	}
	s.display = progress.New(e.stderr, progress.Options{Mode: mode, Width: e.stderrWidth, Height: e.stderrHeight, Now: e.now}, tick)

	rate := f.rateLimit
	if f.sandbox != "" && !f.rateSet {
		rate = 0 // the sandbox is local: politeness toward it only slows the run
	}
	if rate == 0 {
		rate = -1 // the client's "no limit"
	}
	via := fetch.ViaAPI
	if f.sandbox != "" {
		via = fetch.ViaSandbox
	}
	client, err := fetch.NewClient(sources, fetch.ClientOptions{
		Via:         via,
		Concurrency: f.concurrency,
		RateLimit:   rate,
		UserAgent:   "gpaudit/" + version,
		Progress:    s.display.Update,
	})
	if err != nil {
		s.close()
		return nil, usageErrorf("%s: %v", cmd, err)
	}
	s.client = client
	return s, nil
}

// progressMode is the display --progress asks for: with auto, bars on a
// terminal that can move its cursor, plain lines on anything else (a pipe,
// a CI log, TERM=dumb as in Emacs's shell).
func progressMode(flag string, e *env) string {
	switch flag {
	case "plain":
		return progress.Plain
	case "none":
		return progress.None
	}
	if e.stderrTTY && e.getenv("TERM") != "dumb" {
		return progress.Bars
	}
	return progress.Plain
}

// sandboxKey is a fresh key for one sandbox run, so no real key is needed
// and none is ever sent to it.
func sandboxKey() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make a sandbox key: %w", err)
	}
	return "sandbox-" + hex.EncodeToString(b), nil
}

// withTimeout bounds the whole run when --timeout is set.
func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}
