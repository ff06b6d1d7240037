//go:build unix

package regularfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "data.txt")
	if err := os.WriteFile(regular, []byte("text"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"link":   os.Symlink("data.txt", filepath.Join(dir, "link")),
		"pipe":   syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o600),
		"folder": os.Mkdir(filepath.Join(dir, "folder"), 0o700),
		"device": os.Symlink("/dev/null", filepath.Join(dir, "device")),
	} {
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	tests := []struct {
		name    string
		wantErr string // "" to read "text"
	}{
		{"data.txt", ""},
		{"link", ""},
		{"pipe", "read " + filepath.Join(dir, "pipe") + ": a named pipe, not a regular file"},
		{"folder", "read " + filepath.Join(dir, "folder") + ": a folder, not a regular file"},
		{"device", "read " + filepath.Join(dir, "device") + ": a character device, not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			type opened struct {
				text string
				size int64
				err  error
			}
			done := make(chan opened, 1)
			go func() {
				f, st, err := Open(filepath.Join(dir, tt.name))
				if err != nil {
					done <- opened{err: err}
					return
				}
				defer f.Close()
				b, err := io.ReadAll(f)
				done <- opened{string(b), st.Size(), err}
			}()
			var got opened
			select {
			case got = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("Open blocked")
			}
			if tt.wantErr != "" {
				var pe *fs.PathError
				if got.err == nil || got.err.Error() != tt.wantErr || !errors.As(got.err, &pe) {
					t.Errorf("error = %v, want the *fs.PathError %q", got.err, tt.wantErr)
				}
				return
			}
			if got.err != nil || got.text != "text" || got.size != 4 {
				t.Errorf("read %q (size %d), %v; want \"text\" (size 4)", got.text, got.size, got.err)
			}
		})
	}
	if _, _, err := Open(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: error = %v, want fs.ErrNotExist", err)
	}
}
