package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/engine"
	"github.com/gpaudit/gpaudit/policies"
)

// buildGen builds testdata/gen, the generator of the quick start's snapshot
// and of the benchmark set; it skips the test when the go command is not on
// PATH.
func buildGen(t *testing.T) string {
	t.Helper()
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	bin := filepath.Join(t.TempDir(), "gen")
	if out, err := exec.Command(gocmd, "build", "-o", bin, "./testdata/gen").CombinedOutput(); err != nil {
		t.Fatalf("go build ./testdata/gen: %v\n%s", err, out)
	}
	return bin
}

// TestGenQuickstart keeps the quick start's snapshot and watch list what
// testdata/gen writes, byte for byte: the examples' golden reports are made
// from them, and the benchmark set shares the generator's record builders.
func TestGenQuickstart(t *testing.T) {
	gen := buildGen(t)
	dir := t.TempDir()
	snap, watch := filepath.Join(dir, "snapshot"), filepath.Join(dir, "watchlist.txt")
	if out, err := exec.Command(gen, "-out", snap, "-watchlist", watch).CombinedOutput(); err != nil {
		t.Fatalf("gen: %v\n%s", err, out)
	}
	want := filepath.Join("examples", "quickstart")
	for _, name := range []string{
		"snapshot/manifest.json", "snapshot/gamepot.main/linkings.jsonl", "snapshot/gamepot.main/memberblock.jsonl",
		"snapshot/gamepot.main/user_block.jsonl", "snapshot/ncloud_chat.main/chat_members.jsonl", "watchlist.txt",
	} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		wantBytes, err := os.ReadFile(filepath.Join(want, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, wantBytes) {
			t.Errorf("go run ./testdata/gen writes another %s than examples/quickstart holds", name)
		}
	}
}

// TestBenchLibrary holds testdata/bench/library to one check per built-in
// policy, and runs it and the one-rule configuration over a small benchmark
// set written by testdata/gen: every check must evaluate.
func TestBenchLibrary(t *testing.T) {
	e, err := engine.New(context.Background(), engine.Options{Builtin: policies.FS})
	if err != nil {
		t.Fatal(err)
	}
	var builtin []string
	for _, p := range e.Policies() {
		if p.Builtin {
			builtin = append(builtin, p.Name)
		}
	}
	library := filepath.Join("testdata", "bench", "library")
	cfg, diags := config.Load(library, config.Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var checked []string
	for _, c := range cfg.Checks {
		checked = append(checked, c.Policy)
	}
	slices.Sort(builtin)
	slices.Sort(checked)
	if !slices.Equal(checked, builtin) {
		t.Errorf("%s checks the policies\n%v\nwant one check for each built-in policy\n%v", library, checked, builtin)
	}

	snap := filepath.Join(t.TempDir(), "snapshot")
	if out, err := exec.Command(buildGen(t), "-linkings", "3000", "-out", snap).CombinedOutput(); err != nil {
		t.Fatalf("gen -linkings 3000: %v\n%s", err, out)
	}
	for _, dir := range []string{library, filepath.Join("testdata", "bench", "one-rule")} {
		code, stdout, stderr := runCLI(t, "check", "--snapshot", snap, "--as-of", asOf, "--format", "json", "--fail-on", "none", dir)
		if code != exitOK {
			t.Fatalf("check %s: exit %d\n%s", dir, code, stderr)
		}
		var doc struct {
			Cohorts []struct{ Name, Status string }
			Checks  []struct{ Name, Status, Error string }
		}
		if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
			t.Fatalf("check %s: report is not JSON: %v", dir, err)
		}
		for _, c := range doc.Cohorts {
			if c.Status != "ok" {
				t.Errorf("check %s: cohort %s is %s", dir, c.Name, c.Status)
			}
		}
		for _, c := range doc.Checks {
			if c.Status != "pass" && c.Status != "fail" {
				t.Errorf("check %s: check %s is %s: %s", dir, c.Name, c.Status, c.Error)
			}
		}
	}
}
