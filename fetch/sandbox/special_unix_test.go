//go:build unix

package sandbox_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gpaudit/gpaudit/fetch/sandbox"
	"github.com/gpaudit/gpaudit/snapshot"
)

// TestNewRefusesNamedPipe: a snapshot with a named pipe in place of a data
// file or of the manifest is refused when the sandbox starts, naming the
// pipe, instead of a sandbox that never starts. A damaged data file is a
// snapshot.CorruptError, as for a sha256 mismatch.
func TestNewRefusesNamedPipe(t *testing.T) {
	for _, name := range []string{"gamepot.main/linkings.jsonl", snapshot.ManifestName} {
		t.Run(name, func(t *testing.T) {
			dir := writeFixture(t)
			pipe := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.Remove(pipe); err != nil {
				t.Fatal(err)
			}
			if err := syscall.Mkfifo(pipe, 0o600); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				s, err := sandbox.New(sandbox.Options{Data: dir, APIKey: testKey})
				if err == nil {
					s.Close()
				}
				done <- err
			}()
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				if f, err := os.OpenFile(pipe, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
					f.Close() // unblock the reader, so the test ends
				}
				t.Fatal("New blocked on a named pipe")
			}
			if want := "read " + pipe + ": a named pipe, not a regular file"; err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("New error = %v, want it to say %q", err, want)
			}
			var corrupt *snapshot.CorruptError
			if isData := name != snapshot.ManifestName; isData != errors.As(err, &corrupt) {
				t.Errorf("New error %v: a snapshot.CorruptError is %v, want %v", err, !isData, isData)
			}
		})
	}
}
