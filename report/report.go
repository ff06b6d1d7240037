// Package report turns engine Results into text, JSON or JUnit.
package report

import (
	"io"

	"github.com/gpaudit/gpaudit/engine"
)

// Reporter writes one run's Results in one format.
type Reporter interface {
	Report(w io.Writer, r *engine.Results) error
}

// Options tune the reporters.
type Options struct {
	// Color enables ANSI colour in the text format.
	Color bool
	// Verbose lists every finding in the text format, not only the first few.
	Verbose bool
	// Version is gpaudit's version, written into JSON reports.
	Version string
}
