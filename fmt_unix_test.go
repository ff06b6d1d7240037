//go:build unix

package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFmtNamedPipe gives fmt a *.hcl that is a named pipe: reading it would
// block until something writes to it, so fmt must refuse it at once.
func TestFmtNamedPipe(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.hcl"), "variable \"x\" {}\n")
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.hcl"), 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	var stdout, stderr bytes.Buffer
	e := &env{stdout: &stdout, stderr: &stderr, now: time.Now}
	done := make(chan int, 1)
	go func() { done <- run(context.Background(), []string{"fmt", dir}, e) }()
	select {
	case code := <-done:
		if code != exitRuntime || !strings.Contains(stderr.String(), "a named pipe, not a regular file") {
			t.Errorf("exit %d, stderr %q; want 3 and a message naming the pipe", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("fmt blocked on a named pipe")
	}
}
