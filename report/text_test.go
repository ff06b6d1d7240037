package report

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/fatih/color"

	"github.com/gpaudit/gpaudit/cells"
	"github.com/gpaudit/gpaudit/engine"
)

func TestTextGolden(t *testing.T) {
	tests := []struct {
		file string
		opts Options
	}{
		{"text.golden", Options{}},
		{"text_verbose.golden", Options{Verbose: true}},
		{"text_color.golden", Options{Color: true}},
		{"text_color_verbose.golden", Options{Color: true, Verbose: true}},
		{"text_80.golden", Options{Width: 80}},
		{"text_color_verbose_60.golden", Options{Color: true, Verbose: true, Width: 60}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			golden(t, tt.file, render(t, NewText(tt.opts), fixture()))
		})
	}
	t.Run("triage_verbose_80.text.golden", func(t *testing.T) {
		golden(t, "triage_verbose_80.text.golden", render(t, NewText(Options{Verbose: true, Width: 80}), triageFixture()))
	})
}

// escape matches the colour sequences the text format writes.
var escape = regexp.MustCompile("\x1b\\[[0-9;]*m")

// TestTextFitsWidth renders both fixtures at many widths, with and without
// colour and Verbose, and holds every line to the width; and without a
// width, the lines are as wide as they are.
func TestTextFitsWidth(t *testing.T) {
	for _, fix := range []func() *engine.Results{fixture, triageFixture} {
		for width := 20; width <= 140; width++ {
			for _, opts := range []Options{{Width: width}, {Width: width, Color: true, Verbose: true}} {
				text := string(render(t, NewText(opts), fix()))
				for n, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
					if w := cells.Width(escape.ReplaceAllString(line, "")); w > width {
						t.Fatalf("%+v: line %d is %d columns wide:\n%s", opts, n+1, w, line)
					}
				}
				if width >= 30 && !strings.Contains(text, "(as of 2026-11-22T00:00:00Z)") {
					t.Fatalf("%+v: the clock of the summary is cut:\n%s", opts, text)
				}
			}
		}
	}
	wide := 0
	for line := range strings.SplitSeq(string(render(t, NewText(Options{Verbose: true}), triageFixture())), "\n") {
		wide = max(wide, cells.Width(line))
	}
	if wide <= 120 {
		t.Errorf("without a width the widest line is %d columns; the fixture should have longer ones", wide)
	}
}

// TestTextSubjectOnce: a per-player finding whose record is the player
// names them once; a finding with another record id keeps both columns.
func TestTextSubjectOnce(t *testing.T) {
	const id = "0c9c8987-fc6f-44a9-abee-63e75b7f9c1b"
	check := func(fs ...engine.Finding) *engine.Results {
		return &engine.Results{AsOf: asOf, Checks: []engine.CheckResult{{
			Name: "online", Severity: "high", Status: engine.StatusFail, Records: 2, Findings: fs,
		}}}
	}
	got := string(render(t, NewText(Options{}), check(engine.Finding{Subject: id, RecordID: id, Message: "online"})))
	if want := "       " + id + "  online\n"; !strings.Contains(got, want) {
		t.Errorf("got\n%s\nwant a line\n%s", got, want)
	}
	got = string(render(t, NewText(Options{}), check(
		engine.Finding{Subject: id, RecordID: id, Message: "online"},
		engine.Finding{Subject: id, RecordID: "TWVt", Message: "other"})))
	want := fmt.Sprintf("       %s        online\n       %s  TWVt  other\n", id, id)
	if !strings.Contains(got, want) {
		t.Errorf("got\n%s\nwant lines\n%s", got, want)
	}
}

// TestTextColorPerReporter checks that colour follows Options alone, whatever
// fatih/color's global switch says, so two reporters in one process (stdout
// and an --out file) can differ.
func TestTextColorPerReporter(t *testing.T) {
	saved := color.NoColor
	t.Cleanup(func() { color.NoColor = saved })

	for _, global := range []bool{true, false} {
		color.NoColor = global
		colored := string(render(t, NewText(Options{Color: true}), fixture()))
		plain := string(render(t, NewText(Options{Color: false}), fixture()))
		if !strings.Contains(colored, "\x1b[31mFAIL\x1b[0m") {
			t.Errorf("NoColor=%v: Color: true gave no red FAIL", global)
		}
		if strings.Contains(plain, "\x1b[") {
			t.Errorf("NoColor=%v: Color: false wrote an escape sequence", global)
		}
	}
}

func TestTextLines(t *testing.T) {
	tests := []struct {
		name string
		in   *engine.Results
		opts Options
		want string
	}{
		{
			name: "empty run",
			in:   &engine.Results{AsOf: asOf},
			want: "0 checks: 0 passed, 0 failed, 0 errors, 0 skipped; 0 findings, 0 warnings (as of 2026-11-22T00:00:00Z)\n",
		},
		{
			name: "hidden warnings are still warnings; hidden labelled findings line up",
			in: &engine.Results{AsOf: asOf, Baseline: true, Checks: []engine.CheckResult{{
				Name: "c", Severity: "low", Status: engine.StatusFail, Records: 1, Resolved: []engine.Resolved{},
				Findings: []engine.Finding{
					{Message: "1", Baseline: "new", Key: "1"}, {Message: "2", Baseline: "existing", Key: "2"}, {Message: "3", Baseline: "new", Key: "3"},
					{Message: "4", Key: "4"}, {Message: "5", Key: "5"}, {Message: "6", Key: "6"},
				},
				Warnings: []engine.Finding{{Message: "w1"}, {Message: "w2"}, {Message: "w3"}, {Message: "w4"}, {Message: "w5"}, {Message: "w6"}},
			}}},
			want: "FAIL   c  low  1 record   2 new\n" +
				"       new: 1\n            2\n       new: 3\n            4\n            5\n            … and 1 more (use --verbose)\n" +
				"       warn: w1\n       warn: w2\n       warn: w3\n       warn: w4\n       warn: w5\n       warn: … and 1 more (use --verbose)\n" +
				"\n1 check: 0 passed, 1 failed, 0 errors, 0 skipped; 6 findings, 6 warnings; 2 new, 0 resolved (as of 2026-11-22T00:00:00Z)\n",
		},
		{
			name: "exactly five findings need no more line",
			in: &engine.Results{AsOf: asOf, Checks: []engine.CheckResult{{
				Name: "c", Severity: "low", Status: engine.StatusFail, Records: 1,
				Findings: []engine.Finding{{Message: "1"}, {Message: "2"}, {Message: "3"}, {Message: "4"}, {Message: "5"}},
			}}},
			want: "FAIL   c  low  1 record\n" +
				"       1\n       2\n       3\n       4\n       5\n" +
				"\n1 check: 0 passed, 1 failed, 0 errors, 0 skipped; 5 findings, 0 warnings (as of 2026-11-22T00:00:00Z)\n",
		},
		{
			name: "six findings show five",
			in: &engine.Results{AsOf: asOf, Checks: []engine.CheckResult{{
				Name: "c", Severity: "low", Status: engine.StatusFail, Records: 10,
				Findings: []engine.Finding{
					{Subject: "p1", Message: "1"}, {Subject: "p2", Message: "2"}, {Subject: "p3", Message: "3"},
					{Subject: "p4", Message: "4"}, {Subject: "p5", Message: "5"}, {Subject: "p6", Message: "6"},
				},
			}}},
			want: "FAIL   c  low  10 records\n" +
				"       p1  1\n       p2  2\n       p3  3\n       p4  4\n       p5  5\n" +
				"       … and 1 more (use --verbose)\n" +
				"\n1 check: 0 passed, 1 failed, 0 errors, 0 skipped; 6 findings, 0 warnings (as of 2026-11-22T00:00:00Z)\n",
		},
		{
			name: "unknown status is shown as it is",
			in:   &engine.Results{AsOf: asOf, Checks: []engine.CheckResult{{Name: "c", Severity: "low", Status: "unfinished"}}},
			opts: Options{Color: true},
			want: "UNFINISHED  c  low  0 records\n" +
				"\n1 check: 0 passed, 0 failed, 0 errors, 0 skipped; 0 findings, 0 warnings (as of 2026-11-22T00:00:00Z)\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(render(t, NewText(tt.opts), tt.in)); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
