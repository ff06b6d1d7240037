package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// dirNames lists dir, so a test sees any temporary file left behind.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// inParts writes its parts in one call each, as a report that streams does.
func inParts(parts ...string) func(io.Writer) error {
	return func(w io.Writer) error {
		for _, p := range parts {
			if _, err := io.WriteString(w, p); err != nil {
				return err
			}
		}
		return nil
	}
}

func TestWrite(t *testing.T) {
	tests := []struct {
		name   string
		before *fs.FileMode // the mode of a file at path beforehand; nil: none
		perm   fs.FileMode
		want   fs.FileMode
	}{
		{name: "new file", perm: 0o644, want: 0o644},
		{name: "new file readable by its owner only", perm: 0o600, want: 0o600},
		// 0666 would be 0644 under the usual umask 022, as os.WriteFile makes it.
		{name: "new file gets perm whatever the umask", perm: 0o666, want: 0o666},
		{name: "replaced file keeps its mode", before: new(fs.FileMode(0o600)), perm: 0o644, want: 0o600},
		{name: "replaced executable stays executable", before: new(fs.FileMode(0o755)), perm: 0o644, want: 0o755},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.txt")
			if tt.before != nil {
				if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, *tt.before); err != nil {
					t.Fatal(err)
				}
			}
			if err := Write(path, tt.perm, inParts("first, ", "second\n")); err != nil {
				t.Fatal(err)
			}
			if got, err := os.ReadFile(path); err != nil || string(got) != "first, second\n" {
				t.Errorf("file holds %q (%v), want both parts", got, err)
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode() != tt.want {
				t.Errorf("mode = %v (%v), want %v", fi.Mode(), err, tt.want)
			}
			if names := dirNames(t, dir); !slices.Equal(names, []string{"out.txt"}) {
				t.Errorf("directory holds %q, want only out.txt", names)
			}
		})
	}
}

func TestWriteRelativePath(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := WriteFile("out.txt", []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(dir, "out.txt")); err != nil || string(got) != "data" {
		t.Errorf("file holds %q (%v), want data", got, err)
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"out.txt"}) {
		t.Errorf("directory holds %q, want only out.txt", names)
	}
}

// TestWriteWholeOrNothing fails in every way a write can and expects the
// path as it was before and no temporary file left.
func TestWriteWholeOrNothing(t *testing.T) {
	errBroken := errors.New("broken writer")
	failing := func(w io.Writer) error {
		if _, err := io.WriteString(w, "half a file"); err != nil {
			return err
		}
		return errBroken
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) string // makes the scene, returns the path to write
		write func(io.Writer) error
		// after holds the directory's entries afterwards, and what the
		// file at path holds ("" when there is none to check).
		after   []string
		content string
		wantIs  error  // an error the result must wrap
		wantMsg string // text the error must hold, beside the path
	}{
		{
			name:   "writer fails, no file before",
			setup:  func(t *testing.T, dir string) string { return filepath.Join(dir, "out.txt") },
			write:  failing,
			wantIs: errBroken,
		},
		{
			name: "writer fails, file before",
			setup: func(t *testing.T, dir string) string {
				path := filepath.Join(dir, "out.txt")
				if err := os.WriteFile(path, []byte("yesterday's file"), 0o644); err != nil {
					t.Fatal(err)
				}
				return path
			},
			write:   failing,
			after:   []string{"out.txt"},
			content: "yesterday's file",
			wantIs:  errBroken,
		},
		{
			name: "path is a directory",
			setup: func(t *testing.T, dir string) string {
				if err := os.Mkdir(filepath.Join(dir, "out"), 0o755); err != nil {
					t.Fatal(err)
				}
				return filepath.Join(dir, "out")
			},
			write:   inParts("data"),
			after:   []string{"out"},
			wantMsg: "is a directory",
		},
		{
			name:   "missing parent directory",
			setup:  func(t *testing.T, dir string) string { return filepath.Join(dir, "missing", "out.txt") },
			write:  inParts("data"),
			wantIs: fs.ErrNotExist,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tt.setup(t, dir)
			err := Write(path, 0o644, tt.write)
			if err == nil {
				t.Fatal("Write succeeded, want an error")
			}
			if want := "write " + path + ": "; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error %q does not start %q", err, want)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %q does not wrap %q", err, tt.wantIs)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not say %q", err, tt.wantMsg)
			}
			if names := dirNames(t, dir); !slices.Equal(names, tt.after) {
				t.Errorf("directory holds %q afterwards, want %q", names, tt.after)
			}
			if fi, err := os.Stat(path); err == nil && fi.IsDir() {
				if names := dirNames(t, path); len(names) != 0 {
					t.Errorf("directory at path holds %q afterwards, want it empty", names)
				}
			}
			if tt.content != "" {
				if got, _ := os.ReadFile(path); string(got) != tt.content {
					t.Errorf("file holds %q afterwards, want %q", got, tt.content)
				}
			}
		})
	}
}
