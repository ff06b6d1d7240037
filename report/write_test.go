package report

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gpaudit/gpaudit/engine"
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

func TestWriteFile(t *testing.T) {
	rep := NewJSON(Options{Version: "0.1.0"})
	want := render(t, rep, fixture())

	t.Run("new file", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "report.json")
		if err := WriteFile(path, rep, fixture()); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("file holds\n%s\nwant\n%s", got, want)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
			t.Errorf("mode = %v (%v), want 0644", fi.Mode(), err)
		}
		if names := dirNames(t, dir); !slices.Equal(names, []string{"report.json"}) {
			t.Errorf("directory holds %q, want only report.json", names)
		}
	})

	t.Run("replaces a file and keeps its mode", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "report.json")
		if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := WriteFile(path, rep, fixture()); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(path); !bytes.Equal(got, want) {
			t.Errorf("file holds %q, want the new report", got)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("mode = %v (%v), want 0600 as before", fi.Mode(), err)
		}
	})

	t.Run("relative path", func(t *testing.T) {
		dir := t.TempDir()
		t.Chdir(dir)
		if err := WriteFile("report.json", rep, fixture()); err != nil {
			t.Fatal(err)
		}
		if names := dirNames(t, dir); !slices.Equal(names, []string{"report.json"}) {
			t.Errorf("directory holds %q, want only report.json", names)
		}
	})
}

func TestWriteFileLeavesNothingBehind(t *testing.T) {
	bad := &engine.Results{AsOf: asOf, Checks: []engine.CheckResult{{
		Name: "c", Status: engine.StatusFail,
		Findings: []engine.Finding{{Message: "m", Details: map[string]any{"ratio": math.Inf(1)}}},
	}}}
	tests := []struct {
		name    string
		setup   func(t *testing.T, dir string) string // makes the scene, returns the path to write
		results *engine.Results
		// after holds the directory's entries afterwards, and what the
		// existing file holds ("" when there is none to check).
		after   []string
		content string
	}{
		{
			name:    "missing parent directory",
			setup:   func(t *testing.T, dir string) string { return filepath.Join(dir, "missing", "report.json") },
			results: fixture(),
		},
		{
			name: "path is a directory",
			setup: func(t *testing.T, dir string) string {
				if err := os.Mkdir(filepath.Join(dir, "out"), 0o755); err != nil {
					t.Fatal(err)
				}
				return filepath.Join(dir, "out")
			},
			results: fixture(),
			after:   []string{"out"},
		},
		{
			name:    "report fails, no file before",
			setup:   func(t *testing.T, dir string) string { return filepath.Join(dir, "report.json") },
			results: bad,
		},
		{
			name: "report fails, file before",
			setup: func(t *testing.T, dir string) string {
				path := filepath.Join(dir, "report.json")
				if err := os.WriteFile(path, []byte("yesterday's report"), 0o644); err != nil {
					t.Fatal(err)
				}
				return path
			},
			results: bad,
			after:   []string{"report.json"},
			content: "yesterday's report",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tt.setup(t, dir)
			err := WriteFile(path, NewJSON(Options{}), tt.results)
			if err == nil {
				t.Fatal("WriteFile succeeded, want an error")
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the path %s", err, path)
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
					t.Errorf("existing file holds %q afterwards, want %q", got, tt.content)
				}
			}
		})
	}
}
