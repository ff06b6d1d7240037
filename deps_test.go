package main

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

// TestBinaryDoesNotLinkTesting keeps Go's testing package out of the release
// binary. OPA's tester imports it for its benchmarks, which is why gpaudit
// runs Rego tests with its own runner; a package that brings it back is named.
func TestBinaryDoesNotLinkTesting(t *testing.T) {
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	out, err := exec.Command(gocmd, "list", "-deps", "-f", "{{.ImportPath}}{{range .Imports}} {{.}}{{end}}", ".").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list -deps: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list -deps: %v", err)
	}
	listed := map[string]bool{}
	for line := range strings.Lines(string(out)) {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		listed[fields[0]] = true
		for _, imp := range fields[1:] {
			if imp == "testing" {
				t.Errorf("%s imports testing, so the gpaudit binary links it", fields[0])
			}
		}
	}
	// A listing without gpaudit's own packages proves nothing.
	for _, pkg := range []string{"github.com/gpaudit/gpaudit", "github.com/gpaudit/gpaudit/engine"} {
		if !listed[pkg] {
			t.Fatalf("go list -deps . does not list %s:\n%s", pkg, out)
		}
	}
}
