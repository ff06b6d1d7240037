package engine

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/cover"
	"github.com/open-policy-agent/opa/v1/tester"
)

// testsDir holds a policy, its tests, and a test of each kind the runner
// tells apart.
var testsDir = filepath.Join("testdata", "tests")

func TestRunTests(t *testing.T) {
	cases, rules, twiceFile := filepath.Join(testsDir, "cases_test.rego"), filepath.Join(testsDir, "rules_test.rego"), filepath.Join(testsDir, "twice_test.rego")
	var (
		sum      = TestResult{Package: "team.cases_test", Name: "test_sum", File: cases, Row: 8, Status: TestPass}
		sumWrong = TestResult{Package: "team.cases_test", Name: "test_sum_wrong", File: cases, Row: 13, Status: TestFail,
			Message: cases + ":15: sum(tc.numbers) == 1"}
		noCases   = TestResult{Package: "team.cases_test", Name: "test_no_cases", File: cases, Row: 18, Status: TestPass}
		passes    = TestResult{Package: "team.rules_test", Name: "test_passes", File: rules, Row: 5, Status: TestPass, Output: "passes\n"}
		undefined = TestResult{Package: "team.rules_test", Name: "test_undefined", File: rules, Row: 10, Status: TestFail,
			Message: rules + `:12: count(rules.deny) == 0 with input as {"records": [{"id": "a", "bad": true}]}`, Output: "undefined\n"}
		notTrue    = TestResult{Package: "team.rules_test", Name: "test_not_true", File: rules, Row: 15, Status: TestFail}
		isFalse    = TestResult{Package: "team.rules_test", Name: "test_false", File: rules, Row: 17, Status: TestFail}
		builtinErr = TestResult{Package: "team.rules_test", Name: "test_builtin_error", File: rules, Row: 21, Status: TestError,
			Message: rules + `:22: eval_builtin_error: to_number: strconv.ParseFloat: parsing "ten": invalid syntax`}
		later    = TestResult{Package: "team.rules_test", Name: "todo_test_later", File: rules, Row: 25, Status: TestSkip}
		function = TestResult{Package: "team.rules_test", Name: "test_function", File: rules, Row: 34, Status: TestError,
			Message: "test_function is a function; a test takes no arguments"}
		inARef = TestResult{Package: "team.rules_test", Name: "tests.test_in_a_ref", File: rules, Row: 38, Status: TestPass}
		twice  = TestResult{Package: "team.rules_test", Name: "test_twice", File: rules, Row: 42, Status: TestPass}
		twice1 = TestResult{Package: "team.rules_test", Name: "test_twice#01", File: rules, Row: 46, Status: TestFail, Message: rules + ":47: false"}
		twice2 = TestResult{Package: "team.rules_test", Name: "test_twice#02", File: twiceFile, Row: 4, Status: TestPass, Output: "third\n"}
	)
	tests := []struct {
		name string
		run  string
		want []TestResult
	}{
		{"every test, in file and line order", "", []TestResult{sum, sumWrong, noCases, passes, undefined, notTrue, isFalse, builtinErr, later, function, inARef, twice, twice1, twice2}},
		{"a rule's name runs each of its definitions", `\.test_twice$`, []TestResult{twice, twice1, twice2}},
		{"a number runs that definition alone", `test_twice#01`, []TestResult{twice1}},
		{"by package", `^team\.cases_test\.`, []TestResult{sum, sumWrong, noCases}},
		{"a skipped test is still chosen by name", `todo_`, []TestResult{later}},
		{"nothing", `nothing-is-called-this`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := TestOptions{UserDir: testsDir}
			if tt.run != "" {
				opts.Run = regexp.MustCompile(tt.run)
			}
			got, err := RunTests(context.Background(), opts)
			if err != nil {
				t.Fatalf("RunTests: %v", err)
			}
			if diff := cmp.Diff(tt.want, got.Results); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRunTestsAsOPA holds the runner to opa test's verdicts and coverage on
// the same Rego, so that an OPA upgrade that changes them shows.
func TestRunTestsAsOPA(t *testing.T) {
	got, err := RunTests(context.Background(), TestOptions{UserDir: testsDir, Coverage: true})
	if err != nil {
		t.Fatalf("RunTests: %v", err)
	}
	files, err := readRego(nil, testsDir, isRegoFile)
	if err != nil {
		t.Fatal(err)
	}
	modules, _, errs := parsePolicies(files)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	cov := cover.New()
	ch, err := tester.NewRunner().
		SetCompiler(newCompiler().WithEnablePrintStatements(true)).
		SetModules(modules).
		RaiseBuiltinErrors(true).
		SetCoverageQueryTracer(cov).
		RunTests(context.Background(), nil)
	if err != nil {
		t.Fatalf("opa tester: %v", err)
	}
	want := map[string]string{}
	for r := range ch {
		status := TestPass
		switch {
		case r.Error != nil:
			status = TestError
		case r.Fail:
			status = TestFail
		case r.Skip:
			status = TestSkip
		}
		// opa test numbers repeated names across files in no fixed order:
		// tests are told apart by where they are.
		want[fmt.Sprintf("%s:%d", r.Location.File, r.Location.Row)] = status
	}
	verdicts := map[string]string{}
	for _, r := range got.Results {
		verdicts[fmt.Sprintf("%s:%d", r.File, r.Row)] = r.Status
	}
	if diff := cmp.Diff(want, verdicts); diff != "" {
		t.Errorf("verdicts by test (-opa +gpaudit):\n%s", diff)
	}
	wantCoverage, _ := coverage(cov, modules)
	if diff := cmp.Diff(wantCoverage, got.Coverage); diff != "" {
		t.Errorf("coverage (-opa +gpaudit):\n%s", diff)
	}
	if len(got.Coverage) != 1 || got.Coverage[0].Covered == 0 {
		t.Errorf("coverage = %+v, want some of rules.rego", got.Coverage)
	}
}

func TestRunTestsCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := RunTests(ctx, TestOptions{UserDir: testsDir})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("RunTests with a cancelled context: %v, want context.Canceled", err)
	}
}
