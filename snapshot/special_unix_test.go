//go:build unix

package snapshot

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// withinTime runs f and fails the test when it has not returned in 10
// seconds: reading a named pipe would block until something writes to it.
func withinTime(t *testing.T, what string, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("%s blocked on a special file", what)
		return nil
	}
}

// TestOpenSpecialManifest makes manifest.json a named pipe, a device and a
// folder in turn: each is an error at once that names the file.
func TestOpenSpecialManifest(t *testing.T) {
	tests := []struct {
		name    string
		make    func(path string) error
		wantErr string // after "open snapshot: read DIR/manifest.json: "
	}{
		{"a named pipe", func(p string) error { return syscall.Mkfifo(p, 0o600) }, "a named pipe, not a regular file"},
		{"a device", func(p string) error { return os.Symlink("/dev/zero", p) }, "a character device, not a regular file"},
		{"a folder", func(p string) error { return os.Mkdir(p, 0o700) }, "a folder, not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, ManifestName)
			if err := tt.make(path); err != nil {
				t.Fatal(err)
			}
			err := withinTime(t, "Open", func() error {
				_, err := Open(dir)
				return err
			})
			want := "open snapshot: read " + path + ": " + tt.wantErr
			if err == nil || err.Error() != want {
				t.Errorf("Open error = %v, want %q", err, want)
			}
		})
	}
}

// TestReadSpecialDataFile puts a named pipe, a device or a folder where a
// data file belongs. Open reads only the manifest; the first cohort of the
// file gets a CorruptError that names it, and no hang. A symbolic link to a
// regular file is read as the file.
func TestReadSpecialDataFile(t *testing.T) {
	const body = `{"id":"L1","user_id":"p1"}` + "\n"
	tests := []struct {
		name    string
		make    func(path string) error
		wantErr string // after "snapshot data: read DIR/gamepot.main/linkings.jsonl: "; "" for no error
	}{
		{"a named pipe", func(p string) error { return syscall.Mkfifo(p, 0o600) }, "a named pipe, not a regular file"},
		{"a device", func(p string) error { return os.Symlink("/dev/zero", p) }, "a character device, not a regular file"},
		{"a folder", func(p string) error { return os.Mkdir(p, 0o700) }, "a folder, not a regular file"},
		{"a link to a regular file", func(p string) error {
			target := filepath.Join(filepath.Dir(p), "elsewhere.jsonl")
			if err := os.WriteFile(target, []byte(body), 0o600); err != nil {
				return err
			}
			return os.Symlink("elsewhere.jsonl", p)
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := rawSnapshot(t, linkingsEntry(body, 1), nil)
			path := filepath.Join(dir, "gamepot.main", "linkings.jsonl")
			if err := os.Mkdir(filepath.Dir(path), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := tt.make(path); err != nil {
				t.Fatal(err)
			}
			snap, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			var records []map[string]any
			err = withinTime(t, "Records", func() error {
				var err error
				records, err = snap.Records(context.Background(), "gamepot.main", "linkings")
				return err
			})
			if tt.wantErr == "" {
				if err != nil || len(records) != 1 {
					t.Fatalf("Records = %d records, %v; want 1 record", len(records), err)
				}
				return
			}
			want := "snapshot data: read " + path + ": " + tt.wantErr
			if err == nil || err.Error() != want {
				t.Fatalf("Records error = %v, want %q", err, want)
			}
			var corrupt *CorruptError
			if !errors.As(err, &corrupt) || corrupt.Path != path {
				t.Errorf("error %v is not a CorruptError for %s", err, path)
			}
			if strings.Count(err.Error(), path) != 1 {
				t.Errorf("error %q names the file more than once", err)
			}
		})
	}
}
