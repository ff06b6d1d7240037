package config

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/gpaudit/gpaudit/regularfile"
	"github.com/hashicorp/hcl/v2"
)

// MaxFileSize is the most ReadFile reads of one file: far above any
// configuration, policy or list of players, far below what would exhaust
// memory.
const MaxFileSize = 16 << 20

// ReadFile reads one file of the configuration: a *.hcl file, a var-file,
// a file() argument, a users_file or a policy. Only a regular file of at
// most MaxFileSize bytes is read: a named pipe would block the run until
// something writes to it, and a device such as /dev/zero would never end.
// Errors are *fs.PathError, so callers can name the path as the user wrote
// it.
func ReadFile(path string) ([]byte, error) {
	f, st, err := regularfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tooBig := &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("larger than %d MiB, the most gpaudit reads of one file", MaxFileSize>>20)}
	if st.Size() > MaxFileSize {
		return nil, tooBig
	}
	// The size may change while the file is read; the limit holds anyway.
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: path, Err: err}
	}
	if len(b) > MaxFileSize {
		return nil, tooBig
	}
	return b, nil
}

// notText returns where src stops being text, with why: bytes that are
// not UTF-8, or a control character other than tab, line feed, carriage
// return and form feed (NUL above all). HCL would read such a file as
// one syntax error after another, and print each with its raw bytes.
// ok is true for text.
func notText(src []byte) (at hcl.Pos, why string, ok bool) {
	pos := hcl.InitialPos
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return pos, fmt.Sprintf("a byte (0x%02x) that is not UTF-8", src[i]), false
		case r == 0:
			return pos, "a NUL byte", false
		case unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' && r != '\f':
			return pos, fmt.Sprintf("a control character (%U)", r), false
		}
		i += size
		pos.Byte = i
		if r == '\n' {
			pos.Line++
			pos.Column = 1
		} else {
			pos.Column++
		}
	}
	return pos, "", true
}

// textDiagnostic is the one diagnostic about a file that is not text.
func textDiagnostic(filename string, src []byte) *hcl.Diagnostic {
	at, why, ok := notText(src)
	if ok {
		return nil
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Not a text file",
		Detail:   fmt.Sprintf("%s holds %s at line %d, so it is not HCL; gpaudit did not read further.", filename, why, at.Line),
		Subject:  &hcl.Range{Filename: filename, Start: at, End: at},
	}
}

// FileDigest is a file the configuration was read from, with the SHA-256 of
// the bytes read, in hex.
type FileDigest struct {
	Path   string // as read: joined to the configuration folder, or as given
	SHA256 string
}

// fileLog records every file a configuration read, so that a report can
// name them (SPEC.md, "Evidence"). A source's file() calls may be
// evaluated after Load, concurrently, so it is safe for concurrent use.
type fileLog struct {
	mu    sync.Mutex
	files map[string]string // path → SHA-256; the first read of a path counts
}

// read is ReadFile, recording what it read.
func (f *fileLog) read(path string) ([]byte, error) {
	b, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.files == nil {
		f.files = map[string]string{}
	}
	if _, seen := f.files[path]; !seen {
		f.files[path] = hex.EncodeToString(sum[:])
	}
	return b, nil
}

// FilesRead returns every file the configuration was read from, sorted by
// path: its *.hcl files, --var-file files, and what file() and users_file
// read (also for a source resolved since). Policies are the engine's.
func (c *Config) FilesRead() []FileDigest {
	if c.files == nil {
		return nil
	}
	c.files.mu.Lock()
	defer c.files.mu.Unlock()
	out := make([]FileDigest, 0, len(c.files.files))
	for _, p := range slices.Sorted(maps.Keys(c.files.files)) {
		out = append(out, FileDigest{Path: p, SHA256: c.files.files[p]})
	}
	return out
}
