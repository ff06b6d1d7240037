package engine

import (
	"context"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/cover"
	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// Test outcomes.
const (
	TestPass  = "pass"
	TestFail  = "fail"
	TestError = "error"
	TestSkip  = "skip"
)

// TestOptions choose the Rego unit tests to run: every test_ rule of the
// built-in library and of the user's policy folder, in the sandbox policies
// are evaluated in.
type TestOptions struct {
	Builtin fs.FS
	UserDir string
	// Run keeps only the tests whose "package.rule" name matches; nil: all.
	Run *regexp.Regexp
	// Coverage measures which lines of the policies the tests reach.
	Coverage bool
}

// TestResult is one Rego test's outcome.
type TestResult struct {
	Package string // e.g. gamepot.blocks.max_duration_test
	Name    string // the rule, e.g. test_unbounded_block
	File    string // as in compile errors: builtin:… or the user's path
	Row     int
	Status  string // pass, fail, error or skip
	// Message says where a failing test failed or why it errored.
	Message string
	// Output is what the test printed with print().
	Output string
}

// FileCoverage is the share of a policy file's lines its tests reached.
type FileCoverage struct {
	File       string
	Covered    int
	NotCovered int
	Percent    float64
}

// TestReport is the outcome of RunTests, tests in file and line order.
type TestReport struct {
	Results  []TestResult
	Coverage []FileCoverage // policy files only, by name; nil unless asked
	// Percent is the coverage over all policy files.
	Percent float64
}

// RunTests compiles the library, the user's policies and their tests, and
// runs the tests with strict built-in errors, as policies are evaluated.
// Rego that does not compile gives a *CompileError.
func RunTests(ctx context.Context, opts TestOptions) (*TestReport, error) {
	files, err := readRego(opts.Builtin, opts.UserDir, isRegoFile)
	if err != nil {
		return nil, err
	}
	modules, _, errs := parsePolicies(files)
	if len(errs) > 0 {
		errs.Sort()
		return nil, &CompileError{Errors: errs}
	}
	compiler := newCompiler().WithEnablePrintStatements(true)
	if compiler.Compile(modules); compiler.Failed() {
		compiler.Errors.Sort()
		return nil, &CompileError{Errors: compiler.Errors}
	}
	runner := tester.NewRunner().
		SetCompiler(compiler).
		SetModules(modules).
		RaiseBuiltinErrors(true).
		CapturePrintOutput(true).
		EnableTracing(true) // to say which expression a failing test failed on
	if opts.Run != nil {
		// OPA matches its filter against "data.pkg.rule"; --run speaks of
		// "pkg.rule", so the chosen tests are named to OPA one by one.
		names := chosenTests(modules, opts.Run)
		if len(names) == 0 {
			return &TestReport{}, nil
		}
		runner = runner.Filter("^(?:" + strings.Join(names, "|") + ")$")
	}
	var cov *cover.Cover
	if opts.Coverage {
		cov = cover.New()
		runner = runner.SetCoverageQueryTracer(cov)
	}
	ch, err := runner.RunTests(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("run tests: %w", err)
	}
	run := &TestReport{}
	for r := range ch {
		run.Results = append(run.Results, testResult(r))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(run.Results, func(a, b TestResult) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		return a.Row - b.Row
	})
	if cov != nil {
		run.Coverage, run.Percent = coverage(cov, modules)
	}
	return run, nil
}

// chosenTests lists, as quoted regular expressions, the full names of the
// test rules whose "pkg.rule" name matches re.
func chosenTests(modules map[string]*ast.Module, re *regexp.Regexp) []string {
	var names []string
	for _, m := range modules {
		pkg := strings.TrimPrefix(m.Package.Path.String(), "data.")
		for _, r := range m.Rules {
			name := r.Head.Ref().String()
			if !strings.HasPrefix(name, tester.TestPrefix) && !strings.HasPrefix(name, tester.SkipTestPrefix) {
				continue
			}
			if re.MatchString(pkg + "." + name) {
				names = append(names, regexp.QuoteMeta("data."+pkg+"."+name))
			}
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

func testResult(r *tester.Result) TestResult {
	tr := TestResult{
		Package: strings.TrimPrefix(r.Package, "data."),
		Name:    r.Name,
		File:    r.Location.File,
		Row:     r.Location.Row,
		Output:  string(r.Output),
		Status:  TestPass,
	}
	switch {
	case r.Error != nil:
		tr.Status, tr.Message = TestError, r.Error.Error()
	case r.Fail:
		tr.Status = TestFail
		if loc := failedAt(r); loc != nil {
			tr.Message = fmt.Sprintf("%s:%d: %s", loc.File, loc.Row, strings.TrimSpace(string(loc.Text)))
		}
	case r.Skip:
		tr.Status = TestSkip
	}
	return tr
}

// failedAt is the expression of the test's own body that failed last, from
// its trace; nil when the trace does not tell.
func failedAt(r *tester.Result) *ast.Location {
	var loc *ast.Location
	for _, ev := range r.Trace {
		expr, ok := ev.Node.(*ast.Expr)
		if ev.Op != topdown.FailOp || !ok || expr.Location == nil {
			continue
		}
		if expr.Location.File == r.Location.File && expr.Location.Row > r.Location.Row {
			loc = expr.Location
		}
	}
	return loc
}

// coverage reports the policy files (not the tests) by name.
func coverage(cov *cover.Cover, modules map[string]*ast.Module) ([]FileCoverage, float64) {
	report := cov.Report(modules)
	var out []FileCoverage
	covered, total := 0, 0
	for file, fr := range report.Files {
		if strings.HasSuffix(file, "_test.rego") {
			continue
		}
		out = append(out, FileCoverage{File: file, Covered: fr.CoveredLines, NotCovered: fr.NotCoveredLines, Percent: fr.Coverage})
		covered += fr.CoveredLines
		total += fr.CoveredLines + fr.NotCoveredLines
	}
	slices.SortFunc(out, func(a, b FileCoverage) int { return strings.Compare(a.File, b.File) })
	percent := 100.0
	if total > 0 {
		percent = float64(covered) * 100 / float64(total)
	}
	return out, percent
}
