package main

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"

	"github.com/gpaudit/gpaudit/engine"
	"github.com/gpaudit/gpaudit/policies"
	"github.com/gpaudit/gpaudit/report"
)

func runTest(ctx context.Context, name string, args []string, e *env) error {
	var (
		run, format       string
		coverage, verbose bool
		threshold         float64
		noColor           bool
	)
	fs := newFlagSet(name, "test [flags] [DIR]\n\nRuns the Rego unit tests (test_ rules) of the built-in policies and of DIR/policies.", e)
	fs.StringVar(&run, "run", "", "run only the tests whose package.rule name matches `REGEX`")
	fs.BoolVar(&coverage, "coverage", false, "report the share of each policy file's lines the tests reach")
	fs.Float64Var(&threshold, "threshold", 0, "with --coverage, fail when total coverage is below `PERCENT`")
	fs.StringVar(&format, "format", "text", "output format: "+report.TestFormatList())
	fs.BoolVarP(&verbose, "verbose", "v", false, "show what passing tests printed too")
	fs.BoolVar(&noColor, "no-color", false, "no colour in output (also when NO_COLOR is set)")
	dir, done, err := parseFlags(fs, args)
	if err != nil || done {
		return err
	}
	opts := engine.TestOptions{Builtin: policies.FS, Coverage: coverage}
	if run != "" {
		re, err := regexp.Compile(run)
		if err != nil {
			return usageErrorf("test: --run %q: %v", run, err)
		}
		opts.Run = re
	}
	cf := configFlags{noColor: noColor}
	rep, err := report.NewTests(format, report.Options{Color: cf.colorFor(e.stdoutTTY, e), Verbose: verbose, Version: version})
	if err != nil {
		return usageErrorf("test: --format: %v", err)
	}
	if threshold < 0 || threshold > 100 {
		return usageErrorf("test: --threshold %g: want a percentage from 0 to 100", threshold)
	}
	if threshold > 0 && !coverage {
		return usageErrorf("test: --threshold needs --coverage")
	}
	if fs.NArg() == 1 || hasHCL(dir) {
		// A gpaudit folder: its own policies are tested with the library.
		opts.UserDir = filepath.Join(dir, "policies")
	}
	result, err := engine.RunTests(ctx, opts)
	if err != nil {
		if printCompileErrors(e, err) {
			return exitCode(exitUsage)
		}
		return runtimeErrorf("test: %v", err)
	}
	if err := rep.Report(e.stdout, result); err != nil {
		return runtimeErrorf("test: %v", err)
	}
	_, failed, errs, _ := report.TestCounts(result)
	switch {
	case len(result.Results) == 0:
		// Like a check that evaluated nothing, no test run is no pass.
		fmt.Fprintln(e.stderr, "gpaudit: test: no test ran; check --run and that the test rules are named test_…")
		return exitCode(exitFailed)
	case failed+errs > 0:
		return exitCode(exitFailed)
	case coverage && result.Percent < threshold:
		fmt.Fprintf(e.stderr, "gpaudit: coverage %.1f%% is below --threshold %g%%\n", result.Percent, threshold)
		return exitCode(exitFailed)
	}
	return nil
}

// hasHCL reports whether dir holds gpaudit configuration.
func hasHCL(dir string) bool {
	matches, _ := filepath.Glob(filepath.Join(dir, "*.hcl"))
	return len(matches) > 0
}
