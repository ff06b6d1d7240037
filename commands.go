package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/pflag"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/engine"
	"github.com/gpaudit/gpaudit/english"
	"github.com/gpaudit/gpaudit/policies"
	"github.com/gpaudit/gpaudit/suggest"
)

// command is one gpaudit subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, name string, args []string, e *env) error
}

// commands lists the subcommands in the order `gpaudit --help` shows them.
// Completion scripts are made from it and from each command's flag set.
var commands []command

func init() {
	// Set in init: help and completion read the table they are part of.
	commands = []command{
		{"check", "Evaluate every check and report findings (the main job)", runCheck},
		{"validate", "Parse the HCL, resolve references and compile the policies", runValidate},
		{"plan", "Show the requests check would send, per cohort", runPlan},
		{"fetch", "Fetch every cohort and write a snapshot folder", runFetch},
		{"test", "Run the Rego unit tests of the built-in and your policies", runTest},
		{"policies", "List the built-in policies and their parameters", runPolicies},
		{"sandbox", "Serve a snapshot folder as a local fake of the APIs", runSandbox},
		{"fmt", "Rewrite *.hcl files in canonical format", runFmt},
		{"version", "Print gpaudit's version and the revision it was built from", runVersion},
		{"help", "Print the help of gpaudit or of one command", runHelp},
		{"completion", "Print a shell completion script: bash, zsh or fish", runCompletion},
	}
}

const mainUsage = `gpaudit audits GAMEPOT and Ncloud Chat player data against declarative checks.

Usage:
  gpaudit <command> [flags] [DIR]

DIR is a folder of *.hcl files read together (default ".").

Commands:
%s
Flags:
  -h, --help      print this help
  -V, --version   print gpaudit's version and revision

Run 'gpaudit help <command>' or 'gpaudit <command> --help' for a command's flags.
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
	case "-h", "--help":
		printMainUsage(e.stdout)
		return nil
	case "-v", "-V", "--version":
		return runVersion(ctx, "version", args[1:], e)
	}
	c, err := lookup(name)
	if err != nil {
		return err
	}
	return c.run(ctx, name, args[1:], e)
}

// lookup finds the command called name; an unknown one is a usage error
// that suggests the nearest command.
func lookup(name string) (command, error) {
	names := make([]string, len(commands))
	for i, c := range commands {
		if c.name == name {
			return c, nil
		}
		names[i] = c.name
	}
	hint := suggest.Phrase(name, names)
	if strings.HasPrefix(name, "-") {
		hint = " gpaudit's own flags are -h/--help and -V/--version; a command's flags come after it."
	}
	return command{}, usageErrorf("unknown command %q.%s Run 'gpaudit help' for the list of commands.", name, hint)
}

// runHelp prints the help of the command named in args, as `CMD --help`
// does, or gpaudit's own help with no argument.
func runHelp(ctx context.Context, name string, args []string, e *env) error {
	switch {
	case len(args) == 0 || len(args) == 1 && (args[0] == "-h" || args[0] == "--help"):
		printMainUsage(e.stdout)
		return nil
	case len(args) > 1:
		return usageErrorf("help: takes one command, got %d: %s", len(args), strings.Join(args, " "))
	}
	c, err := lookup(args[0])
	if err != nil {
		return err
	}
	if c.name == name {
		printMainUsage(e.stdout)
		return nil
	}
	return c.run(ctx, c.name, []string{"--help"}, e)
}

// newFlagSet returns a flag set that reports errors instead of exiting and
// prints its help on request: usage (the command line, then optionally a
// blank line and a description), the flags, and footer (examples, exit
// codes), each part under 80 columns.
func newFlagSet(name, usage string, e *env, footer ...string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SortFlags = false
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		if e.flagsOf != nil {
			e.flagsOf(fs)
			return
		}
		fmt.Fprintf(e.stdout, "Usage:\n  gpaudit %s\n\nFlags:\n%s", usage, fs.FlagUsagesWrapped(80))
		for _, f := range footer {
			fmt.Fprintf(e.stdout, "\n%s", f)
		}
	}
	return fs
}

// exitCodesHelp is SPEC.md's table of exit codes, for the help of the
// commands that run checks.
const exitCodesHelp = `Exit codes:
  0  everything evaluated; no failing check at or above --fail-on
  1  a check at or above --fail-on failed
  2  usage or configuration error: a bad flag, HCL or Rego diagnostics, an
     unknown policy; nothing is fetched or written
  3  runtime error: a cohort could not be read or a policy failed; the
     affected checks are errors and the report is still written; wins over 1
`

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
// its policy. The policies are compiled even when the HCL has errors, so
// that one run lists every mistake: the HCL diagnostics, then those of
// checks against their policies, then the Rego that does not compile.
// Diagnostics are printed to stderr; any error is exit 2.
func loadConfig(ctx context.Context, dir string, cf *configFlags, e *env) (*loaded, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, usageErrorf("%s is not a folder of *.hcl files", dir)
	}
	cfg, diags := config.Load(dir, config.Options{Vars: cf.vars, VarFiles: cf.varFiles, Environ: e.environ})
	color := cf.colorFor(e.stderrTTY, e)
	userDir := filepath.Join(dir, "policies")
	eng, err := engine.New(ctx, engine.Options{Builtin: policies.FS, UserDir: userDir, Cohorts: cfg.Cohorts})
	var compileErr *engine.CompileError
	switch {
	case err == nil:
		diags = append(diags, cfg.CheckPolicies(policyInfos(eng.Policies()), userDir)...)
	case len(engine.WhereErrors(err)) > 0:
		diags = append(diags, cfg.WhereDiagnostics(engine.WhereErrors(err))...)
		errors.As(err, &compileErr) // Rego errors may come with them
	case errors.As(err, &compileErr):
	default:
		if diags.HasErrors() {
			_ = config.WriteDiagnostics(e.stderr, cfg.Files, diags, color)
		}
		return nil, usageErrorf("compile policies: %v", err)
	}
	if !diags.HasErrors() && compileErr == nil {
		if len(diags) > 0 {
			_ = config.WriteDiagnostics(e.stderr, cfg.Files, diags, color)
		}
		return &loaded{cfg: cfg, eng: eng}, nil
	}
	if len(diags) > 0 {
		if err := config.WriteDiagnostics(e.stderr, cfg.Files, diags, color); err != nil {
			return nil, runtimeErrorf("write diagnostics: %v", err)
		}
		if compileErr != nil {
			fmt.Fprintln(e.stderr)
		}
	}
	if compileErr != nil {
		printCompileErrors(e, compileErr)
	}
	return nil, exitCode(exitUsage)
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
	fs := newFlagSet(name, "version\n\nPrints gpaudit's version and, when the binary was built from a git checkout, the\nrevision it was built from and whether that checkout had uncommitted changes:\n\n  gpaudit 0.1.0 (rev 8c0da0b12f3e, modified)", e)
	if _, done, err := parseFlags(fs, args); err != nil || done {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("version takes no arguments")
	}
	info, _ := debug.ReadBuildInfo()
	fmt.Fprintln(e.stdout, versionLine(version, info))
	return nil
}

// releaseVersion is a module version a tag names (v1.2.0, v1.3.0-rc.1);
// pseudoVersion is the form go gives an untagged commit
// (v0.0.0-20261201120000-8c0da0b12f3e), which the revision says better.
var (
	releaseVersion = regexp.MustCompile(`^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`)
	pseudoVersion  = regexp.MustCompile(`\d{14}-[0-9a-f]{12}$`)
)

// versionLine is what `gpaudit version` prints: "gpaudit VERSION", then the
// VCS revision the binary was built from (its first 12 hex digits) and
// "modified" when that checkout had uncommitted changes, as go build records
// them. VERSION is the module version when the binary was built from a
// released module version (go install …@v1.2.0), else the version compiled
// in (set by -ldflags "-X main.version=…"). Builds without VCS information
// (go run, go test, a build outside a checkout) print the version alone.
func versionLine(compiled string, info *debug.BuildInfo) string {
	v, rev, modified := compiled, "", false
	if info != nil {
		if mv := info.Main.Version; releaseVersion.MatchString(mv) && !pseudoVersion.MatchString(mv) {
			v = strings.TrimPrefix(mv, "v")
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if rev == "" {
		return "gpaudit " + v
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	line := "gpaudit " + v + " (rev " + rev
	if modified {
		line += ", modified"
	}
	return line + ")"
}
