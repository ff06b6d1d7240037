package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/engine"
	"github.com/gpaudit/gpaudit/fetch"
	"github.com/gpaudit/gpaudit/regularfile"
	"github.com/gpaudit/gpaudit/report"
	"github.com/gpaudit/gpaudit/snapshot"
)

// checkOptions are the flags of `gpaudit check` and what validate makes of them.
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
	showPII      bool
	baseline     string
	noWaivers    bool
	configDir    string // the folder as JUnit classnames name it (configFolder)

	// Set by validate.
	now      time.Time
	failRank int // -1 for --fail-on none
	outputs  []output
	base     engine.Baseline // nil without --baseline
}

// output is one report destination: stdout when path is "".
type output struct {
	format string
	path   string
	rep    report.Reporter
}

func (o *checkOptions) flags(name string, e *env) *pflag.FlagSet {
	fs := newFlagSet(name, checkUsage, e, checkExamples, exitCodesHelp)
	fs.StringVar(&o.snapshot, "snapshot", "", "evaluate the snapshot in `DIR`; no request is sent")
	fs.StringVar(&o.format, "format", "text", "report format on stdout: "+report.FormatList())
	fs.StringArrayVar(&o.outs, "out", nil, "also write `FORMAT=PATH` (repeatable); written whole or not at all")
	fs.StringVar(&o.failOn, "fail-on", "low", "lowest severity whose failing check exits 1: info, low, medium, high, critical or none")
	o.configFlags.register(fs)
	fs.StringArrayVar(&o.checks, "check", nil, "run only the check `NAME` (repeatable)")
	fs.StringArrayVar(&o.tags, "tag", nil, "run only the checks tagged `TAG` (repeatable)")
	fs.StringVar(&o.asOf, "as-of", "", "evaluation clock, `RFC3339` (default now)")
	fs.BoolVarP(&o.verbose, "verbose", "v", false, "list every finding in the text report, with ids")
	fs.StringVar(&o.baseline, "baseline", "", "compare with `FILE`, the JSON report of an earlier run: only new findings fail the run")
	fs.BoolVar(&o.noWaivers, "no-waivers", false, "ignore every waiver block: everything that fails is shown failing")
	fs.BoolVar(&o.showPII, "show-pii", false, "print personal data (emails, IP addresses, tokens) in reports unmasked")
	fs.StringVar(&o.saveSnapshot, "save-snapshot", "", "also write what was fetched as a snapshot in `DIR`")
	o.fetchFlags.register(fs)
	return fs
}

const checkUsage = `check [flags] [DIR]

Reads every cohort the selected checks need (from the APIs, from a snapshot
with --snapshot, or through the built-in sandbox with --sandbox), evaluates
each check's policy over it, and reports the findings: --format on stdout,
--out to files. Progress and diagnostics go to stderr. DIR is a folder of
*.hcl files (default ".").`

const checkExamples = `Examples:
  # The quick start, offline: the built-in sandbox serves the bundled data.
  gpaudit check --sandbox examples/quickstart/snapshot examples/quickstart

  # Nightly CI: JUnit for the CI server; only high and critical checks fail.
  gpaudit check --fail-on high --out junit=gpaudit.xml audit/

  # Evidence: a saved snapshot and a pinned clock give the same bytes again.
  gpaudit check --snapshot evidence --as-of 2026-11-22T00:00:00Z \
    --format json audit/ > report.json

  # Only the checks tagged compliance, every finding listed.
  gpaudit check --tag compliance --verbose audit/
`

// validate catches everything the flags alone can get wrong before any
// work, and works out the clock, the failing rank and the outputs.
func (o *checkOptions) validate(fs *pflag.FlagSet, e *env) error {
	o.now = e.now().UTC().Truncate(time.Second)
	if o.asOf != "" {
		t, err := time.Parse(time.RFC3339, o.asOf)
		if err != nil {
			return usageErrorf("check: --as-of %q is not an RFC 3339 time such as 2026-11-22T00:00:00Z", o.asOf)
		}
		// OPA counts time in int64 nanoseconds, which reach only 1678 to 2262.
		if t.Year() < 1678 || t.Year() > 2261 {
			return usageErrorf("check: --as-of %q is outside the years 1678 to 2261 that policies can compute with", o.asOf)
		}
		o.now = t.UTC()
	}
	o.failRank = -1 // "none": nothing fails the build
	if o.failOn != "none" {
		o.failRank = config.SeverityRank(o.failOn)
		if o.failRank < 0 {
			return usageErrorf("check: --fail-on %q is not one of info, low, medium, high, critical, none", o.failOn)
		}
	}
	ropts := report.Options{Color: o.colorFor(e.stdoutTTY, e), Verbose: o.verbose, Version: version, ConfigDir: o.configDir, Width: e.columns()}
	var err error
	if o.outputs, err = parseOutputs(o.format, o.outs, ropts); err != nil {
		return err
	}
	if err := o.fetchFlags.check("check", fs); err != nil {
		return err
	}
	if o.baseline != "" {
		if o.base, err = readBaseline(o.baseline); err != nil {
			return usageErrorf("check: --baseline %s: %v", o.baseline, err)
		}
	}
	switch {
	case o.snapshot != "" && o.sandbox != "":
		return usageErrorf("check: --snapshot and --sandbox exclude each other: one reads a snapshot directly, the other serves it over HTTP")
	case o.snapshot != "" && o.saveSnapshot != "":
		return usageErrorf("check: --save-snapshot saves what is fetched, and --snapshot fetches nothing")
	case o.saveSnapshot != "":
		if err := emptyOrMissing(o.saveSnapshot); err != nil {
			return usageErrorf("check: --save-snapshot: %v", err)
		}
	}
	return nil
}

func runCheck(ctx context.Context, name string, args []string, e *env) error {
	var o checkOptions
	fs := o.flags(name, e)
	dir, done, err := parseFlags(fs, args)
	if err != nil || done {
		return err
	}
	o.configDir = configFolder(dir)
	if err := o.validate(fs, e); err != nil {
		return err
	}
	ld, err := loadConfig(ctx, dir, &o.configFlags, e)
	if err != nil {
		return err
	}
	selected, err := ld.cfg.Select(o.checks, o.tags)
	if err != nil {
		return usageErrorf("check: %v", err)
	}
	cohorts, snap, err := o.read(ctx, ld, ld.cfg.CohortsRead(selected), e)
	if err != nil {
		return err
	}
	eng := ld.eng
	if o.showPII {
		eng = eng.ShowPII()
	}
	res := eng.Run(ctx, ld.cfg.Checks, cohorts, o.now, selected)
	explainSkips(res, ld.cfg.Checks, o.checks, o.tags)
	if err := interrupted(ctx, "check"); err != nil {
		return err
	}
	res.Inputs = evidence(dir, ld, snap)
	if !o.noWaivers {
		res.Waive(ld.cfg.Waivers)
	}
	if o.base != nil {
		res.CompareBaseline(o.base)
	}
	warnExpired(res, e)
	if err := writeReports(o.outputs, res, e); err != nil {
		return err
	}
	return exitCode(resultCode(res, o.failRank))
}

// readBaseline reads the JSON report at path as a baseline.
func readBaseline(path string) (engine.Baseline, error) {
	f, _, err := regularfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return report.ReadBaseline(f)
}

// warnExpired tells stderr of each expired waiver: its findings count again,
// and a nightly run that turns red should say why.
func warnExpired(res *engine.Results, e *env) {
	for _, w := range res.Waivers {
		if w.Status != engine.WaiverExpired {
			continue
		}
		what := "it names no finding of this run"
		switch w.Matched {
		case 0:
		case 1:
			what = "1 finding counts again"
		default:
			what = fmt.Sprintf("%d findings count again", w.Matched)
		}
		fmt.Fprintf(e.stderr, "gpaudit: warning: waiver %q of check %q expired at %s; %s\n",
			w.Name, w.Check, w.Expires.UTC().Format(time.RFC3339), what)
	}
}

// read loads the cohorts in need: from --snapshot, or over HTTP from the
// APIs or the sandbox, saving what was fetched when --save-snapshot asks.
// It returns the snapshot read or saved (nil when there is none), which the
// report names as its evidence. --timeout bounds fetching; what was not
// fetched in time is an error in the report, which is still written. Ctrl-C
// and a damaged snapshot file write nothing.
func (o *checkOptions) read(ctx context.Context, ld *loaded, need []string, e *env) ([]fetch.Cohort, *snapshot.Snapshot, error) {
	refine := func(ctx context.Context, c *config.Cohort, recs []map[string]any, lines []string) ([]bool, error) {
		return ld.eng.WhereKeep(ctx, c, recs, lines, o.now)
	}
	fetchCtx, cancel := withTimeout(ctx, o.timeout)
	defer cancel()
	var cohorts []fetch.Cohort
	var snap *snapshot.Snapshot
	if o.snapshot != "" {
		var err error
		if snap, err = snapshot.Open(o.snapshot); err != nil {
			return nil, nil, usageErrorf("check: --snapshot: %v", err)
		}
		cohorts = fetch.Load(fetchCtx, ld.cfg, fetch.FromSnapshot(snap), need, refine)
	} else {
		s, err := openSession("check", ld.cfg, need, &o.fetchFlags, o.colorFor(e.stderrTTY, e), e)
		if err != nil {
			return nil, nil, err
		}
		cohorts = fetch.Load(fetchCtx, ld.cfg, s.client, need, refine)
		s.close()
		if err := interrupted(ctx, "check"); err != nil {
			return nil, nil, err
		}
		if o.saveSnapshot != "" {
			if err := snapshot.Write(o.saveSnapshot, snapshot.WriteOptions{CreatedAt: e.now().UTC(), ToolVersion: version}, s.client.Fetched()); err != nil {
				return nil, nil, runtimeErrorf("check: --save-snapshot: %v", err)
			}
			// The report cites the manifest as it is on disk.
			if snap, err = snapshot.Open(o.saveSnapshot); err != nil {
				return nil, nil, runtimeErrorf("check: --save-snapshot: %v", err)
			}
		}
	}
	if err := interrupted(ctx, "check"); err != nil {
		return nil, nil, err
	}
	if err := corruptSnapshot(cohorts); err != nil {
		return nil, nil, runtimeErrorf("check: %v", err)
	}
	return cohorts, snap, nil
}

// writeReports writes every output, the --out files before stdout, and
// tells stderr which checks could not be evaluated: stdout may hold JSON
// for a machine, and a person reading the CI log still learns why the run
// ended with 3.
func writeReports(outputs []output, res *engine.Results, e *env) error {
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
	for _, c := range res.Checks {
		if c.Status == engine.StatusError {
			fmt.Fprintf(e.stderr, "gpaudit: check %q could not be evaluated: %s\n", c.Name, c.Error)
		}
	}
	return nil
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
		fileOpts.Width = 0     // nor cut to a terminal's width
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

// resultCode maps the results to SPEC's exit code: 3 when anything errored,
// else 1 when a check at or above failRank failed (under a baseline: with a
// new finding that is not waived), else 0.
func resultCode(res *engine.Results, failRank int) int {
	code := exitOK
	for _, c := range res.Checks {
		switch {
		case c.Status == engine.StatusError:
			return exitRuntime
		case c.FailsRun(res.Baseline):
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
