package diff

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestUnified(t *testing.T) {
	old := "variable \"x\" {\n    default = 1\n  description=\"messy\"\n}\n"
	new := "variable \"x\" {\n  default     = 1\n  description = \"messy\"\n}\n"
	want := `--- a/main.hcl
+++ b/main.hcl
@@ -1,4 +1,4 @@
 variable "x" {
-    default = 1
-  description="messy"
+  default     = 1
+  description = "messy"
 }
`
	if got := Unified("main.hcl", []byte(old), []byte(new)); got != want {
		t.Errorf("Unified:\n%s\nwant:\n%s", got, want)
	}
	if got := Unified("main.hcl", []byte(old), []byte(old)); got != "" {
		t.Errorf("Unified of equal texts = %q, want empty", got)
	}
}

func TestUnifiedHunks(t *testing.T) {
	var a, b []string
	for i := 1; i <= 30; i++ {
		line := strings.Repeat("x", i%7) + "\n"
		a = append(a, line)
		switch i {
		case 2, 20, 22:
			b = append(b, "changed\n")
		case 9:
		default:
			b = append(b, line)
		}
	}
	got := Unified("f", []byte(strings.Join(a, "")), []byte(strings.Join(b, "")))
	var headers []string
	for _, l := range strings.Split(got, "\n") {
		if strings.HasPrefix(l, "@@") {
			headers = append(headers, l)
		}
	}
	want := []string{"@@ -1,12 +1,11 @@", "@@ -17,9 +16,9 @@"}
	if strings.Join(headers, "|") != strings.Join(want, "|") {
		t.Errorf("hunks %q, want %q\n%s", headers, want, got)
	}
}

// TestUnifiedApplies holds the diffs to what git apply accepts: applied to
// the old text, each gives the new one.
func TestUnifiedApplies(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git on PATH")
	}
	long := func(n int, f func(i int) string) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(f(i))
		}
		return b.String()
	}
	tests := []struct{ name, old, new string }{
		{"change", "a\nb\nc\n", "a\nB\nc\n"},
		{"from empty", "", "a\nb\n"},
		{"to empty", "a\nb\n", ""},
		{"no newline at end", "a\nb", "a\nb\n"},
		{"newline removed", "a\nb\n", "a\nb"},
		{"insert at start", "b\nc\n", "a\nb\nc\n"},
		{"append", "a\n", "a\nb\nc\n"},
		{"many hunks", long(200, func(i int) string { return strings.Repeat("l", i%13) + "\n" }),
			long(200, func(i int) string {
				if i%17 == 0 {
					return "new\n"
				}
				return strings.Repeat("l", i%13) + "\n"
			})},
		{"all different", long(50, func(i int) string { return "a\n" }), long(40, func(i int) string { return "b\n" })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "f.hcl")
			if err := os.WriteFile(file, []byte(tt.old), 0o644); err != nil {
				t.Fatal(err)
			}
			patch := filepath.Join(dir, "p.diff")
			if err := os.WriteFile(patch, []byte(Unified("f.hcl", []byte(tt.old), []byte(tt.new))), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(git, "apply", "--unidiff-zero", "p.diff")
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("git apply: %v\n%s\n%s", err, out, Unified("f.hcl", []byte(tt.old), []byte(tt.new)))
			}
			got, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.new {
				t.Errorf("applied diff gives %q, want %q", got, tt.new)
			}
		})
	}
}

func TestEditsBounded(t *testing.T) {
	a := make([]string, maxEdits)
	b := make([]string, maxEdits)
	for i := range a {
		a[i], b[i] = "a\n", "b\n"
	}
	ops := edits(a, b)
	if len(ops) != 2*maxEdits {
		t.Errorf("edits of two wholly different texts: %d ops, want %d", len(ops), 2*maxEdits)
	}
}
