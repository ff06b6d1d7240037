// Package snapshot is the snapshot folder format that `gpaudit fetch` and
// --save-snapshot write, `check --snapshot` reads and the sandbox serves:
// a manifest of what was fetched beside one JSON-lines file per source and
// dataset (SPEC.md, "Snapshots"). It belongs to none of its users, so that
// all of them read, write and judge coverage by the same rules: data that
// was not fetched is never taken as absent.
package snapshot

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/dataset"
	"github.com/gpaudit/gpaudit/regularfile"
)

// ManifestName is the file, at the top of a snapshot folder, that lists its
// data files; a folder without one is no snapshot.
const ManifestName = "manifest.json"

// SchemaVersion is the manifest schema_version this package reads and
// writes: a snapshot of another version is refused rather than misread.
const SchemaVersion = 1

// Manifest is the content of a snapshot's manifest.json: the evidence of
// what the snapshot holds and when it was taken.
type Manifest struct {
	SchemaVersion int            `json:"schema_version"`
	CreatedAt     string         `json:"created_at"`
	ToolVersion   string         `json:"tool_version"`
	Files         []ManifestFile `json:"files"`
}

// ManifestFile describes one data file of a snapshot and what was fetched to
// fill it. Offline runs rely on Filters and Users to tell "not fetched" apart
// from "absent", so they must list exactly what was asked of the API.
type ManifestFile struct {
	Source  string `json:"source"`  // source ID, e.g. "gamepot.main"
	Dataset string `json:"dataset"` // e.g. "linkings"
	Path    string `json:"path"`    // slash-separated, relative to the snapshot folder
	Records int    `json:"records"`
	SHA256  string `json:"sha256"` // hex of the file's bytes
	// Filters are the filter documents sent to the list endpoint; {} means everything.
	Filters []map[string]any `json:"filters,omitempty"`
	// Users are the player ids looked up one by one. An id listed here with no
	// record in the file was looked up and not found: it truly has no record.
	Users []string `json:"users,omitempty"`
}

// Snapshot is an opened snapshot folder. Data files are read lazily, once
// each, on the first cohort that needs them; a Snapshot is safe for
// concurrent use. The records it returns are shared between callers and must
// not be modified.
type Snapshot struct {
	dir      string
	manifest Manifest
	digest   string               // hex SHA-256 of manifest.json as read
	files    map[string]*dataFile // by source + "/" + dataset
}

// dataFile is one data file and, once loaded, its records.
type dataFile struct {
	entry ManifestFile
	info  dataset.Info
	path  string // on disk, for reading and for error messages
	users map[string]struct{}

	once    sync.Once
	records []map[string]any
	err     error

	linesOnce sync.Once
	lines     []string // the records as JSON text, one a line
	linesErr  error
}

// Open reads and checks the manifest of the snapshot folder dir. The data
// files are only checked (sha256, record count, syntax, one record per id)
// when a cohort first reads them, so that a run needing one file does not
// pay for all. Only regular files are read (symbolic links to them too): a
// named pipe or a device in a snapshot is an error, not a run that hangs.
func Open(dir string) (*Snapshot, error) {
	manifestPath := filepath.Join(dir, ManifestName)
	data, err := readManifest(manifestPath)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			if _, statErr := os.Stat(dir); statErr != nil {
				return nil, fmt.Errorf("open snapshot: %w", statErr)
			}
			return nil, fmt.Errorf("open snapshot: %s is missing", manifestPath)
		}
		return nil, fmt.Errorf("open snapshot: %w", err)
	}
	m, err := decodeManifest(data)
	if err != nil {
		return nil, fmt.Errorf("open snapshot: %s: %w", manifestPath, err)
	}
	sum := sha256.Sum256(data)
	s := &Snapshot{dir: dir, manifest: m, digest: hex.EncodeToString(sum[:]), files: make(map[string]*dataFile, len(m.Files))}
	for i, e := range m.Files {
		f, err := newDataFile(dir, e)
		if err != nil {
			return nil, fmt.Errorf("open snapshot: %s: files[%d]: %w", manifestPath, i, err)
		}
		key := e.Source + "/" + e.Dataset
		if _, dup := s.files[key]; dup {
			return nil, fmt.Errorf("open snapshot: %s: files[%d]: a second entry for %s", manifestPath, i, key)
		}
		s.files[key] = f
	}
	return s, nil
}

// readManifest reads the manifest whole, if it is a regular file.
func readManifest(path string) ([]byte, error) {
	f, _, err := regularfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Errors of *os.File name the path already.
	return io.ReadAll(f)
}

func decodeManifest(data []byte) (Manifest, error) {
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(data))
	// Filters are compared with cohort filters, whose numbers are json.Number.
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return Manifest{}, fmt.Errorf("decode: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Manifest{}, errors.New("decode: unexpected data after the manifest object")
	}
	if m.SchemaVersion != SchemaVersion {
		return Manifest{}, fmt.Errorf("schema_version is %d, this gpaudit reads %d", m.SchemaVersion, SchemaVersion)
	}
	return m, nil
}

func newDataFile(dir string, e ManifestFile) (*dataFile, error) {
	info, err := checkFileIdentity(e.Source, e.Dataset)
	if err != nil {
		return nil, err
	}
	local := filepath.FromSlash(e.Path)
	// IsLocal rejects absolute paths, "..", and empty paths: a manifest must
	// never make gpaudit read outside the snapshot folder.
	if !filepath.IsLocal(local) {
		return nil, fmt.Errorf("path %q is not inside the snapshot folder", e.Path)
	}
	if len(e.Filters) > 0 && !info.List() {
		return nil, fmt.Errorf("%s has filters but dataset %s has no list endpoint", e.Path, e.Dataset)
	}
	if len(e.Users) > 0 && !info.PerPlayer() {
		return nil, fmt.Errorf("%s has users but dataset %s is not read per player", e.Path, e.Dataset)
	}
	f := &dataFile{entry: e, info: info, path: filepath.Join(dir, local)}
	if len(e.Users) > 0 {
		f.users = make(map[string]struct{}, len(e.Users))
		for _, u := range e.Users {
			f.users[u] = struct{}{}
		}
	}
	return f, nil
}

// checkFileIdentity checks that dataset is known and that source is an ID of
// the kind of source that serves it.
func checkFileIdentity(source, name string) (dataset.Info, error) {
	info, ok := dataset.Lookup(name)
	if !ok {
		return dataset.Info{}, fmt.Errorf("unknown dataset %q", name)
	}
	kind, srcName, ok := strings.Cut(source, ".")
	if !ok || srcName == "" || kind != info.SourceKind {
		return dataset.Info{}, fmt.Errorf("source %q cannot serve dataset %s: want %s.NAME", source, name, info.SourceKind)
	}
	return info, nil
}

// Manifest returns the snapshot's manifest. Its slices and maps are shared
// and must not be modified.
func (s *Snapshot) Manifest() Manifest { return s.manifest }

// ManifestSHA256 returns the hex SHA-256 of the manifest file's bytes as
// Open read them. The manifest holds each data file's SHA-256, so this one
// digest names the whole snapshot: the evidence a report cites.
func (s *Snapshot) ManifestSHA256() string { return s.digest }

// Records returns every record of the file for source and dataset, in file
// order, or an error when the snapshot has no such file or it is damaged.
// The sandbox serves these, asking Covers first; cohorts go through Cohort,
// which does both.
func (s *Snapshot) Records(ctx context.Context, source, datasetName string) ([]map[string]any, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := s.file(source, datasetName)
	if err != nil {
		return nil, err
	}
	return f.load()
}

// Cohort serves one cohort from the snapshot, but only when the snapshot
// covers it (see Covers): data that was not fetched is never taken as
// absent. A list cohort (users == nil) gets the records matching c.Filter;
// a per-player cohort the records of users that match c.Filter. Records
// keep file order.
func (s *Snapshot) Cohort(ctx context.Context, c *config.Cohort, users []string) ([]map[string]any, error) {
	f, err := s.covered(ctx, c, users)
	if err != nil {
		return nil, err
	}

	all, err := f.load()
	if err != nil {
		return nil, err
	}
	out := []map[string]any{} // never nil: an empty cohort is [], not null
	var wanted map[string]struct{}
	if users == nil {
		out = make([]map[string]any, 0, len(all))
	} else {
		wanted = make(map[string]struct{}, len(users))
		for _, u := range users {
			wanted[u] = struct{}{}
		}
	}
	for _, r := range all {
		if wanted != nil {
			if _, ok := wanted[f.info.Subject(r)]; !ok {
				continue
			}
		}
		if MatchFilter(r, c.Filter) {
			out = append(out, r)
		}
	}
	return out, nil
}

// covered returns the file of cohort c when the snapshot covers it.
func (s *Snapshot) covered(ctx context.Context, c *config.Cohort, users []string) (*dataFile, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := s.file(c.Source, c.Dataset)
	if err != nil {
		return nil, err
	}
	if err := f.covers(s.dir, c.Filter, users); err != nil {
		return nil, err
	}
	return f, nil
}

// CohortLines is Cohort with each record as its line of JSON text rather
// than as Go values: a million records then cost their text, and whoever
// evaluates them decodes a part at a time. The lines are shared and must
// not be modified.
func (s *Snapshot) CohortLines(ctx context.Context, c *config.Cohort, users []string) ([]string, error) {
	f, err := s.covered(ctx, c, users)
	if err != nil {
		return nil, err
	}
	all, err := f.loadLines()
	if err != nil {
		return nil, err
	}
	if users == nil && len(c.Filter) == 0 {
		return slices.Clip(all), nil
	}
	var wanted map[string]struct{}
	if users != nil {
		wanted = make(map[string]struct{}, len(users))
		for _, u := range users {
			wanted[u] = struct{}{}
		}
	}
	// Each line is decoded again, a part per CPU, to hold it to the filter.
	parts := max(1, min(runtime.GOMAXPROCS(0), len(all)/10_000))
	kept := make([][]string, parts)
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := p*len(all)/parts, (p+1)*len(all)/parts
		wg.Go(func() {
			var rp recordParser
			for _, l := range all[lo:hi] {
				r, err := rp.record(l)
				if err != nil {
					continue // checked when the file was read
				}
				if wanted != nil {
					if _, ok := wanted[f.info.Subject(r)]; !ok {
						continue
					}
				}
				if MatchFilter(r, c.Filter) {
					kept[p] = append(kept[p], l)
				}
			}
		})
	}
	wg.Wait()
	out := []string{}
	for _, k := range kept {
		out = append(out, k...)
	}
	return out, nil
}

// Covers returns nil when the snapshot holds every record of source and
// dataset that matches filter (and, for a per-player request, belongs to
// one of users), and otherwise an error naming what is missing. It is the
// one rule for serving from a snapshot: Cohort applies it offline and the
// sandbox to every request, so that an answer built from a snapshot never
// presents records that were not fetched, or their absence, as the API's.
//
// With users == nil the request is a list, covered when some fetched filter
// is a subset of filter: every key of the fetched filter is in filter with
// an equal value. A key the fetched filter has and filter lacks is never
// taken as null there, since {"deletedAt":null} fetched only part of what
// {} asks for. With users != nil the request is per player, covered as a
// list is or when every one of users was looked up; a per-player request
// that carries no filter of its own passes nil, which only the fetched
// filter {} covers.
func (s *Snapshot) Covers(source, datasetName string, filter map[string]any, users []string) error {
	f, err := s.file(source, datasetName)
	if err != nil {
		return err
	}
	return f.covers(s.dir, filter, users)
}

func (s *Snapshot) file(source, datasetName string) (*dataFile, error) {
	f, ok := s.files[source+"/"+datasetName]
	if !ok {
		return nil, fmt.Errorf("snapshot %s has no %s/%s data", s.dir, source, datasetName)
	}
	return f, nil
}

// covers applies Covers to the file; dir names the snapshot in errors.
func (f *dataFile) covers(dir string, filter map[string]any, users []string) error {
	for _, fetched := range f.entry.Filters {
		if filterSubset(fetched, filter) {
			return nil
		}
	}
	e := f.entry
	if users == nil {
		return fmt.Errorf("snapshot %s does not cover filter %s of %s/%s: fetched filters %s",
			dir, filterText(filter), e.Source, e.Dataset, filtersText(e.Filters))
	}
	var missing []string
	for _, u := range users {
		if _, ok := f.users[u]; !ok {
			missing = append(missing, u)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("snapshot %s did not look up %d of %d players in %s/%s (first: %s)",
			dir, len(missing), len(users), e.Source, e.Dataset, strings.Join(firstFew(missing, 3), ", "))
	}
	return nil
}

// filterSubset reports whether every key of sub is in super with an equal value.
func filterSubset(sub, super map[string]any) bool {
	for k, v := range sub {
		sv, ok := super[k]
		if !ok || !ValueEqual(v, sv) {
			return false
		}
	}
	return true
}

func firstFew(ids []string, n int) []string {
	if len(ids) <= n {
		return ids
	}
	return append(ids[:n:n], "…")
}

// filterText renders a filter the way it is written in the manifest.
func filterText(filter map[string]any) string {
	if filter == nil {
		filter = map[string]any{}
	}
	b, err := json.Marshal(filter)
	if err != nil {
		return fmt.Sprint(filter)
	}
	return string(b)
}

func filtersText(filters []map[string]any) string {
	if len(filters) == 0 {
		return "none"
	}
	parts := make([]string, len(filters))
	for i, f := range filters {
		parts[i] = filterText(f)
	}
	return strings.Join(parts, ", ")
}

// load reads, verifies and parses the file once; later calls share the result.
func (f *dataFile) load() ([]map[string]any, error) {
	f.once.Do(func() {
		f.records, f.err = f.read()
	})
	return f.records, f.err
}

// CorruptError is a snapshot data file that cannot be trusted: it cannot be
// read or is no regular file, does not match its manifest entry, is not
// valid JSONL, or holds two records with one ID. Unlike a cohort the
// snapshot does not cover, it means the evidence itself is damaged, which
// callers may want to treat as fatal.
type CorruptError struct {
	Path string // the data file
	Err  error  // what is wrong; its text names Path
}

// Error returns the cause's text, which already names the file.
func (e *CorruptError) Error() string { return e.Err.Error() }

// Unwrap gives the cause, e.g. an fs.PathError when the file is unreadable.
func (e *CorruptError) Unwrap() error { return e.Err }

// loadLines reads, verifies and checks the file as load does, once, and
// keeps its lines rather than its records.
func (f *dataFile) loadLines() ([]string, error) {
	f.linesOnce.Do(func() {
		text, err := f.readVerified()
		if err == nil {
			f.lines, err = checkJSONL(f.path, text)
		}
		if err == nil {
			err = f.checkCount(len(f.lines))
		}
		if err != nil {
			f.lines, f.linesErr = nil, &CorruptError{Path: f.path, Err: err}
		}
	})
	return f.lines, f.linesErr
}

func (f *dataFile) read() ([]map[string]any, error) {
	records, err := f.readUnchecked()
	if err != nil {
		return nil, &CorruptError{Path: f.path, Err: err}
	}
	return records, nil
}

// readVerified reads the file whole and checks its sha256.
func (f *dataFile) readVerified() (string, error) {
	text, sum, err := readHashed(f.path)
	if err != nil {
		// The error names the file: "read DIR/gamepot.main/linkings.jsonl: …".
		return "", fmt.Errorf("snapshot data: %w", err)
	}
	if got := hex.EncodeToString(sum); !strings.EqualFold(got, f.entry.SHA256) {
		return "", fmt.Errorf("%s: sha256 is %s, the manifest says %s", f.path, got, f.entry.SHA256)
	}
	return text, nil
}

func (f *dataFile) readUnchecked() ([]map[string]any, error) {
	text, err := f.readVerified()
	if err != nil {
		return nil, err
	}
	records, err := parseJSONL(f.path, text)
	if err != nil {
		return nil, err
	}
	if err := f.checkCount(len(records)); err != nil {
		return nil, err
	}
	return records, nil
}

// checkCount holds the number of records read to the manifest's.
func (f *dataFile) checkCount(n int) error {
	if n != f.entry.Records {
		return fmt.Errorf("%s: has %d records, the manifest says %d", f.path, n, f.entry.Records)
	}
	return nil
}

// readHashed reads the regular file at path whole and hashes what it read.
// The text is returned as a string because the parsed records keep
// substrings of it as their keys and values instead of copying each one.
// It is read straight into the one buffer the string then shares: a copy of
// a large snapshot file costs as much as a check over it.
func readHashed(path string) (string, []byte, error) {
	file, st, err := regularfile.Open(path)
	if err != nil {
		return "", nil, err
	}
	defer file.Close()
	// One buffer of the file's size, read into until the end, as
	// os.ReadFile does: a file that grew since it was opened is read to its
	// end all the same. Not bytes.Buffer: its Grow clears the whole buffer
	// in one step that the garbage collector cannot interrupt, and the
	// collector then spins waiting for it, seconds over a large file.
	buf := make([]byte, 0, int(st.Size())+1)
	for {
		n, err := file.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", nil, err // an *fs.PathError, which names the file
		}
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, 1)
		}
	}
	sum := sha256.Sum256(buf)
	// Nothing writes to buf from here on, so the string may share it.
	return unsafe.String(unsafe.SliceData(buf), len(buf)), sum[:], nil
}
