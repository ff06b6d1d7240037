package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/engine"
	"github.com/gpaudit/gpaudit/fetch"
	"github.com/gpaudit/gpaudit/report"
	"github.com/gpaudit/gpaudit/snapshot"
)

// checkOptions are the flags of `gpaudit check`.
type checkOptions struct {
	configFlags
	fetchFlags
	snapshot     string
	saveSnapshot string
	format       string
	outs         []string
	failOn       string
	checks       []string
	tags         []string
	asOf         string
	verbose      bool
}

// output is one report destination: stdout when path is "".
type output struct {
	format string
	path   string
	rep    report.Reporter
}

func runCheck(ctx context.Context, name string, args []string, e *env) error {
	var o checkOptions
	fs := newFlagSet(name, "check [flags] [DIR]", e)
	fs.StringVar(&o.snapshot, "snapshot", "", "evaluate the snapshot in `DIR`; no request is sent")
	fs.StringVar(&o.format, "format", "text", "report format on stdout: text, json or junit")
	fs.StringArrayVar(&o.outs, "out", nil, "also write `FORMAT=PATH` (repeatable); written whole or not at all")
	fs.StringVar(&o.failOn, "fail-on", "low", "lowest severity whose failing check exits 1: info, low, medium, high, critical or none")
	o.configFlags.register(fs)
	fs.StringArrayVar(&o.checks, "check", nil, "run only the check `NAME` (repeatable)")
	fs.StringArrayVar(&o.tags, "tag", nil, "run only the checks tagged `TAG` (repeatable)")
	fs.StringVar(&o.asOf, "as-of", "", "evaluation clock, `RFC3339` (default now)")
	fs.BoolVarP(&o.verbose, "verbose", "v", false, "list every finding in the text report")
	fs.StringVar(&o.saveSnapshot, "save-snapshot", "", "also write what was fetched as a snapshot in `DIR`")
	o.fetchFlags.register(fs)
	dir, done, err := parseFlags(fs, args)
	if err != nil || done {
		return err
	}

	// Everything the flags alone can get wrong is caught before any work.
	now := e.now().UTC().Truncate(time.Second)
	if o.asOf != "" {
		t, err := time.Parse(time.RFC3339, o.asOf)
		if err != nil {
			return usageErrorf("check: --as-of %q is not an RFC 3339 time such as 2026-11-22T00:00:00Z", o.asOf)
		}
		// OPA counts time in int64 nanoseconds, which reach only 1678 to 2262.
		if t.Year() < 1678 || t.Year() > 2261 {
			return usageErrorf("check: --as-of %q is outside the years 1678 to 2261 that policies can compute with", o.asOf)
		}
		now = t.UTC()
	}
	failRank := -1 // "none": nothing fails the build
	if o.failOn != "none" {
		failRank = config.SeverityRank(o.failOn)
		if failRank < 0 {
			return usageErrorf("check: --fail-on %q is not one of info, low, medium, high, critical, none", o.failOn)
		}
	}
	ropts := report.Options{Color: o.colorFor(e.stdoutTTY, e), Verbose: o.verbose, Version: version}
	outputs, err := parseOutputs(o.format, o.outs, ropts)
	if err != nil {
		return err
	}
	if err := o.fetchFlags.check("check", fs); err != nil {
		return err
	}
	if o.snapshot != "" && o.sandbox != "" {
		return usageErrorf("check: --snapshot and --sandbox exclude each other: one reads a snapshot directly, the other serves it over HTTP")
	}
	if o.snapshot != "" && o.saveSnapshot != "" {
		return usageErrorf("check: --save-snapshot saves what is fetched, and --snapshot fetches nothing")
	}
	if o.saveSnapshot != "" {
		if err := emptyOrMissing(o.saveSnapshot); err != nil {
			return usageErrorf("check: --save-snapshot: %v", err)
		}
	}

	ld, err := loadConfig(ctx, dir, &o.configFlags, e)
	if err != nil {
		return err
	}
	selected, err := selection(ld.cfg, o.checks, o.tags)
	if err != nil {
		return err
	}

	need := neededCohorts(ld.cfg, selected)
	refine := func(ctx context.Context, c *config.Cohort, recs []map[string]any) ([]map[string]any, error) {
		return ld.eng.Where(ctx, c, recs, now)
	}
	// --timeout bounds fetching; what was not fetched in time is an error
	// in the report, which is still written. Ctrl-C writes nothing.
	fetchCtx, cancel := withTimeout(ctx, o.timeout)
	defer cancel()
	var cohorts []fetch.Cohort
	if o.snapshot != "" {
		snap, err := snapshot.Open(o.snapshot)
		if err != nil {
			return usageErrorf("check: --snapshot: %v", err)
		}
		cohorts = fetch.Load(fetchCtx, ld.cfg, snap, need, refine)
	} else {
		s, err := openSession("check", ld.cfg, need, &o.fetchFlags, o.colorFor(e.stderrTTY, e), e)
		if err != nil {
			return err
		}
		cohorts = fetch.Load(fetchCtx, ld.cfg, s.client, need, refine)
		s.close()
		if err := interrupted(ctx, "check"); err != nil {
			return err
		}
		if o.saveSnapshot != "" {
			if err := snapshot.Write(o.saveSnapshot, snapshot.WriteOptions{CreatedAt: e.now().UTC(), ToolVersion: version}, s.client.Fetched()); err != nil {
				return runtimeErrorf("check: --save-snapshot: %v", err)
			}
		}
	}
	if err := interrupted(ctx, "check"); err != nil {
		return err
	}
	if err := corruptSnapshot(cohorts); err != nil {
		return runtimeErrorf("check: %v", err)
	}
	res := ld.eng.Run(ctx, ld.cfg.Checks, cohorts, now, selected)
	if err := interrupted(ctx, "check"); err != nil {
		return err
	}

	for _, out := range outputs {
		if out.path == "" {
			if err := out.rep.Report(e.stdout, res); err != nil {
				return runtimeErrorf("check: write %s report: %v", out.format, err)
			}
			continue
		}
		if err := report.WriteFile(out.path, out.rep, res); err != nil {
			return runtimeErrorf("check: %v", err)
		}
	}
	// stdout may hold JSON for a machine; a person reading the CI log still
	// learns why the run ended with 3.
	for _, c := range res.Checks {
		if c.Status == engine.StatusError {
			fmt.Fprintf(e.stderr, "gpaudit: check %q could not be evaluated: %s\n", c.Name, c.Error)
		}
	}
	return exitCode(resultCode(res, failRank))
}

// parseOutputs checks --format and every --out before anything runs, so a
// typo or an unwritable path costs nothing and leaves no file behind.
func parseOutputs(format string, outs []string, ropts report.Options) ([]output, error) {
	var list []output
	// --out files first: a failure to write one must stop the run before
	// stdout says anything that looks like a finished report.
	seen := map[string]bool{}
	for _, spec := range outs {
		f, path, ok := strings.Cut(spec, "=")
		if !ok || f == "" || path == "" {
			return nil, usageErrorf("check: --out %q: want FORMAT=PATH, e.g. --out junit=report.xml", spec)
		}
		fileOpts := ropts
		fileOpts.Color = false // files are never coloured
		rep, err := report.New(f, fileOpts)
		if err != nil {
			return nil, usageErrorf("check: --out %q: %v", spec, err)
		}
		abs, _ := filepath.Abs(path)
		if seen[abs] {
			return nil, usageErrorf("check: --out %q: %s is named twice", spec, path)
		}
		seen[abs] = true
		if err := writable(path); err != nil {
			return nil, usageErrorf("check: --out %q: %v", spec, err)
		}
		list = append(list, output{format: f, path: path, rep: rep})
	}
	rep, err := report.New(format, ropts)
	if err != nil {
		return nil, usageErrorf("check: --format: %v", err)
	}
	return append(list, output{format: format, rep: rep}), nil
}

// writable reports why a report file could not be created at path.
func writable(path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("%s is a folder", path)
	}
	parent := filepath.Dir(path)
	st, err := os.Stat(parent)
	if err != nil {
		return fmt.Errorf("folder %s does not exist", parent)
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a folder", parent)
	}
	probe, err := os.CreateTemp(parent, ".gpaudit-probe-*")
	if err != nil {
		return fmt.Errorf("cannot write in %s", parent)
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
}

// selection turns --check and --tag into the set of checks to run. With
// neither flag every check runs; with both a check must match one of each.
func selection(cfg *config.Config, names, tags []string) (func(*config.Check) bool, error) {
	for _, n := range names {
		if !slices.ContainsFunc(cfg.Checks, func(c *config.Check) bool { return c.Name == n }) {
			return nil, usageErrorf("check: --check %q: no check of that name is declared", n)
		}
	}
	for _, t := range tags {
		if !slices.ContainsFunc(cfg.Checks, func(c *config.Check) bool { return slices.Contains(c.Tags, t) }) {
			return nil, usageErrorf("check: --tag %q: no check has that tag", t)
		}
	}
	selected := func(c *config.Check) bool {
		if len(names) > 0 && !slices.Contains(names, c.Name) {
			return false
		}
		if len(tags) > 0 && !slices.ContainsFunc(c.Tags, func(t string) bool { return slices.Contains(tags, t) }) {
			return false
		}
		return true
	}
	// A run that evaluates nothing would exit 0 and read as a pass.
	if !slices.ContainsFunc(cfg.Checks, selected) {
		if len(cfg.Checks) == 0 {
			return nil, usageErrorf("check: no check is declared, so there is nothing to evaluate")
		}
		return nil, usageErrorf("check: --check and --tag together select no check")
	}
	return selected, nil
}

// neededCohorts names the cohorts the selected checks read.
func neededCohorts(cfg *config.Config, selected func(*config.Check) bool) []string {
	var need []string
	add := func(n string) {
		if !slices.Contains(need, n) {
			need = append(need, n)
		}
	}
	for _, c := range cfg.Checks {
		if !selected(c) {
			continue
		}
		add(c.Cohort)
		for _, k := range slices.Sorted(maps.Keys(c.With)) {
			add(c.With[k])
		}
	}
	return need
}

// resultCode maps the results to SPEC's exit code: 3 when anything errored,
// else 1 when a check at or above failRank failed, else 0.
func resultCode(res *engine.Results, failRank int) int {
	code := exitOK
	for _, c := range res.Checks {
		switch c.Status {
		case engine.StatusError:
			return exitRuntime
		case engine.StatusFail:
			if failRank >= 0 && config.SeverityRank(c.Severity) >= failRank {
				code = exitFailed
			}
		}
	}
	return code
}

// corruptSnapshot returns the first cohort error caused by a snapshot file
// that failed verification. Such a run stops without a report: nothing read
// from a damaged file can be trusted, not even as a partial result.
func corruptSnapshot(cohorts []fetch.Cohort) error {
	for _, c := range cohorts {
		var ce *snapshot.CorruptError
		if errors.As(c.Err, &ce) {
			return c.Err
		}
	}
	return nil
}

// interrupted ends a run that was cancelled (Ctrl-C) before anything is
// written: a report of half the data would mislead.
func interrupted(ctx context.Context, cmd string) error {
	if ctx.Err() == nil {
		return nil
	}
	return runtimeErrorf("%s: interrupted; nothing written", cmd)
}

// emptyOrMissing reports why a snapshot cannot be written to dir: it must
// not exist yet, or be an empty folder, so no old data mixes with the new.
func emptyOrMissing(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("%s is not a folder gpaudit can write", dir)
	case len(entries) > 0:
		return fmt.Errorf("%s is not empty", dir)
	}
	return nil
}
