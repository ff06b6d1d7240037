package snapshot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gpaudit/gpaudit/config"
)

// num is a JSON number as the decoders give it.
func num(s string) json.Number { return json.Number(s) }

func linking(id, user, provider string) map[string]any {
	return map[string]any{
		"id": id, "username": "u-" + id, "provider": provider,
		"member_id": map[string]any{"id": "TWVtYmVy" + id}, "user_id": user,
		"email": id + "@example.com", "createdAt": "2025-09-17T13:40:08+09:00",
		"updatedAt": "2025-09-17T13:40:08+09:00", "deletedAt": nil,
	}
}

func block(id, member, typ string, status int, deleted bool) map[string]any {
	return map[string]any{
		"id": id, "member_id": member, "type": typ, "status": num(fmt.Sprint(status)),
		"deleted": deleted, "message": nil,
		"messageMulti": []any{map[string]any{"lang": "ko", "value": "abuse", "default": true}},
		"startedAt":    "2025-07-23T00:00:00+09:00", "endedAt": "2025-07-25T00:00:00+09:00",
	}
}

func member(id string, online bool) map[string]any {
	return map[string]any{"id": id, "member_id": id, "name": "n-" + id, "online": online, "deleted": false}
}

// testSnapshot writes the snapshot every coverage test reads.
func testSnapshot(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "snap")
	err := Write(dir, WriteOptions{CreatedAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), ToolVersion: "test"}, []File{
		{
			Source: "gamepot.main", Dataset: "linkings", Filters: []map[string]any{{}},
			Records: []map[string]any{linking("L1", "p1", "google"), linking("L2", "p2", "apple"), linking("L3", "p3", "google")},
		},
		{
			Source: "gamepot.main", Dataset: "memberblock",
			Filters: []map[string]any{{"type": "manual"}, {"status": num("2")}},
			Records: []map[string]any{
				block("B1", "p1", "manual", 1, false), block("B2", "p2", "manual", 2, false),
				block("B3", "p3", "manual", 1, true), block("B4", "p4", "autopurchase", 2, false),
			},
		},
		{
			Source: "gamepot.main", Dataset: "user_block", Users: []string{"p1", "p2", "p9"},
			Records: []map[string]any{block("U1", "p1", "manual", 1, false), block("U2", "p2", "manual", 1, false)},
		},
		{
			Source: "ncloud_chat.main", Dataset: "chat_members", Filters: []map[string]any{{}},
			Records: []map[string]any{member("p1", true), member("p2", false), member("p3", true)},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func ids(records []map[string]any) []string {
	out := []string{}
	for _, r := range records {
		out = append(out, r["id"].(string))
	}
	return out
}

func TestSnapshotCohortCoverage(t *testing.T) {
	dir := testSnapshot(t)
	snap, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		cohort  config.Cohort
		users   []string
		want    []string // record ids
		wantErr string
	}{
		{
			name:   "everything fetched covers a filter",
			cohort: config.Cohort{Source: "gamepot.main", Dataset: "linkings", Filter: map[string]any{"provider": "google"}},
			want:   []string{"L1", "L3"},
		},
		{
			name:   "everything fetched covers no filter",
			cohort: config.Cohort{Source: "gamepot.main", Dataset: "linkings"},
			want:   []string{"L1", "L2", "L3"},
		},
		{
			name:   "a fetched filter that is a subset covers a narrower one",
			cohort: config.Cohort{Source: "gamepot.main", Dataset: "memberblock", Filter: map[string]any{"type": "manual", "status": num("1")}},
			want:   []string{"B1", "B3"},
		},
		{
			name:   "numbers in filters compare by value",
			cohort: config.Cohort{Source: "gamepot.main", Dataset: "memberblock", Filter: map[string]any{"status": num("2.0")}},
			want:   []string{"B2", "B4"},
		},
		{
			name:   "a filter that is not covered",
			cohort: config.Cohort{Source: "gamepot.main", Dataset: "memberblock", Filter: map[string]any{"deleted": false}},
			wantErr: "snapshot " + dir + ` does not cover filter {"deleted":false} of gamepot.main/memberblock: ` +
				`fetched filters {"status":2}, {"type":"manual"}`,
		},
		{
			name:    "no filter when only narrower filters were fetched",
			cohort:  config.Cohort{Source: "gamepot.main", Dataset: "memberblock"},
			wantErr: `does not cover filter {} of gamepot.main/memberblock`,
		},
		{
			name:    "a list cohort of a dataset only looked up per player",
			cohort:  config.Cohort{Source: "gamepot.main", Dataset: "user_block"},
			wantErr: `does not cover filter {} of gamepot.main/user_block: fetched filters none`,
		},
		{
			name:   "every player looked up, one not found",
			cohort: config.Cohort{Source: "gamepot.main", Dataset: "user_block"},
			users:  []string{"p9", "p1"},
			want:   []string{"U1"},
		},
		{
			name:    "players not looked up",
			cohort:  config.Cohort{Source: "gamepot.main", Dataset: "user_block"},
			users:   []string{"p1", "p4", "p5", "p6", "p7"},
			wantErr: "snapshot " + dir + " did not look up 4 of 5 players in gamepot.main/user_block (first: p4, p5, p6, …)",
		},
		{
			name:   "no players",
			cohort: config.Cohort{Source: "gamepot.main", Dataset: "user_block"},
			users:  []string{},
			want:   []string{},
		},
		{
			name:   "a list of everything covers per-player lookups",
			cohort: config.Cohort{Source: "ncloud_chat.main", Dataset: "chat_members"},
			users:  []string{"p3", "p1", "p8"},
			want:   []string{"p1", "p3"},
		},
		{
			name:   "per-player lookups still apply the filter",
			cohort: config.Cohort{Source: "ncloud_chat.main", Dataset: "chat_members", Filter: map[string]any{"online": false}},
			users:  []string{"p1", "p2"},
			want:   []string{"p2"},
		},
		{
			name:    "no data for the source and dataset",
			cohort:  config.Cohort{Source: "gamepot.other", Dataset: "linkings"},
			wantErr: "snapshot " + dir + " has no gamepot.other/linkings data",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := snap.Cohort(context.Background(), &tt.cohort, tt.users)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, ids(got)); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
		})
	}
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// rawSnapshot writes a snapshot folder by hand: files by path, and a
// manifest whose "files" array is the given JSON text.
func rawSnapshot(t *testing.T, filesJSON string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for path, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	manifest := `{"schema_version":1,"created_at":"2026-11-01T00:00:00Z","tool_version":"test","files":` + filesJSON + "}\n"
	if err := os.WriteFile(filepath.Join(dir, ManifestName), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// linkingsEntry is a manifest entry for gamepot.main/linkings.jsonl holding body.
func linkingsEntry(body string, records int) string {
	return fmt.Sprintf(`[{"source":"gamepot.main","dataset":"linkings","path":"gamepot.main/linkings.jsonl","records":%d,"sha256":%q,"filters":[{}]}]`,
		records, sha(body))
}

func TestOpenSnapshotErrors(t *testing.T) {
	const body = `{"id":"L1","user_id":"p1"}` + "\n"
	entry := func(path, source, dataset string) string {
		return fmt.Sprintf(`{"source":%q,"dataset":%q,"path":%q,"records":1,"sha256":%q}`, source, dataset, path, sha(body))
	}
	files := map[string]string{"gamepot.main/linkings.jsonl": body}
	tests := []struct {
		name     string
		dir      func(t *testing.T) string
		wantErrs []string
	}{
		{
			name:     "missing folder",
			dir:      func(t *testing.T) string { return filepath.Join(t.TempDir(), "nope") },
			wantErrs: []string{"open snapshot: stat ", "nope: no such file or directory"},
		},
		{
			name:     "missing manifest",
			dir:      func(t *testing.T) string { return t.TempDir() },
			wantErrs: []string{"open snapshot: ", "manifest.json is missing"},
		},
		{
			name: "corrupt manifest",
			dir: func(t *testing.T) string {
				dir := t.TempDir()
				os.WriteFile(filepath.Join(dir, ManifestName), []byte(`{"schema_version":1,"files":[`), 0o644)
				return dir
			},
			wantErrs: []string{"manifest.json: decode: unexpected EOF"},
		},
		{
			name: "data after the manifest",
			dir: func(t *testing.T) string {
				dir := t.TempDir()
				os.WriteFile(filepath.Join(dir, ManifestName), []byte(`{"schema_version":1,"files":[]} {}`), 0o644)
				return dir
			},
			wantErrs: []string{"manifest.json: decode: unexpected data after the manifest object"},
		},
		{
			name: "another schema version",
			dir: func(t *testing.T) string {
				dir := t.TempDir()
				os.WriteFile(filepath.Join(dir, ManifestName), []byte(`{"schema_version":2,"files":[]}`), 0o644)
				return dir
			},
			wantErrs: []string{"manifest.json: schema_version is 2, this gpaudit reads 1"},
		},
		{
			name: "path escaping the folder",
			dir: func(t *testing.T) string {
				return rawSnapshot(t, "["+entry("../linkings.jsonl", "gamepot.main", "linkings")+"]", files)
			},
			wantErrs: []string{`manifest.json: files[0]: path "../linkings.jsonl" is not inside the snapshot folder`},
		},
		{
			name: "absolute path",
			dir: func(t *testing.T) string {
				return rawSnapshot(t, "["+entry("/etc/passwd", "gamepot.main", "linkings")+"]", files)
			},
			wantErrs: []string{`files[0]: path "/etc/passwd" is not inside the snapshot folder`},
		},
		{
			name: "two entries for one source and dataset",
			dir: func(t *testing.T) string {
				e := entry("gamepot.main/linkings.jsonl", "gamepot.main", "linkings")
				return rawSnapshot(t, "["+e+","+e+"]", files)
			},
			wantErrs: []string{"manifest.json: files[1]: a second entry for gamepot.main/linkings"},
		},
		{
			name: "unknown dataset",
			dir: func(t *testing.T) string {
				return rawSnapshot(t, "["+entry("gamepot.main/linkings.jsonl", "gamepot.main", "friends")+"]", files)
			},
			wantErrs: []string{`manifest.json: files[0]: unknown dataset "friends"`},
		},
		{
			name: "dataset from the wrong kind of source",
			dir: func(t *testing.T) string {
				return rawSnapshot(t, "["+entry("gamepot.main/linkings.jsonl", "ncloud_chat.main", "linkings")+"]", files)
			},
			wantErrs: []string{`files[0]: source "ncloud_chat.main" cannot serve dataset linkings: want gamepot.NAME`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tt.dir(t)
			_, err := Open(dir)
			if err == nil {
				t.Fatal("Open succeeded")
			}
			for _, want := range tt.wantErrs {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error = %q, want it to contain %q", err, want)
				}
			}
		})
	}
}

func TestSnapshotFileErrors(t *testing.T) {
	const good = `{"id":"L1","user_id":"p1"}` + "\n" + `{"id":"L2","user_id":"p2"}` + "\n"
	tests := []struct {
		name    string
		body    string
		entry   string // manifest files array; empty: linkingsEntry(body, 2)
		wantErr string // after "DIR/"
	}{
		{
			name:    "sha256 mismatch",
			body:    good,
			entry:   linkingsEntry(strings.Replace(good, "L2", "L3", 1), 2),
			wantErr: "gamepot.main/linkings.jsonl: sha256 is " + sha(good) + ", the manifest says " + sha(strings.Replace(good, "L2", "L3", 1)),
		},
		{
			name:    "record count mismatch",
			body:    good,
			entry:   linkingsEntry(good, 3),
			wantErr: "gamepot.main/linkings.jsonl: has 2 records, the manifest says 3",
		},
		{
			name:    "a line that is not JSON",
			body:    good + `{"id":"L3","user_id":"p3"}` + "\nnot json\n",
			wantErr: "gamepot.main/linkings.jsonl:4: column 1: want a JSON object, found 'n'",
		},
		{
			name:    "broken JSON inside a line",
			body:    good + `{"id":"L3","user_id":}` + "\n",
			wantErr: "gamepot.main/linkings.jsonl:3: column 22: unexpected '}', want a value",
		},
		{
			name:    "an empty line in the middle",
			body:    `{"id":"L1"}` + "\n\n" + `{"id":"L2"}` + "\n",
			wantErr: "gamepot.main/linkings.jsonl:2: empty line",
		},
		{
			name:    "a line that is an array",
			body:    good + `[{"id":"L3"}]` + "\n",
			wantErr: "gamepot.main/linkings.jsonl:3: column 1: want a JSON object, found an array",
		},
		{
			name:    "two objects on a line",
			body:    `{"id":"L1"} {"id":"L2"}` + "\n",
			wantErr: "gamepot.main/linkings.jsonl:1: column 13: unexpected '{' after the object",
		},
		{
			name:    "two records of one id",
			body:    good + `{"id":"L3","user_id":"p3"}` + "\n" + `{"id":"L2","user_id":"p2","email":"p2@example.com"}` + "\n",
			wantErr: `gamepot.main/linkings.jsonl:4: a second record with id "L2" (the first is on line 2)`,
		},
		{
			name:    "two records of one numeric id",
			body:    `{"id":7}` + "\n" + `{"id":"7"}` + "\n" + `{"id":7}` + "\n",
			wantErr: "gamepot.main/linkings.jsonl:3: a second record with id 7 (the first is on line 1)",
		},
		{
			name:    "an id that needs quoting",
			body:    `{"id":"a\u001b[31m"}` + "\n" + `{"id":"a\u001b[31m"}` + "\n",
			wantErr: `gamepot.main/linkings.jsonl:2: a second record with id "a\x1b[31m" (the first is on line 1)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entry := tt.entry
			if entry == "" {
				entry = linkingsEntry(tt.body, strings.Count(tt.body, "\n"))
			}
			dir := rawSnapshot(t, entry, map[string]string{"gamepot.main/linkings.jsonl": tt.body})
			snap, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			c := &config.Cohort{Source: "gamepot.main", Dataset: "linkings"}
			for range 2 { // the failure is cached, and reported the same way again
				_, err = snap.Cohort(context.Background(), c, nil)
				want := filepath.Join(dir, tt.wantErr)
				if err == nil || !strings.HasSuffix(err.Error(), want) {
					t.Fatalf("error = %v, want it to end with %q", err, want)
				}
				var corrupt *CorruptError
				if !errors.As(err, &corrupt) || corrupt.Path != filepath.Join(dir, "gamepot.main", "linkings.jsonl") {
					t.Errorf("error %v is not a CorruptError for the file", err)
				}
				if strings.Contains(err.Error(), "example.com") {
					t.Errorf("error %v quotes a record's email", err)
				}
			}
		})
	}
}

// TestSnapshotIDsThatDiffer: records without an id, or whose ids differ as
// the client tells them apart (a string and a number of the same text), are
// all kept, in file order.
func TestSnapshotIDsThatDiffer(t *testing.T) {
	body := `{"id":"1","user_id":"p1"}` + "\n" + `{"id":1,"user_id":"p2"}` + "\n" +
		`{"user_id":"p3"}` + "\n" + `{"user_id":"p3"}` + "\n" +
		`{"id":null}` + "\n" + `{"id":null}` + "\n" + `{"id":{"x":1}}` + "\n" + `{"id":{"x":1}}` + "\n" +
		`{"id":"1 "}` + "\n" + `{"id":1.0}` + "\n"
	dir := rawSnapshot(t, linkingsEntry(body, 10), map[string]string{"gamepot.main/linkings.jsonl": body})
	snap, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := snap.Records(context.Background(), "gamepot.main", "linkings")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 10 {
		t.Errorf("%d records, want 10", len(got))
	}
}

func TestSnapshotWithoutFinalNewline(t *testing.T) {
	body := `{"id":"L1","user_id":"p1"}` + "\r\n" + `{"id":"L2","user_id":"p2"}`
	dir := rawSnapshot(t, linkingsEntry(body, 2), map[string]string{"gamepot.main/linkings.jsonl": body})
	snap, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := snap.Cohort(context.Background(), &config.Cohort{Source: "gamepot.main", Dataset: "linkings"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"L1", "L2"}, ids(got)); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
}

// TestSnapshotConcurrentCohorts runs under -race: cohorts of one file are
// served at once while the file is loaded once.
func TestSnapshotConcurrentCohorts(t *testing.T) {
	snap, err := Open(testSnapshot(t))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	counts := make([]int, 8)
	for i := range counts {
		wg.Go(func() {
			c := &config.Cohort{Source: "gamepot.main", Dataset: "linkings", Filter: map[string]any{"provider": "google"}}
			got, err := snap.Cohort(context.Background(), c, nil)
			if err != nil {
				t.Error(err)
			}
			counts[i] = len(got)
		})
	}
	wg.Wait()
	for i, n := range counts {
		if n != 2 {
			t.Errorf("goroutine %d got %d records, want 2", i, n)
		}
	}
}

func TestSnapshotReadsEachFileOnce(t *testing.T) {
	dir := testSnapshot(t)
	snap, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := &config.Cohort{Source: "gamepot.main", Dataset: "linkings"}
	if _, err := snap.Cohort(context.Background(), c, nil); err != nil {
		t.Fatal(err)
	}
	// Served from memory from now on: the file is no longer needed.
	if err := os.Remove(filepath.Join(dir, "gamepot.main", "linkings.jsonl")); err != nil {
		t.Fatal(err)
	}
	c.Filter = map[string]any{"provider": "apple"}
	got, err := snap.Cohort(context.Background(), c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"L2"}, ids(got)); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
}

// TestManifestSHA256: an opened snapshot names its manifest by the SHA-256
// of the file's bytes, the digest a report cites as its evidence.
func TestManifestSHA256(t *testing.T) {
	dir := testSnapshot(t)
	data, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.ManifestSHA256(), hex.EncodeToString(sum[:]); got != want {
		t.Errorf("ManifestSHA256 = %s, want %s", got, want)
	}
	// One byte more in the manifest (white space, same content) is another snapshot file.
	if err := os.WriteFile(filepath.Join(dir, ManifestName), append(data, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	again, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if again.ManifestSHA256() == s.ManifestSHA256() {
		t.Error("ManifestSHA256 did not change with the manifest's bytes")
	}
}

// TestReadHashed reads files of sizes around the read sizes whole, with
// their digest.
func TestReadHashed(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []int{0, 1, 511, 512, 513, 100_000} {
		want := strings.Repeat("x", n)
		path := filepath.Join(dir, fmt.Sprintf("f%d", n))
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		text, sum, err := readHashed(path)
		if err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		if text != want {
			t.Errorf("%d bytes: read %d bytes", n, len(text))
		}
		if wantSum := sha256.Sum256([]byte(want)); hex.EncodeToString(sum) != hex.EncodeToString(wantSum[:]) {
			t.Errorf("%d bytes: digest %x, want %x", n, sum, wantSum)
		}
	}
	if _, _, err := readHashed(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want not exist", err)
	}
}
