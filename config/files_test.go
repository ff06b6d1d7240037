package config

import (
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestNotText loads configurations that are not HCL text: each gives a
// few diagnostics, with no raw control bytes, however large the file.
func TestNotText(t *testing.T) {
	garbage := make([]byte, 64<<10)
	r := rand.NewChaCha8([32]byte{1})
	_, _ = r.Read(garbage)
	garbage[0] = 0xff // whatever the seed gives, not UTF-8 from the start

	tests := []struct {
		name  string
		files map[string]string
		opts  Options
		want  string
	}{
		{
			name:  "64 KiB of random bytes",
			files: map[string]string{"main.hcl": string(garbage)},
			want: `main.hcl:1,1-1: Not a text file; main.hcl holds a byte (0xff) that is not UTF-8 at line 1, so it is not HCL; gpaudit did not read further.
`,
		},
		{
			name:  "a NUL byte in the middle",
			files: map[string]string{"main.hcl": "variable \"a\" {\n  default = \"x\x00y\"\n}\n"},
			want: `main.hcl:2,15-15: Not a text file; main.hcl holds a NUL byte at line 2, so it is not HCL; gpaudit did not read further.
`,
		},
		{
			name:  "an escape sequence",
			files: map[string]string{"main.hcl": "variable \"a\" {\n  default = \"\x1b[2J\"\n}\n"},
			want: `main.hcl:2,14-14: Not a text file; main.hcl holds a control character (U+001B) at line 2, so it is not HCL; gpaudit did not read further.
`,
		},
		{
			name:  "a var-file that is not text",
			files: map[string]string{"main.hcl": "variable \"a\" {\n  default = 1\n}\n", "prod.json": "{\"a\": \x00}"},
			opts:  Options{VarFiles: []string{"prod.json"}},
			want: `prod.json:1,7-7: Not a text file; prod.json holds a NUL byte at line 1, so it is not HCL; gpaudit did not read further.
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			writeFiles(t, tt.files)
			cfg, diags := Load(".", tt.opts)
			if diff := cmp.Diff(tt.want, diagText(t, cfg.Files, diags)); diff != "" {
				t.Errorf("diagnostics mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTooManyErrors: a text file of nothing but mistakes gives the
// first ten of HCL's diagnostics and a count of the rest.
func TestTooManyErrors(t *testing.T) {
	writeFiles(t, map[string]string{"main.hcl": strings.Repeat("a = \"x\n", 40)})
	cfg, diags := Load(".", Options{})
	got := diagText(t, cfg.Files, diags)
	if n := strings.Count(got, "Invalid multi-line string"); n != 10 {
		t.Errorf("%d syntax errors shown, want 10:\n%s", n, got)
	}
	const last = "\nError: Too many errors; main.hcl has 30 more problems; fix the ones above first.\n"
	if !strings.HasSuffix(got, last) {
		t.Errorf("output does not end with %q:\n%s", last, got)
	}
}

// TestFileTooLarge: past MaxFileSize a file is refused before it is read.
func TestFileTooLarge(t *testing.T) {
	writeFiles(t, map[string]string{"main.hcl": "variable \"a\" {\n  default = 1\n}\n", "big.hcl": ""})
	if err := os.Truncate("big.hcl", MaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	cfg, diags := Load(".", Options{})
	want := "Error: Cannot read configuration file; read big.hcl: larger than 16 MiB, the most gpaudit reads of one file.\n"
	if diff := cmp.Diff(want, diagText(t, cfg.Files, diags)); diff != "" {
		t.Errorf("diagnostics mismatch (-want +got):\n%s", diff)
	}
}

// TestFilesRead: a Config names every file it was read from, each with the
// SHA-256 of its bytes, sorted by path, and no file it did not read.
func TestFilesRead(t *testing.T) {
	files := map[string]string{
		"main.hcl": `variable "days" {
  type = number
}

source "gamepot" "main" {
  project_id = "p"
  api_key    = trimspace(file("secrets/key.txt"))
}

cohort "watched" {
  source     = source.gamepot.main
  dataset    = "user_block"
  users_file = "players.txt"
}

check "c" {
  title  = trimspace(file("title.txt"))
  cohort = cohort.watched
  policy = "x.y"
}
`,
		"secrets/key.txt": "k3y\n",
		"players.txt":     "p1\np2\n",
		"title.txt":       "A title\n",
		"vars/days.hcl":   "days = 3\n",
		"notes.txt":       "not read\n",
		".main.hcl.swp":   "not read\n",
		"policies/x.rego": "package x.y\n",
		"other/extra.hcl": "# a subfolder is not read\n",
	}
	writeFiles(t, files)
	cfg, diags := Load(".", Options{VarFiles: []string{"vars/days.hcl"}})
	if diags.HasErrors() {
		t.Fatalf("unexpected diagnostics:\n%s", diagText(t, cfg.Files, diags))
	}
	digest := func(path string) FileDigest {
		sum := sha256.Sum256([]byte(files[path]))
		return FileDigest{Path: path, SHA256: hex.EncodeToString(sum[:])}
	}
	want := []FileDigest{digest("main.hcl"), digest("players.txt"), digest("secrets/key.txt"), digest("title.txt"), digest("vars/days.hcl")}
	if diff := cmp.Diff(want, cfg.FilesRead()); diff != "" {
		t.Errorf("FilesRead (-want +got):\n%s", diff)
	}
	if got := (&Config{}).FilesRead(); got != nil {
		t.Errorf("FilesRead of a Config not loaded = %v, want nil", got)
	}
}
