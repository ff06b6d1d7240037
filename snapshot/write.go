package snapshot

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gpaudit/gpaudit/atomicfile"
)

// WriteOptions are the manifest fields that do not come from the data: the
// caller owns the clock and the version, so that output is deterministic.
type WriteOptions struct {
	// CreatedAt is the run's clock; it is written in UTC as RFC 3339.
	CreatedAt   time.Time
	ToolVersion string
}

// File is what was fetched for one source and dataset: the records and
// what was asked to get them, which a manifest entry must record.
type File struct {
	Source  string // source ID, e.g. "gamepot.main"
	Dataset string
	// Records are written in the order given, one per line.
	Records []map[string]any
	// Filters are the filter documents sent to the list endpoint (nil or {}
	// for everything); Users the player ids looked up one by one, including
	// those that were not found. Offline coverage is decided from these, so
	// they must say exactly what was asked.
	Filters []map[string]any
	Users   []string
}

// Write writes files as a snapshot folder at dir: dir/manifest.json and
// dir/<source>/<dataset>.jsonl.
//
// Two records of one file may not share an ID (see RecordID).
//
// dir must not exist or be an empty directory: a snapshot is evidence, so an
// earlier one is never overwritten or mixed with a new one. The folder is
// built beside dir and renamed into place, so a failure leaves no partial
// snapshot. Output is deterministic: files are sorted by source and dataset,
// filters and users are sorted and de-duplicated, records are compact JSON
// with sorted keys. Because snapshots hold player data, the folder and its
// files are readable by their owner only.
func Write(dir string, opts WriteOptions, files []File) (err error) {
	dir = filepath.Clean(dir) // "snap/" must not make "snap" the parent
	files = slices.Clone(files)
	slices.SortFunc(files, func(a, b File) int {
		return cmp.Or(strings.Compare(a.Source, b.Source), strings.Compare(a.Dataset, b.Dataset))
	})
	if err := checkFiles(files); err != nil {
		return fmt.Errorf("write snapshot %s: %w", dir, err)
	}
	replaceEmpty, err := checkTarget(dir)
	if err != nil {
		return fmt.Errorf("write snapshot: %w", err)
	}

	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("write snapshot: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return fmt.Errorf("write snapshot: %w", err)
	}
	defer func() {
		if err != nil {
			// The snapshot was not written; its half-built copy must not linger.
			os.RemoveAll(tmp)
		}
	}()

	m := Manifest{
		SchemaVersion: SchemaVersion,
		CreatedAt:     opts.CreatedAt.UTC().Format(time.RFC3339),
		ToolVersion:   opts.ToolVersion,
		Files:         make([]ManifestFile, 0, len(files)),
	}
	for _, f := range files {
		entry, err := writeDataFile(tmp, f)
		if err != nil {
			return fmt.Errorf("write snapshot %s: %s/%s: %w", dir, f.Source, f.Dataset, err)
		}
		m.Files = append(m.Files, entry)
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("write snapshot %s: manifest: %w", dir, err)
	}
	if err := atomicfile.WriteFile(filepath.Join(tmp, ManifestName), append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("write snapshot %s: %w", dir, err)
	}

	if replaceEmpty {
		// os.Rename refuses to replace a directory, even an empty one.
		if err := os.Remove(dir); err != nil {
			return fmt.Errorf("write snapshot: %w", err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("write snapshot: %w", err)
	}
	return nil
}

func checkFiles(files []File) error {
	for i, f := range files {
		info, err := checkFileIdentity(f.Source, f.Dataset)
		if err != nil {
			return err
		}
		if strings.ContainsAny(f.Source, `/\`) || !filepath.IsLocal(f.Source) {
			return fmt.Errorf("source %q cannot name a folder", f.Source)
		}
		if i > 0 && files[i-1].Source == f.Source && files[i-1].Dataset == f.Dataset {
			return fmt.Errorf("%s/%s is given twice", f.Source, f.Dataset)
		}
		if len(f.Filters) > 0 && !info.List() {
			return fmt.Errorf("%s/%s has filters but the dataset has no list endpoint", f.Source, f.Dataset)
		}
		if len(f.Users) > 0 && !info.PerPlayer() {
			return fmt.Errorf("%s/%s has users but the dataset is not read per player", f.Source, f.Dataset)
		}
		// Open would call such a file corrupt. The client never gives one:
		// it keeps the first record of each id.
		if first, second, id, dup := repeatedID(f.Records); dup {
			return fmt.Errorf("%s/%s: records %d and %d have the same id %s", f.Source, f.Dataset, first, second, id)
		}
	}
	return nil
}

// checkTarget reports whether dir is an empty directory to replace,
// or an error when it exists and is anything else.
func checkTarget(dir string) (bool, error) {
	st, err := os.Lstat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !st.IsDir() {
		return false, fmt.Errorf("%s exists and is not a directory", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false, err
	}
	if len(entries) > 0 {
		return false, fmt.Errorf("%s exists and is not empty", dir)
	}
	return true, nil
}

// writeDataFile writes one data file under root and returns its manifest entry.
func writeDataFile(root string, f File) (ManifestFile, error) {
	entry := ManifestFile{
		Source:  f.Source,
		Dataset: f.Dataset,
		Path:    f.Source + "/" + f.Dataset + ".jsonl",
		Records: len(f.Records),
		Filters: canonicalFilters(f.Filters),
		Users:   canonicalUsers(f.Users),
	}
	if err := os.MkdirAll(filepath.Join(root, f.Source), 0o700); err != nil {
		return ManifestFile{}, err
	}
	h := sha256.New()
	// A record that cannot be written is the data's fault, not the file's:
	// its error names the record, not the temporary path.
	var recordErr error
	err := atomicfile.Write(filepath.Join(root, filepath.FromSlash(entry.Path)), 0o600, func(out io.Writer) error {
		w := bufio.NewWriterSize(io.MultiWriter(out, h), 64<<10)
		enc := json.NewEncoder(w)
		// Messages hold <, > and &; escaping them would only make the data harder to read.
		enc.SetEscapeHTML(false)
		for i, r := range f.Records {
			if r == nil {
				recordErr = fmt.Errorf("record %d is nil", i)
				return recordErr
			}
			if err := enc.Encode(r); err != nil {
				recordErr = fmt.Errorf("record %d: %w", i, err)
				return recordErr
			}
		}
		return w.Flush()
	})
	if recordErr != nil {
		return ManifestFile{}, recordErr
	}
	if err != nil {
		return ManifestFile{}, err
	}
	entry.SHA256 = hex.EncodeToString(h.Sum(nil))
	return entry, nil
}

// canonicalFilters sorts filters by their JSON text and drops repeats; a nil
// filter is written as {}.
func canonicalFilters(filters []map[string]any) []map[string]any {
	if len(filters) == 0 {
		return nil
	}
	type keyed struct {
		text   string
		filter map[string]any
	}
	ks := make([]keyed, 0, len(filters))
	for _, f := range filters {
		if f == nil {
			f = map[string]any{}
		}
		ks = append(ks, keyed{filterText(f), f})
	}
	slices.SortFunc(ks, func(a, b keyed) int { return strings.Compare(a.text, b.text) })
	ks = slices.CompactFunc(ks, func(a, b keyed) bool { return a.text == b.text })
	out := make([]map[string]any, len(ks))
	for i, k := range ks {
		out[i] = k.filter
	}
	return out
}

func canonicalUsers(users []string) []string {
	if len(users) == 0 {
		return nil
	}
	users = slices.Clone(users)
	slices.Sort(users)
	return slices.Compact(users)
}
