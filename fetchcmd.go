package main

import (
	"context"
	"fmt"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/english"
	"github.com/gpaudit/gpaudit/fetch"
	"github.com/gpaudit/gpaudit/mask"
	"github.com/gpaudit/gpaudit/snapshot"
)

func runFetch(ctx context.Context, name string, args []string, e *env) error {
	var (
		cf  configFlags
		ff  fetchFlags
		out string
	)
	fs := newFlagSet(name, "fetch --out DIR [flags] [DIR]", e)
	fs.StringVar(&out, "out", "", "write the snapshot to `DIR` (must not exist or be empty)")
	cf.register(fs)
	ff.register(fs)
	dir, done, err := parseFlags(fs, args)
	if err != nil || done {
		return err
	}
	if out == "" {
		return usageErrorf("fetch: --out DIR is required")
	}
	if err := ff.check("fetch", fs); err != nil {
		return err
	}
	if err := emptyOrMissing(out); err != nil {
		return usageErrorf("fetch: --out: %v", err)
	}
	ld, err := loadConfig(ctx, dir, &cf, e)
	if err != nil {
		return err
	}
	need := make([]string, len(ld.cfg.Cohorts))
	for i, c := range ld.cfg.Cohorts {
		need[i] = c.Name
	}
	s, err := openSession("fetch", ld.cfg, need, &ff, cf.colorFor(e.stderrTTY, e), e)
	if err != nil {
		return err
	}
	fetchCtx, cancel := withTimeout(ctx, ff.timeout)
	defer cancel()
	// The where of a cohort is applied so that cohorts using it as users
	// look up the right players; the snapshot keeps every record fetched.
	now := e.now().UTC() // one clock for every where and the manifest
	refine := func(ctx context.Context, c *config.Cohort, recs []map[string]any, lines []string) ([]bool, error) {
		return ld.eng.WhereKeep(ctx, c, recs, lines, now)
	}
	cohorts := fetch.Load(fetchCtx, ld.cfg, s.client, need, refine)
	s.close()
	if err := interrupted(ctx, "fetch"); err != nil {
		return err
	}
	failed := 0
	for _, c := range cohorts {
		if c.Err != nil {
			failed++
			// A server's answer quoted in the error may name a player;
			// CI keeps stderr as long as any report.
			fmt.Fprintf(e.stderr, "gpaudit: cohort %q could not be fetched: %s\n", c.Name, mask.Text(c.Err.Error()))
		}
	}
	if failed > 0 {
		// A snapshot is evidence; one with holes would be taken for the whole.
		return runtimeErrorf("fetch: %s failed; no snapshot written", english.Plural(failed, "cohort"))
	}
	files := s.client.Fetched()
	if err := snapshot.Write(out, snapshot.WriteOptions{CreatedAt: now, ToolVersion: version}, files); err != nil {
		return runtimeErrorf("fetch: %v", err)
	}
	total := 0
	for _, f := range files {
		total += len(f.Records)
	}
	fmt.Fprintf(e.stdout, "Wrote %s: %s in %s.\n", out, english.Plural(total, "record"), english.Plural(len(files), "file"))
	return nil
}
