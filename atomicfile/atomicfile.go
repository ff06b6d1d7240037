// Package atomicfile writes a file whole or not at all. Reports and
// configuration files are read by CI, editors and people while gpaudit
// writes them, and a run can fail or be interrupted midway: whoever opens
// the path must find the old content or the new, never part of either.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Write creates or replaces the file at path with what write writes to w,
// which it may do in as many calls as it likes.
//
// The content goes to a temporary file in path's directory, so that the
// final rename stays on one file system, where it is atomic. The temporary
// file is synced before the rename, so a crash cannot leave path empty. If
// write or any step fails, the temporary file is removed and whatever was at
// path is left as it was.
//
// A new file gets exactly perm, whatever the umask; a file that is replaced
// keeps its permissions, as an editor keeps them. A directory at path is an
// error that says so, rather than rename's "file exists".
func Write(path string, perm fs.FileMode, write func(w io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if fi, statErr := os.Stat(path); statErr == nil {
		if fi.IsDir() {
			return fmt.Errorf("write %s: is a directory", path)
		}
		if fi.Mode().IsRegular() {
			perm = fi.Mode().Perm()
		}
	}

	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	closed := false
	defer func() {
		if err == nil {
			return
		}
		if !closed {
			err = errors.Join(err, f.Close())
		}
		if rmErr := os.Remove(f.Name()); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) {
			err = errors.Join(err, fmt.Errorf("remove temporary file: %w", rmErr))
		}
	}()

	if err = write(f); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	closed = true
	if err = f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// WriteFile is Write for content already in memory: os.WriteFile, whole or
// not at all.
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	return Write(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
