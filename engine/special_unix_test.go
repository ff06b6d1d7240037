//go:build unix

package engine

import (
	"context"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestNewNamedPipe: a named pipe called *.rego in the user's folder is an
// error at once, not a run blocked until something writes to it.
func TestNewNamedPipe(t *testing.T) {
	dir := t.TempDir()
	pipe := filepath.Join(dir, "p.rego")
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := New(context.Background(), Options{UserDir: dir})
		done <- err
	}()
	select {
	case err := <-done:
		want := "read policies: read " + pipe + ": a named pipe, not a regular file"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New error = %v, want %q", err, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("New blocked on a named pipe")
	}
}
