package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gpaudit/gpaudit/policies"
)

// reportInputs is the evidence part of a JSON report.
type reportInputs struct {
	Config []struct {
		Path   string `json:"path"`
		SHA256 string `json:"sha256"`
	} `json:"config"`
	Snapshot *struct {
		ManifestSHA256 string `json:"manifest_sha256"`
		CreatedAt      string `json:"created_at"`
	} `json:"snapshot"`
}

func inputsOf(t *testing.T, report string) reportInputs {
	t.Helper()
	var doc struct {
		Inputs *reportInputs `json:"inputs"`
	}
	if err := json.Unmarshal([]byte(report), &doc); err != nil {
		t.Fatalf("report is not JSON: %v", err)
	}
	if doc.Inputs == nil {
		t.Fatal("report has no inputs")
	}
	return *doc.Inputs
}

func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// builtinFiles returns the built-in policy files the engine compiles, as the
// report names them, with their digests.
func builtinFiles(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := fs.WalkDir(policies.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".rego") || strings.HasSuffix(path, "_test.rego") {
			return err
		}
		b, err := fs.ReadFile(policies.FS, path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out["builtin:"+path] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEvidenceInputs: the JSON report names every configuration and policy
// file read, relative to DIR, with the SHA-256 of what is on disk, the
// user's files first and the built-in library after, and the snapshot read
// by the SHA-256 of its manifest and its created_at; the same bytes from
// another working directory.
func TestEvidenceInputs(t *testing.T) {
	dir := filepath.Join("examples", "quickstart")
	snap := filepath.Join(dir, "snapshot")
	code, report, stderr := runCLI(t, "check", "--snapshot", snap, "--as-of", asOf, "--format", "json", dir)
	if code != exitFailed {
		t.Fatalf("exit %d, want 1\n%s", code, stderr)
	}
	in := inputsOf(t, report)

	var want []string
	for _, name := range []string{"main.hcl", "policies/blocked_online.rego", "watchlist.txt"} {
		want = append(want, name+" "+fileSHA256(t, filepath.Join(dir, filepath.FromSlash(name))))
	}
	builtin := builtinFiles(t)
	if len(builtin) < 10 {
		t.Fatalf("%d built-in policy files, want the library", len(builtin))
	}
	var builtinNames []string
	for name := range builtin {
		builtinNames = append(builtinNames, name)
	}
	slices.Sort(builtinNames)
	for _, name := range builtinNames {
		want = append(want, name+" "+builtin[name])
	}
	var got []string
	for _, f := range in.Config {
		got = append(got, f.Path+" "+f.SHA256)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("inputs.config (-want +got):\n%s", diff)
	}
	var manifest struct {
		CreatedAt string `json:"created_at"`
	}
	b, err := os.ReadFile(filepath.Join(snap, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &manifest); err != nil {
		t.Fatal(err)
	}
	if in.Snapshot == nil {
		t.Fatal("inputs.snapshot is missing for --snapshot")
	}
	if got, want := in.Snapshot.ManifestSHA256, fileSHA256(t, filepath.Join(snap, "manifest.json")); got != want {
		t.Errorf("inputs.snapshot.manifest_sha256 = %s, want %s", got, want)
	}
	if in.Snapshot.CreatedAt != manifest.CreatedAt || manifest.CreatedAt == "" {
		t.Errorf("inputs.snapshot.created_at = %q, want the manifest's %q", in.Snapshot.CreatedAt, manifest.CreatedAt)
	}

	// From inside the folder, the same report to the byte.
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	_, inside, _ := runCLI(t, "check", "--snapshot", "snapshot", "--as-of", asOf, "--format", "json", ".")
	if inside != report {
		t.Errorf("the report run inside %s differs from the one run from %s:\n%s", dir, wd, inside)
	}
}

// TestEvidenceOutsideFiles: a --var-file outside DIR is named relative to
// DIR when given relative to the working directory and by its absolute
// path when given so; a run over the sandbox that saves nothing names no
// snapshot.
func TestEvidenceOutsideFiles(t *testing.T) {
	root := t.TempDir()
	quick, err := filepath.Abs(filepath.Join("examples", "quickstart", "snapshot"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"cfg/main.hcl": `variable "days" {
  type = number
}

source "gamepot" "main" {
  project_id = "p"
  api_key    = "k"
}

cohort "blocks" {
  source  = source.gamepot.main
  dataset = "memberblock"
}

check "long" {
  cohort = cohort.blocks
  policy = "gamepot.blocks.max_duration"
  params = { max_days = var.days }
}
`,
		"shared/days.hcl": "days = 30\n",
	}
	for name, text := range files {
		path := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(root)
	abs := filepath.Join(root, "shared", "days.hcl")
	for _, tt := range []struct{ varFile, want string }{
		{filepath.Join("shared", "days.hcl"), "../shared/days.hcl"},
		{abs, filepath.ToSlash(abs)},
	} {
		code, report, stderr := runCLI(t, "check", "--sandbox", quick, "--progress", "none", "--as-of", asOf,
			"--format", "json", "--var-file", tt.varFile, "cfg")
		if code != exitFailed {
			t.Fatalf("exit %d, want 1\n%s", code, stderr)
		}
		in := inputsOf(t, report)
		if len(in.Config) < 2 || in.Config[0].Path != tt.want || in.Config[1].Path != "main.hcl" {
			t.Errorf("--var-file %s: inputs.config starts %+v, want %s then main.hcl", tt.varFile, in.Config[:min(2, len(in.Config))], tt.want)
		}
		if in.Config[0].SHA256 != fileSHA256(t, abs) {
			t.Errorf("--var-file %s: sha256 %s is not the file's", tt.varFile, in.Config[0].SHA256)
		}
		if in.Snapshot != nil {
			t.Errorf("--sandbox without --save-snapshot: inputs.snapshot = %+v, want none", in.Snapshot)
		}
	}
}

// TestEvidenceSavedSnapshot: with --save-snapshot, the report names the
// snapshot it saved, as checking that snapshot later names it too.
func TestEvidenceSavedSnapshot(t *testing.T) {
	saved := filepath.Join(t.TempDir(), "evidence")
	dir := filepath.Join("examples", "quickstart")
	code, live, stderr := runCLI(t, "check", "--sandbox", filepath.Join(dir, "snapshot"), "--progress", "none",
		"--save-snapshot", saved, "--as-of", asOf, "--format", "json", dir)
	if code != exitFailed {
		t.Fatalf("exit %d, want 1\n%s", code, stderr)
	}
	_, later, stderr := runCLI(t, "check", "--snapshot", saved, "--as-of", asOf, "--format", "json", dir)
	liveIn, laterIn := inputsOf(t, live), inputsOf(t, later)
	if liveIn.Snapshot == nil || laterIn.Snapshot == nil {
		t.Fatalf("inputs.snapshot: saving %+v, reading %+v; want both\n%s", liveIn.Snapshot, laterIn.Snapshot, stderr)
	}
	if *liveIn.Snapshot != *laterIn.Snapshot {
		t.Errorf("the saving run names %+v, the run over what it saved %+v", *liveIn.Snapshot, *laterIn.Snapshot)
	}
	if got, want := liveIn.Snapshot.ManifestSHA256, fileSHA256(t, filepath.Join(saved, "manifest.json")); got != want {
		t.Errorf("manifest_sha256 %s, want the saved manifest's %s", got, want)
	}
	// runCLI's clock, which stamps the snapshot.
	if got := liveIn.Snapshot.CreatedAt; got != "2026-11-22T12:00:00Z" {
		t.Errorf("created_at %s, want the run's clock 2026-11-22T12:00:00Z", got)
	}
}
