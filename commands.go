package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/pflag"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/engine"
	"github.com/gpaudit/gpaudit/english"
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

// getenv is the value of name in e's environment, "" when it is not set.
func (e *env) getenv(name string) string {
	for _, kv := range e.environ {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			return v
		}
	}
	return ""
}

// columns is the width that text on stdout fits: the terminal's when
// stdout is one; else COLUMNS when it is set to a number (so
// `COLUMNS=80 gpaudit check | less` fits a pager); else 0, no limit: a
// pipe, a file or a CI log keeps every value whole.
func (e *env) columns() int {
	if e.stdoutWidth > 0 {
		return e.stdoutWidth
	}
	if n, err := strconv.Atoi(e.getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return 0
}

// loaded is a configuration read and checked against the policies.
type loaded struct {
	cfg *config.Config
	eng *engine.Engine
}

// loadConfig reads DIR, compiles the policies and holds every check against
// its policy. Diagnostics are printed to stderr; any error is exit 2.
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
	userDir := filepath.Join(dir, "policies")
	eng, err := engine.New(ctx, engine.Options{Builtin: policies.FS, UserDir: userDir, Cohorts: cfg.Cohorts})
	if err != nil {
		if wheres := engine.WhereErrors(err); len(wheres) > 0 {
			return nil, reportDiags(e, cfg.Files, append(diags, cfg.WhereDiagnostics(wheres)...), color)
		}
		if printCompileErrors(e, err) {
			return nil, exitCode(exitUsage)
		}
		return nil, usageErrorf("compile policies: %v", err)
	}
	diags = append(diags, cfg.CheckPolicies(policyInfos(eng.Policies()), userDir)...)
	if diags.HasErrors() {
		return nil, reportDiags(e, cfg.Files, diags, color)
	}
	if len(diags) > 0 {
		_ = config.WriteDiagnostics(e.stderr, cfg.Files, diags, color)
	}
	return &loaded{cfg: cfg, eng: eng}, nil
}

// policyInfos describes the engine's policies as config checks them.
func policyInfos(list []engine.Policy) []config.PolicyInfo {
	out := make([]config.PolicyInfo, len(list))
	for i, p := range list {
		out[i] = config.PolicyInfo{Name: p.Name, Datasets: p.Datasets, Params: p.Params, With: p.With}
	}
	return out
}

// printCompileErrors prints the Rego compile errors in err, one a line led
// by OPA's file:line as `opa check` prints them, and reports whether err
// held any.
func printCompileErrors(e *env, err error) bool {
	var ce *engine.CompileError
	if !errors.As(err, &ce) {
		return false
	}
	fmt.Fprintf(e.stderr, "gpaudit: the policies do not compile (%s):\n", english.Plural(len(ce.Errors), "error"))
	for _, pe := range ce.Errors {
		fmt.Fprintln(e.stderr, pe.Error())
	}
	return true
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
