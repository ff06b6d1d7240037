package report

import (
	"io"

	"github.com/gpaudit/gpaudit/atomicfile"
	"github.com/gpaudit/gpaudit/engine"
)

// WriteFile renders r with rep into the file at path, whole or not at all,
// so a CI step that reads the report never finds half of one: on any error
// whatever was at path before is left as it was (see atomicfile.Write).
//
// A new file gets mode 0644; a file that is replaced keeps its mode.
func WriteFile(path string, rep Reporter, r *engine.Results) error {
	return atomicfile.Write(path, 0o644, func(w io.Writer) error {
		return rep.Report(w, r)
	})
}
