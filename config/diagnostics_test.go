package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/fatih/color"
	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
)

func TestWriteDiagnostics(t *testing.T) {
	src := "cohort \"x\" {\n\tdataset = \"memberblocks\"\r\n  title = \"수동 차단\" # 한국어\n}"
	files := map[string]*hcl.File{"main.hcl": {Bytes: []byte(src)}}
	// at returns the range of the first occurrence of text in src.
	at := func(line, col int, text string) *hcl.Range {
		i := strings.Index(src, text)
		return &hcl.Range{
			Filename: "main.hcl",
			Start:    hcl.Pos{Line: line, Column: col, Byte: i},
			End:      hcl.Pos{Line: line, Column: col + len([]rune(text)), Byte: i + len(text)},
		}
	}
	tests := []struct {
		name  string
		diags hcl.Diagnostics
		want  string
	}{
		{
			name: "error under a tab, CRLF line end",
			diags: hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Unknown dataset",
				Detail:   `"memberblocks" is not a dataset.`,
				Subject:  at(2, 12, `"memberblocks"`),
			}},
			want: "main.hcl:2,12-26: Unknown dataset; \"memberblocks\" is not a dataset.\n" +
				"  2 | \tdataset = \"memberblocks\"\n" +
				"    | \t          ^^^^^^^^^^^^^^\n",
		},
		{
			name: "wide characters take two columns",
			diags: hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Bad title",
				Subject:  at(3, 11, `"수동 차단"`),
			}},
			want: "main.hcl:3,11-18: Bad title\n" +
				"  3 |   title = \"수동 차단\" # 한국어\n" +
				"    |           ^^^^^^^^^^^\n",
		},
		{
			name: "warning, and an empty range gets one caret",
			diags: hcl.Diagnostics{{
				Severity: hcl.DiagWarning,
				Summary:  "Deprecated",
				Detail:   "Soon gone.",
				Subject:  &hcl.Range{Filename: "main.hcl", Start: hcl.Pos{Line: 1, Column: 12, Byte: 11}, End: hcl.Pos{Line: 1, Column: 12, Byte: 11}},
			}},
			want: "Warning: main.hcl:1,12-12: Deprecated; Soon gone.\n" +
				"  1 | cohort \"x\" {\n" +
				"    |            ^\n",
		},
		{
			name: "a range over lines underlines the rest of the first",
			diags: hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Block",
				Subject:  &hcl.Range{Filename: "main.hcl", Start: hcl.Pos{Line: 1, Column: 8, Byte: 7}, End: hcl.Pos{Line: 4, Column: 2, Byte: len(src)}},
			}},
			want: "main.hcl:1,8-4,2: Block\n" +
				"  1 | cohort \"x\" {\n" +
				"    |        ^^^^^\n",
		},
		{
			name: "no subject, several diagnostics",
			diags: hcl.Diagnostics{
				{Severity: hcl.DiagError, Summary: "Invalid --var option", Detail: "Use NAME=VALUE."},
				{Severity: hcl.DiagWarning, Summary: "Careful"},
				{Severity: hcl.DiagError, Summary: "Unknown file", Subject: &hcl.Range{Filename: "other.hcl", Start: hcl.InitialPos, End: hcl.InitialPos}},
			},
			want: "Error: Invalid --var option; Use NAME=VALUE.\n" +
				"\n" +
				"Warning: Careful\n" +
				"\n" +
				"other.hcl:1,1-1: Unknown file\n",
		},
		{
			name: "a hidden source line is not shown",
			diags: hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Invalid value for input variable",
				Subject:  at(2, 12, `"memberblocks"`),
				Extra:    hiddenSource{},
			}},
			want: "main.hcl:2,12-26: Invalid value for input variable\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := diagText(t, files, tt.diags); got != tt.want {
				t.Errorf("mismatch (-want +got):\n%s", cmp.Diff(tt.want, got))
			}
		})
	}
}

// TestWriteDiagnosticsColor checks that colour follows the argument alone,
// whatever fatih/color's global switch says.
func TestWriteDiagnosticsColor(t *testing.T) {
	saved := color.NoColor
	t.Cleanup(func() { color.NoColor = saved })
	files := map[string]*hcl.File{"main.hcl": {Bytes: []byte("a = 1\n")}}
	diags := hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Bad",
		Detail:   "Very.",
		Subject:  &hcl.Range{Filename: "main.hcl", Start: hcl.Pos{Line: 1, Column: 5, Byte: 4}, End: hcl.Pos{Line: 1, Column: 6, Byte: 5}},
	}}
	const plain = "main.hcl:1,5-6: Bad; Very.\n  1 | a = 1\n    |     ^\n"
	const colored = "\x1b[1mmain.hcl:1,5-6\x1b[22m: \x1b[31;1mBad\x1b[0;22m; Very.\n  1 | a = 1\n    |     \x1b[31;1m^\x1b[0;22m\n"
	for _, global := range []bool{true, false} {
		color.NoColor = global
		for enabled, want := range map[bool]string{true: colored, false: plain} {
			var b strings.Builder
			if err := WriteDiagnostics(&b, files, diags, enabled); err != nil {
				t.Fatal(err)
			}
			if b.String() != want {
				t.Errorf("global NoColor %v, color %v: got %q, want %q", global, enabled, b.String(), want)
			}
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteDiagnosticsWriteError(t *testing.T) {
	err := WriteDiagnostics(failingWriter{}, nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "x"}}, false)
	if err == nil || err.Error() != "write diagnostics: disk full" {
		t.Errorf("got %v, want the write error", err)
	}
}

// TestWriteDiagnosticsEscapes: control characters in a diagnostic or its
// source line are printed escaped, so a damaged file cannot send escape
// sequences to the terminal.
func TestWriteDiagnosticsEscapes(t *testing.T) {
	src := "a = \"\x1b[2J\x07\" # x\n"
	files := map[string]*hcl.File{"main.hcl": {Bytes: []byte(src)}}
	diags := hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Bad\x1b[31m value",
		Detail:   "It holds \x1b[2J\x07.\nSecond line.",
		Subject: &hcl.Range{
			Filename: "main.hcl",
			Start:    hcl.Pos{Line: 1, Column: 5, Byte: 4},
			End:      hcl.Pos{Line: 1, Column: 12, Byte: 11},
		},
	}}
	want := `main.hcl:1,5-12: Bad\x1b[31m value; It holds \x1b[2J\a.
Second line.
  1 | a = "\x1b[2J\a" # x
    |     ^^^^^^^^^^^
`
	var b strings.Builder
	if err := WriteDiagnostics(&b, files, diags, false); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}
