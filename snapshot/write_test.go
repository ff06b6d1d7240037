package snapshot

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The golden flag is registered only if no other test file of the package
// has registered it, so each can use "go test -update" on its own goldens.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files in testdata")
	}
}

func updateGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

var writeOpts = WriteOptions{CreatedAt: time.Date(2026, 11, 1, 9, 0, 0, 0, time.FixedZone("KST", 9*3600)), ToolVersion: "0.1.0"}

// sampleFiles covers the value kinds a snapshot must carry through unchanged.
func sampleFiles() []File {
	return []File{
		{
			Source: "ncloud_chat.main", Dataset: "chat_members", Filters: []map[string]any{{}},
			Users: []string{"p2", "p1", "p2"},
			Records: []map[string]any{{
				"id": "p1", "member_id": "p1", "name": "<b>Ünïcode & \"quotes\"</b>\n", "memo": nil,
				"device_type": []any{}, "notifications": map[string]any{"device": "FCM", "push": true, "timezone": nil},
				"score": num("-12.50e+3"),
			}},
		},
		{
			Source: "gamepot.main", Dataset: "memberblock",
			Filters: []map[string]any{{"type": "manual"}, nil, {"status": num("1"), "deleted": false}, {}},
			Records: []map[string]any{block("B2", "p2", "manual", 1, false), block("B1", "p1", "autopurchase", 2, true)},
		},
		{Source: "gamepot.main", Dataset: "user_block", Users: []string{"p9"}, Records: []map[string]any{}},
	}
}

func TestWriteSnapshotGolden(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "snap")
	if err := Write(dir, writeOpts, sampleFiles()); err != nil {
		t.Fatal(err)
	}
	got := readTree(t, dir)
	golden := filepath.Join("testdata", "snapshot-golden")
	if updateGolden() {
		if err := os.RemoveAll(golden); err != nil {
			t.Fatal(err)
		}
		for name, data := range got {
			p := filepath.Join(golden, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if diff := cmp.Diff(readTree(t, golden), got); diff != "" {
		t.Errorf("snapshot differs from %s (-want +got; go test -update rewrites it):\n%s", golden, diff)
	}
}

// readTree returns every file under dir by slash path.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestWriteSnapshotRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "snap")
	files := sampleFiles()
	if err := Write(dir, writeOpts, files); err != nil {
		t.Fatal(err)
	}
	snap, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := snap.Manifest().CreatedAt, "2026-11-01T00:00:00Z"; got != want {
		t.Errorf("created_at = %q, want %q", got, want)
	}
	for _, f := range files {
		got, err := snap.Records(context.Background(), f.Source, f.Dataset)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(f.Records, got); diff != "" {
			t.Errorf("%s/%s records (-written +read):\n%s", f.Source, f.Dataset, diff)
		}
	}
	wantUsers := map[string][]string{"chat_members": {"p1", "p2"}, "user_block": {"p9"}, "memberblock": nil}
	for _, e := range snap.Manifest().Files {
		if diff := cmp.Diff(wantUsers[e.Dataset], e.Users); diff != "" {
			t.Errorf("%s users (-want +got):\n%s", e.Dataset, diff)
		}
	}
}

func TestWriteSnapshotDeterministic(t *testing.T) {
	a := filepath.Join(t.TempDir(), "a")
	b := filepath.Join(t.TempDir(), "b")
	if err := Write(a, writeOpts, sampleFiles()); err != nil {
		t.Fatal(err)
	}
	// The same data handed over in another order.
	files := sampleFiles()
	files[0], files[2] = files[2], files[0]
	files[1].Filters[0], files[1].Filters[2] = files[1].Filters[2], files[1].Filters[0]
	files[2].Users = []string{"p1", "p2"}
	if err := Write(b, writeOpts, files); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(readTree(t, a), readTree(t, b)); diff != "" {
		t.Errorf("two writes differ (-first +second):\n%s", diff)
	}
}

func TestWriteSnapshotFailures(t *testing.T) {
	withBadRecord := sampleFiles()
	// The last file written fails, after the others are on disk.
	withBadRecord[0].Records = append(withBadRecord[0].Records, map[string]any{"id": "p3", "score": math.Inf(1)})
	tests := []struct {
		name    string
		prepare func(t *testing.T, dir string) // lay out dir beforehand
		files   []File
		wantErr string
	}{
		{
			name:    "a record that cannot be written",
			files:   withBadRecord,
			wantErr: "ncloud_chat.main/chat_members: record 1: json: unsupported value: +Inf",
		},
		{
			name: "two records of one id",
			files: []File{{Source: "gamepot.main", Dataset: "linkings", Filters: []map[string]any{{}}, Records: []map[string]any{
				{"id": "L1"}, {"id": json.Number("1")}, {"id": "1"}, {"id": json.Number("1"), "email": "p@example.com"},
			}}},
			wantErr: "gamepot.main/linkings: records 1 and 3 have the same id 1",
		},
		{
			name:    "a nil record",
			files:   []File{{Source: "gamepot.main", Dataset: "linkings", Filters: []map[string]any{{}}, Records: []map[string]any{nil}}},
			wantErr: "gamepot.main/linkings: record 0 is nil",
		},
		{
			name: "a folder that is not empty",
			prepare: func(t *testing.T, dir string) {
				os.Mkdir(dir, 0o755)
				os.WriteFile(filepath.Join(dir, "keep.txt"), []byte("mine"), 0o644)
			},
			files:   sampleFiles(),
			wantErr: "snap exists and is not empty",
		},
		{
			name:    "a file in the way",
			prepare: func(t *testing.T, dir string) { os.WriteFile(dir, []byte("mine"), 0o644) },
			files:   sampleFiles(),
			wantErr: "snap exists and is not a directory",
		},
		{
			name: "the same source and dataset twice",
			files: []File{
				{Source: "gamepot.main", Dataset: "linkings", Filters: []map[string]any{{}}},
				{Source: "gamepot.main", Dataset: "linkings", Filters: []map[string]any{{"provider": "google"}}},
			},
			wantErr: "gamepot.main/linkings is given twice",
		},
		{
			name:    "filters on a per-player dataset",
			files:   []File{{Source: "gamepot.main", Dataset: "user_block", Filters: []map[string]any{{}}}},
			wantErr: "gamepot.main/user_block has filters but the dataset has no list endpoint",
		},
		{
			name:    "users on a list dataset",
			files:   []File{{Source: "gamepot.main", Dataset: "linkings", Users: []string{"p1"}}},
			wantErr: "gamepot.main/linkings has users but the dataset is not read per player",
		},
		{
			name:    "a source that is not a folder name",
			files:   []File{{Source: "gamepot.../x", Dataset: "linkings"}},
			wantErr: `source "gamepot.../x" cannot name a folder`,
		},
		{
			name:    "an unknown dataset",
			files:   []File{{Source: "gamepot.main", Dataset: "friends"}},
			wantErr: `unknown dataset "friends"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, "snap")
			if tt.prepare != nil {
				tt.prepare(t, dir)
			}
			before := readTree(t, parent)
			err := Write(dir, writeOpts, tt.files)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
			}
			// Nothing written, nothing left behind, nothing of the user's touched.
			if diff := cmp.Diff(before, readTree(t, parent)); diff != "" {
				t.Errorf("files changed (-before +after):\n%s", diff)
			}
			entries, _ := os.ReadDir(parent)
			if tt.prepare == nil && len(entries) != 0 {
				t.Errorf("%s holds %v after a failed write", parent, entries)
			}
		})
	}
}

func TestWriteSnapshotIntoEmptyFolder(t *testing.T) {
	dir := t.TempDir() // exists, empty
	if err := Write(dir+string(filepath.Separator), writeOpts, sampleFiles()); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{filepath.Base(dir)}; !cmp.Equal(want, names) {
		t.Errorf("beside the snapshot: %v, want only %v", names, want)
	}
	manifest, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(manifest, []byte("{\n  \"schema_version\": 1,\n")) || !bytes.HasSuffix(manifest, []byte("}\n")) {
		t.Errorf("manifest is not two-space indented with a final newline:\n%s", manifest)
	}
}
