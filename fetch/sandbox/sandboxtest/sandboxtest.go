// Package sandboxtest starts the sandbox for tests, the way
// httptest.NewServer is used. It lives apart from package sandbox so that
// the testing package, which `gpaudit sandbox` has no use for, is not linked
// into the gpaudit binary.
package sandboxtest

import (
	"testing"

	"github.com/gpaudit/gpaudit/fetch/sandbox"
)

// New is sandbox.NewServer for tests: it fails t when the server cannot
// start and closes the server when t ends.
func New(t testing.TB, opts sandbox.Options) *sandbox.Server {
	t.Helper()
	s, err := sandbox.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}
