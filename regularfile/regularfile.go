// Package regularfile opens files for reading only when they are regular
// files. gpaudit reads what users name (configuration, policies, snapshot
// folders), and a name can point at a named pipe, which blocks the run
// until something writes to it, or at a device such as /dev/zero, which
// never ends. Each such file is an error given at once instead.
package regularfile

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// Open opens the file at path for reading, following symbolic links, and
// returns it with what it is (its size sizes the read) only when it is a
// regular file. A file of any other kind is an *fs.PathError whose text
// reads "read PATH: a named pipe, not a regular file"; a file that cannot
// be opened is the error os.OpenFile gives, so errors.Is(err,
// fs.ErrNotExist) still tells a missing file.
func Open(path string) (*os.File, fs.FileInfo, error) {
	// O_NONBLOCK: opening a named pipe for reading waits for a writer
	// otherwise. It does nothing to a regular file.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, err
	}
	// What was opened, not what the name pointed at a moment before.
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%s, not a regular file", kind(st.Mode()))}
	}
	return f, st, nil
}

// kind names what a file that is not regular is.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}
