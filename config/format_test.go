package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestFormat formats each testdata/format/*.hcl and compares the result
// with the .golden beside it; formatting a golden file changes nothing.
func TestFormat(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "format", "*.hcl"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no inputs: %v", err)
	}
	for _, in := range inputs {
		t.Run(filepath.Base(in), func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got, diags := Format(in, src)
			if len(diags) > 0 {
				t.Fatalf("diagnostics: %v", diags)
			}
			golden := strings.TrimSuffix(in, ".hcl") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("format mismatch (-want +got):\n%s", diff)
			}
			again, _ := Format(golden, want)
			if diff := cmp.Diff(string(want), string(again)); diff != "" {
				t.Errorf("formatting the golden file changes it (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFormatSyntaxError(t *testing.T) {
	src := []byte("cohort \"x\" {\n  dataset = \n}\n")
	got, diags := Format("bad.hcl", src)
	if got != nil {
		t.Errorf("got output %q for broken input", got)
	}
	want := `bad.hcl:2,13-3,1: Invalid expression; Expected the start of an expression, but found an invalid expression token.
  2 |   dataset = 
    |             ^
`
	files := map[string]*hcl.File{"bad.hcl": {Bytes: src}}
	if diff := cmp.Diff(want, diagText(t, files, diags)); diff != "" {
		t.Errorf("diagnostics mismatch (-want +got):\n%s", diff)
	}
}
