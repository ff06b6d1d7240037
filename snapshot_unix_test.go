//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSnapshotNamedPipe puts a named pipe in a snapshot folder, in place of
// a data file or of the manifest, and reads it with check --snapshot and
// check --sandbox. Each run ends at once with an error naming the pipe and
// writes no report: a pipe would otherwise block the run until something
// writes to it. A data file that cannot be read is a damaged snapshot
// (exit 3, as for a sha256 mismatch); a manifest that cannot be read is no
// snapshot at all (exit 2, as for a missing one). The sandbox reads every
// file when it starts, and a snapshot it cannot serve is a usage error.
func TestSnapshotNamedPipe(t *testing.T) {
	tests := []struct {
		name string
		pipe string // in the snapshot folder
		mode string // --snapshot or --sandbox
		want int
	}{
		{"a data file, offline", "gamepot.main/memberblock.jsonl", "--snapshot", exitRuntime},
		{"the manifest, offline", "manifest.json", "--snapshot", exitUsage},
		{"a data file, sandbox", "gamepot.main/memberblock.jsonl", "--sandbox", exitUsage},
		{"the manifest, sandbox", "manifest.json", "--sandbox", exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := filepath.Join(t.TempDir(), "snap")
			if err := os.CopyFS(snap, os.DirFS("examples/quickstart/snapshot")); err != nil {
				t.Fatal(err)
			}
			pipe := filepath.Join(snap, filepath.FromSlash(tt.pipe))
			if err := os.Remove(pipe); err != nil {
				t.Fatal(err)
			}
			if err := syscall.Mkfifo(pipe, 0o600); err != nil {
				t.Fatal(err)
			}
			dir := sandboxConfig(t, "gamepot.blocks.max_duration")
			report := filepath.Join(t.TempDir(), "r.json")
			type result struct {
				code           int
				stdout, stderr string
			}
			done := make(chan result, 1)
			go func() {
				code, stdout, stderr := runCLI(t, "check", tt.mode, snap, "--progress", "none", "--out", "json="+report, dir)
				done <- result{code, stdout, stderr}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(30 * time.Second):
				// Unblock the reader, so the test ends.
				if f, err := os.OpenFile(pipe, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
					f.Close()
				}
				t.Fatal("check blocked on a named pipe")
			}
			if r.code != tt.want {
				t.Errorf("exit %d, want %d; stderr:\n%s", r.code, tt.want, r.stderr)
			}
			if want := pipe + ": a named pipe, not a regular file"; !strings.Contains(r.stderr, want) {
				t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("a report was printed:\n%s", r.stdout)
			}
			if _, err := os.Stat(report); err == nil {
				t.Error("a report was written")
			}
		})
	}
}
