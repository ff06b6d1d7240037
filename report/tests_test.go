package report

import (
	"bytes"
	"slices"
	"testing"

	"github.com/gpaudit/gpaudit/engine"
)

// testsFixture covers every test outcome, a message over two lines, printed
// output, two files, a name repeated in one package, and coverage.
func testsFixture() *engine.TestReport {
	return &engine.TestReport{
		Results: []engine.TestResult{
			{Package: "team.rules_test", Name: "test_passes", File: "policies/rules_test.rego", Row: 5, Status: engine.TestPass, Output: "seen 3 records\n"},
			{Package: "team.rules_test", Name: "test_fails", File: "policies/rules_test.rego", Row: 9, Status: engine.TestFail,
				Message: "policies/rules_test.rego:10: count(rules.deny) == 0\nwith input as {\"records\": [<&>]}"},
			{Package: "gamepot.blocks.max_duration_test", Name: "test_unbounded", File: "builtin:gamepot/blocks/max_duration_test.rego", Row: 12, Status: engine.TestError,
				Message: "builtin:gamepot/blocks/max_duration_test.rego:14: eval_builtin_error: time.parse_rfc3339_ns: bad", Output: "a\nb\n"},
			{Package: "team.rules_test", Name: "test_later", File: "policies/rules_test.rego", Row: 20, Status: engine.TestSkip},
			{Package: "team.rules_test", Name: "test_passes", File: "policies/other_test.rego", Row: 3, Status: engine.TestPass},
		},
		Coverage: []engine.FileCoverage{
			{File: "policies/rules.rego", Covered: 7, NotCovered: 1, Percent: 87.5},
			{File: "builtin:gamepot/blocks/max_duration.rego", Covered: 10, NotCovered: 0, Percent: 100},
		},
		Percent: 94.4,
	}
}

func TestTestsGolden(t *testing.T) {
	for _, tt := range []struct {
		format, file string
		opts         Options
	}{
		{"text", "tests_text.golden", Options{}},
		{"text", "tests_text_verbose.golden", Options{Verbose: true}},
		{"json", "tests_json.golden", Options{}},
		{"junit", "tests_junit.golden", Options{}},
	} {
		t.Run(tt.file, func(t *testing.T) {
			rep, err := NewTests(tt.format, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := rep.Report(&buf, testsFixture()); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.file, buf.Bytes())
		})
	}
}

func TestTestFormats(t *testing.T) {
	// The test family is pinned: a format is added to it on purpose, never
	// because the check family grew.
	got := TestFormats()
	if want := []string{"text", "json", "junit"}; !slices.Equal(got, want) {
		t.Fatalf("TestFormats() = %q, want %q", got, want)
	}
	for _, f := range got {
		if _, err := NewTests(f, Options{}); err != nil {
			t.Errorf("NewTests(%q) for a listed format: %v", f, err)
		}
	}
	if got, want := TestFormatList(), "text, json or junit"; got != want {
		t.Errorf("TestFormatList() = %q, want %q", got, want)
	}
	got[0] = "changed"
	if TestFormats()[0] != "text" {
		t.Error("TestFormats returns its internal slice; a caller changed it")
	}
}

func TestNewTestsUnknown(t *testing.T) {
	for _, format := range []string{"sarif", "markdown", "html", "", "JSON"} {
		rep, err := NewTests(format, Options{})
		want := `unknown format "` + format + `" (want text, json or junit)`
		if err == nil || err.Error() != want {
			t.Errorf("NewTests(%q) error = %v, want %q", format, err, want)
		}
		if rep != nil {
			t.Errorf("NewTests(%q) = %T, want nil with the error", format, rep)
		}
	}
}

// TestFamiliesApart adds a format to the check family, as the sarif,
// markdown and html issues will, and expects the test family not to offer it.
func TestFamiliesApart(t *testing.T) {
	saved := checkFormats
	t.Cleanup(func() { checkFormats = saved })
	checkFormats = append(slices.Clip(saved), format[Reporter]{"checkonly", func(Options) Reporter { return NewJUnit() }})

	if _, err := New("checkonly", Options{}); err != nil {
		t.Fatalf("New(checkonly) after adding it to the check family: %v", err)
	}
	if got, want := FormatList(), "text, json, junit, sarif, markdown, html or checkonly"; got != want {
		t.Errorf("FormatList() = %q, want %q", got, want)
	}
	if slices.Contains(TestFormats(), "checkonly") {
		t.Errorf("TestFormats() = %q offers a check-only format", TestFormats())
	}
	_, err := NewTests("checkonly", Options{})
	if want := `unknown format "checkonly" (want text, json or junit)`; err == nil || err.Error() != want {
		t.Errorf("NewTests(checkonly) error = %v, want %q", err, want)
	}
}
