package engine

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/cover"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/open-policy-agent/opa/v1/topdown/builtins"
)

// Test outcomes.
const (
	TestPass  = "pass"
	TestFail  = "fail"
	TestError = "error"
	TestSkip  = "skip"
)

// Test rules are named as opa test names them: a test_ rule runs, a
// todo_test_ rule is reported as skipped.
const (
	testPrefix = "test_"
	todoPrefix = "todo_test_"
)

// testTimeout bounds each test, as opa test does by default: a test that
// runs away is an error and the others still run.
const testTimeout = 5 * time.Second

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
	Name    string // the rule, e.g. test_unbounded_block; test_x#01 for the second of that name
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
//
// A test passes when its rule is true. It fails when the rule is undefined
// or has another value, and errors when evaluating it does (a built-in's
// error included). These are opa test's rules, and gpaudit runs them itself
// so that the binary does not link OPA's tester, which brings in Go's
// testing package for its benchmarks.
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
	tests := findTests(modules)
	compiler := newCompiler().
		WithEnablePrintStatements(true).
		WithStageAfterID(ast.StageRewriteLocalVars, ast.CompilerStageDefinition{
			Name:       "TraceTestCases",
			MetricName: "trace_test_cases",
			Stage:      traceTestCases,
		})
	if compiler.Compile(modules); compiler.Failed() {
		compiler.Errors.Sort()
		return nil, &CompileError{Errors: compiler.Errors}
	}
	if opts.Run != nil {
		// Every definition of a rule that --run names runs, and so does one
		// named by its number alone.
		tests = slices.DeleteFunc(tests, func(t regoTest) bool {
			return !opts.Run.MatchString(t.pkg+"."+t.rule) && !opts.Run.MatchString(t.pkg+"."+t.name)
		})
	}
	if len(tests) == 0 {
		return &TestReport{}, nil
	}
	var cov *cover.Cover
	if opts.Coverage {
		cov = cover.New()
	}
	run := &TestReport{Results: make([]TestResult, 0, len(tests))}
	for _, t := range tests {
		r, err := runTest(ctx, compiler, cov, t)
		if err != nil {
			return nil, err
		}
		run.Results = append(run.Results, r)
	}
	if cov != nil {
		run.Coverage, run.Percent = coverage(cov, modules)
	}
	return run, nil
}

// regoTest is one test rule. A name that a package defines several times is
// a test per definition, as in opa test: the second and later are renamed
// test_x#01, test_x#02… in their heads, so that each is evaluated alone.
type regoTest struct {
	pkg   string    // the package without "data."
	rule  string    // the head up to its test_ term: test_x, or tests.test_x
	name  string    // rule, numbered from its second definition on
	query ast.Ref   // data.pkg.name
	def   *ast.Rule // as parsed
	todo  bool
}

// findTests lists the test rules of modules in file and line order, and
// numbers the repeated names.
func findTests(modules map[string]*ast.Module) []regoTest {
	var tests []regoTest
	defined := map[string]int{}
	for _, file := range slices.Sorted(maps.Keys(modules)) {
		m := modules[file]
		pkg := packageName(m.Package)
		for _, r := range m.Rules {
			n := testTerms(r.Head)
			if n == 0 {
				continue
			}
			rule := r.Head.Ref()[:n].String()
			t := regoTest{pkg: pkg, rule: rule, name: rule, def: r, todo: isTodo(r.Head, n)}
			if k := defined[pkg+"."+rule]; k > 0 {
				t.name = renumber(r.Head, n, k)
			}
			defined[pkg+"."+rule]++
			t.query = m.Package.Path.Extend(r.Head.Ref()[:n])
			tests = append(tests, t)
		}
	}
	return tests
}

// testTerms says where a rule's head names a test: it is the ground part of
// the head's reference up to the first term that starts with test_ or
// todo_test_, as in opa test, so test_x, tests.test_x and test_x[note] are
// all tests. It returns the number of terms, 0 for a rule that is no test.
func testTerms(h *ast.Head) int {
	for i, t := range h.Ref().GroundPrefix() {
		name := termName(t)
		if strings.HasPrefix(name, testPrefix) || strings.HasPrefix(name, todoPrefix) {
			return i + 1
		}
	}
	return 0
}

func isTodo(h *ast.Head, n int) bool {
	return strings.HasPrefix(termName(h.Ref()[n-1]), todoPrefix)
}

// termName is the name a term of a head spells: test_x in test_x or in
// tests["test_x"].
func termName(t *ast.Term) string {
	switch v := t.Value.(type) {
	case ast.Var:
		return string(v)
	case ast.String:
		return string(v)
	}
	return ""
}

// renumber renames the test that h's first n terms name to its k-th repeat,
// test_x#01 for k = 1, and returns the new name.
func renumber(h *ast.Head, n, k int) string {
	ref := slices.Clone(h.Ref())
	term := ref[n-1].Copy()
	name := fmt.Sprintf("%s#%02d", termName(term), k)
	if n == 1 {
		term.Value = ast.Var(name)
		if h.Name != "" {
			h.Name = ast.Var(name)
		}
	} else {
		term.Value = ast.String(name)
	}
	ref[n-1] = term
	h.SetRef(ref)
	return ref[:n].String()
}

// runTest evaluates one test. Only the end of ctx is an error: whatever the
// test does wrong is its result.
func runTest(ctx context.Context, compiler *ast.Compiler, cov *cover.Cover, t regoTest) (TestResult, error) {
	if err := ctx.Err(); err != nil {
		return TestResult{}, err
	}
	loc := t.def.Location
	res := TestResult{Package: t.pkg, Name: t.name, File: loc.File, Row: loc.Row, Status: TestPass}
	switch {
	case t.todo:
		res.Status = TestSkip
		return res, nil
	case len(t.def.Head.Args) > 0:
		// opa test errors too: the query can only name a function.
		res.Status, res.Message = TestError, fmt.Sprintf("%s is a function; a test takes no arguments", t.name)
		return res, nil
	}
	evalCtx, cancel := context.WithTimeout(ctx, testTimeout)
	defer cancel()
	query, err := rego.New(
		rego.Compiler(compiler),
		rego.ParsedQuery(ast.NewBody(ast.NewExpr(ast.NewTerm(t.query)))),
		rego.StrictBuiltinErrors(true),
		rego.EnablePrintStatements(true),
		rego.SetRegoVersion(ast.RegoV1),
	).PrepareForEval(evalCtx)
	if err != nil {
		res.Status, res.Message = TestError, err.Error()
		return res, nil
	}
	var printed bytes.Buffer
	// The second evaluation below replays the first's time.now_ns, rand.intn
	// and the like, so it takes the same path.
	nondet := builtins.NDBCache{}
	evalOpts := []rego.EvalOption{
		rego.EvalPrintHook(topdown.NewPrintHook(&printed)),
		rego.EvalNDBuiltinCache(nondet),
	}
	if cov != nil {
		evalOpts = append(evalOpts, rego.EvalQueryTracer(cov))
	}
	var cases *caseTracer
	if t.def.Head.DocKind() == ast.PartialObjectDoc {
		cases = &caseTracer{}
		evalOpts = append(evalOpts, rego.EvalQueryTracer(cases))
	}
	rs, err := query.Eval(evalCtx, evalOpts...)
	res.Output = printed.String()
	switch {
	case err != nil && ctx.Err() != nil:
		return TestResult{}, ctx.Err()
	case err != nil:
		res.Status, res.Message = TestError, err.Error()
		return res, nil
	case passed(rs, cases):
		return res, nil
	}
	res.Status = TestFail
	// Only a failing test is evaluated again, traced, to say where it
	// failed: tracing every test made them several times slower.
	trace := topdown.NewBufferTracer()
	if _, err := query.Eval(evalCtx, rego.EvalNDBuiltinCache(nondet), rego.EvalQueryTracer(trace)); err == nil {
		if at := failedAt(*trace, loc); at != nil {
			res.Message = fmt.Sprintf("%s:%d: %s", at.File, at.Row, strings.TrimSpace(string(at.Text)))
		}
	}
	return res, nil
}

// passed reports whether a test's result is a pass: true, or for a test of
// several cases, true for every case it began.
func passed(rs rego.ResultSet, cases *caseTracer) bool {
	if len(rs) == 0 {
		return false
	}
	v := rs[0].Expressions[0].Value
	if cases != nil {
		return cases.passed(v)
	}
	b, ok := v.(bool)
	return ok && b
}

// failedAt is the expression of the test's own body that failed last, from
// its trace; nil when the trace does not tell.
func failedAt(trace []*topdown.Event, test *ast.Location) *ast.Location {
	var loc *ast.Location
	for _, ev := range trace {
		expr, ok := ev.Node.(*ast.Expr)
		if ev.Op != topdown.FailOp || !ok || expr.Location == nil {
			continue
		}
		if expr.Location.File == test.File && expr.Location.Row > test.Row {
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
