package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/pflag"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/engine"
	"github.com/gpaudit/gpaudit/policies"
)

// command is one gpaudit subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, name string, args []string, e *env) error
}

// commands lists the subcommands in the order `gpaudit --help` shows them.
var commands = []command{
	{"check", "Evaluate every check and report findings (the main job)", runCheck},
	{"validate", "Parse the HCL, resolve references and compile the policies", runValidate},
	{"plan", "Show the requests check would send, per cohort", runPlan},
	{"fetch", "Fetch every cohort and write a snapshot folder", runFetch},
	{"test", "Run the Rego unit tests of the built-in and your policies", runTest},
	{"policies", "List the built-in policies and their parameters", runPolicies},
	{"sandbox", "Serve a snapshot folder as a local fake of the APIs", runSandbox},
	{"fmt", "Rewrite *.hcl files in canonical format", runFmt},
	{"version", "Print gpaudit's version", runVersion},
}

const mainUsage = `gpaudit audits GAMEPOT and Ncloud Chat player data against declarative checks.

Usage:
  gpaudit <command> [flags] [DIR]

DIR is a folder of *.hcl files read together (default ".").

Commands:
%s
Run 'gpaudit <command> --help' for a command's flags.
`

func printMainUsage(w io.Writer) {
	var b strings.Builder
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, mainUsage, b.String())
}

func dispatch(ctx context.Context, args []string, e *env) error {
	if len(args) == 0 {
		printMainUsage(e.stderr)
		return exitCode(exitUsage)
	}
	name := args[0]
	switch name {
	case "-h", "--help", "help":
		printMainUsage(e.stdout)
		return nil
	case "-v", "--version":
		return runVersion(ctx, "version", nil, e)
	}
	for _, c := range commands {
		if c.name == name {
			return c.run(ctx, name, args[1:], e)
		}
	}
	printMainUsage(e.stderr)
	return usageErrorf("unknown command %q", name)
}

// newFlagSet returns a flag set that reports errors instead of exiting and
// prints its help on request.
func newFlagSet(name, usage string, e *env) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SortFlags = false
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "Usage:\n  gpaudit %s\n\nFlags:\n%s", usage, fs.FlagUsagesWrapped(100))
	}
	return fs
}

// parseFlags parses args; --help prints usage and ends the command with 0.
// It returns the single optional DIR argument.
func parseFlags(fs *pflag.FlagSet, args []string) (dir string, done bool, err error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return "", true, nil // pflag has printed the usage already
		}
		return "", false, usageErrorf("%s: %v (see 'gpaudit %s --help')", fs.Name(), err, fs.Name())
	}
	switch fs.NArg() {
	case 0:
		return ".", false, nil
	case 1:
		return fs.Arg(0), false, nil
	default:
		return "", false, usageErrorf("%s: takes one DIR argument, got %d: %s", fs.Name(), fs.NArg(), strings.Join(fs.Args(), " "))
	}
}

// configFlags are the flags every command that reads the HCL shares.
type configFlags struct {
	vars     []string
	varFiles []string
	noColor  bool
}

func (c *configFlags) register(fs *pflag.FlagSet) {
	fs.StringArrayVar(&c.vars, "var", nil, "set a variable, `NAME=VALUE` (repeatable)")
	fs.StringArrayVar(&c.varFiles, "var-file", nil, "read variables from an HCL or JSON `FILE` (repeatable)")
	fs.BoolVar(&c.noColor, "no-color", false, "no colour in output (also when NO_COLOR is set)")
}

// colorFor says whether output to a stream may be coloured.
func (c *configFlags) colorFor(tty bool, e *env) bool {
	if c.noColor || !tty {
		return false
	}
	for _, kv := range e.environ {
		if v, ok := strings.CutPrefix(kv, "NO_COLOR="); ok && v != "" {
			return false
		}
	}
	return true
}

// loaded is a configuration read and checked against the policies.
type loaded struct {
	cfg *config.Config
	eng *engine.Engine
}

// loadConfig reads DIR, compiles the policies and checks that every check's
// policy exists. Diagnostics are printed to stderr; any error is exit 2.
func loadConfig(ctx context.Context, dir string, cf *configFlags, e *env) (*loaded, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, usageErrorf("%s is not a folder of *.hcl files", dir)
	}
	cfg, diags := config.Load(dir, config.Options{Vars: cf.vars, VarFiles: cf.varFiles, Environ: e.environ})
	color := cf.colorFor(e.stderrTTY, e)
	if diags.HasErrors() || cfg == nil {
		var files map[string]*hcl.File
		if cfg != nil {
			files = cfg.Files
		}
		return nil, reportDiags(e, files, diags, color)
	}
	eng, err := engine.New(ctx, engine.Options{
		Builtin: policies.FS,
		UserDir: filepath.Join(dir, "policies"),
		Cohorts: cfg.Cohorts,
	})
	if err != nil {
		if whereDiags := whereDiagnostics(cfg, err); len(whereDiags) > 0 {
			return nil, reportDiags(e, cfg.Files, append(diags, whereDiags...), color)
		}
		var ce *engine.CompileError
		if errors.As(err, &ce) {
			// One problem a line, each led by OPA's file:line, as `opa check` prints them.
			fmt.Fprintf(e.stderr, "gpaudit: the policies do not compile (%s):\n", plural(len(ce.Errors), "error"))
			for _, pe := range ce.Errors {
				fmt.Fprintf(e.stderr, "%s\n", pe.Error())
			}
			return nil, exitCode(exitUsage)
		}
		return nil, usageErrorf("compile policies: %v", err)
	}
	diags = append(diags, policyDiagnostics(cfg, eng, dir)...)
	if diags.HasErrors() {
		return nil, reportDiags(e, cfg.Files, diags, color)
	}
	if len(diags) > 0 {
		_ = config.WriteDiagnostics(e.stderr, cfg.Files, diags, color)
	}
	return &loaded{cfg: cfg, eng: eng}, nil
}

// whereDiagnostics points each where expression that does not compile at
// its cohort's where attribute; nil when err holds none.
func whereDiagnostics(cfg *config.Config, err error) hcl.Diagnostics {
	var diags hcl.Diagnostics
	var walk func(error)
	walk = func(err error) {
		if we, ok := err.(*engine.WhereError); ok {
			if c := cfg.Cohort(we.Cohort); c != nil {
				rng := c.WhereRange
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid where expression",
					Detail:   we.Err.Error(),
					Subject:  &rng,
				})
			}
			return
		}
		if joined, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range joined.Unwrap() {
				walk(e)
			}
		}
	}
	walk(err)
	return diags
}

// policyDiagnostics checks each check against its policy: the policy
// exists, reads the cohort's dataset, and declares every parameter given.
func policyDiagnostics(cfg *config.Config, eng *engine.Engine, dir string) hcl.Diagnostics {
	byName := map[string]engine.Policy{}
	for _, p := range eng.Policies() {
		byName[p.Name] = p
	}
	var diags hcl.Diagnostics
	for _, ch := range cfg.Checks {
		p, ok := byName[ch.Policy]
		if !ok {
			rng := ch.PolicyRange
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unknown policy",
				Detail:   fmt.Sprintf("No built-in policy or package in %s is called %q; 'gpaudit policies' lists the built-in ones.", filepath.Join(dir, "policies"), ch.Policy),
				Subject:  &rng,
			})
			continue
		}
		policyRng, declRng := ch.PolicyRange, ch.DeclRange
		if c := cfg.Cohort(ch.Cohort); c != nil && len(p.Datasets) > 0 && !slices.Contains(p.Datasets, c.Dataset) {
			// A policy over the wrong records finds nothing and passes.
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Policy does not read this dataset",
				Detail:   fmt.Sprintf("Policy %q reads %s; cohort %q is %s.", p.Name, strings.Join(p.Datasets, ", "), c.Name, c.Dataset),
				Subject:  &policyRng,
			})
		}
		for _, k := range slices.Sorted(maps.Keys(p.With)) {
			name, ok := ch.With[k]
			if !ok {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Missing with cohort",
					Detail:   fmt.Sprintf("Policy %q reads a %s cohort as with.%s; add with = { %s = cohort.NAME }.", p.Name, p.With[k], k, k),
					Subject:  &declRng,
				})
				continue
			}
			if c := cfg.Cohort(name); c != nil && c.Dataset != p.With[k] {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Wrong dataset for with cohort",
					Detail:   fmt.Sprintf("Policy %q reads with.%s as %s; cohort %q is %s.", p.Name, k, p.With[k], name, c.Dataset),
					Subject:  &declRng,
				})
			}
		}
		if p.Params == nil {
			continue // a policy without declared parameters takes any
		}
		for _, k := range slices.Sorted(maps.Keys(ch.Params)) {
			if _, ok := p.Params[k]; !ok {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Unknown policy parameter",
					Detail:   fmt.Sprintf("Policy %q has no parameter %q; it takes %s.", p.Name, k, strings.Join(slices.Sorted(maps.Keys(p.Params)), ", ")),
					Subject:  &declRng,
				})
			}
		}
	}
	return diags
}

// reportDiags prints diagnostics and ends the command with exit 2.
func reportDiags(e *env, files map[string]*hcl.File, diags hcl.Diagnostics, color bool) error {
	if err := config.WriteDiagnostics(e.stderr, files, diags, color); err != nil {
		return runtimeErrorf("write diagnostics: %v", err)
	}
	return exitCode(exitUsage)
}

func runVersion(_ context.Context, name string, args []string, e *env) error {
	fs := newFlagSet(name, "version", e)
	if _, done, err := parseFlags(fs, args); err != nil || done {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("version takes no arguments")
	}
	fmt.Fprintf(e.stdout, "gpaudit %s\n", version)
	return nil
}
