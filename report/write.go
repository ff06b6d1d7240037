package report

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gpaudit/gpaudit/engine"
)

// WriteFile renders r with rep into the file at path, whole or not at all:
// the report goes to a temporary file in the same directory, which is synced
// and then renamed over path. On any error the temporary file is removed and
// whatever was at path before is left as it was.
//
// A new file gets mode 0644; a file that is replaced keeps its mode.
func WriteFile(path string, rep Reporter, r *engine.Results) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	mode := os.FileMode(0o644)
	if fi, statErr := os.Stat(path); statErr == nil {
		if fi.IsDir() {
			// Checked first: rename's own answer ("file exists") would mislead.
			return fmt.Errorf("write report %s: is a directory", path)
		}
		if fi.Mode().IsRegular() {
			mode = fi.Mode().Perm()
		}
	}

	// The same directory keeps the rename on one file system, where it is atomic.
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	tmp := f.Name()
	closed := false
	defer func() {
		if err == nil {
			return
		}
		if !closed {
			err = errors.Join(err, f.Close())
		}
		if rmErr := os.Remove(tmp); rmErr != nil && !errors.Is(rmErr, os.ErrNotExist) {
			err = errors.Join(err, fmt.Errorf("remove temporary file: %w", rmErr))
		}
	}()

	if err = rep.Report(f, r); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err = f.Chmod(mode); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	closed = true
	if err = f.Close(); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	return nil
}
