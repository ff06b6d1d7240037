package main

import (
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// goListDeps returns, for pkg and every package it depends on, the packages
// each imports, as `go list -deps` gives them; it skips the test when the go
// command is not on PATH.
func goListDeps(t *testing.T, pkg string) map[string][]string {
	t.Helper()
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	out, err := exec.Command(gocmd, "list", "-deps", "-f", "{{.ImportPath}}{{range .Imports}} {{.}}{{end}}", pkg).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, ee.Stderr)
		}
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	deps := map[string][]string{}
	for line := range strings.Lines(string(out)) {
		if fields := strings.Fields(line); len(fields) > 0 {
			deps[fields[0]] = fields[1:]
		}
	}
	return deps
}

// TestBinaryDoesNotLinkTesting keeps Go's testing package out of the release
// binary. OPA's tester imports it for its benchmarks, which is why gpaudit
// runs Rego tests with its own runner; a package that brings it back is named.
func TestBinaryDoesNotLinkTesting(t *testing.T) {
	deps := goListDeps(t, ".")
	// A listing without gpaudit's own packages proves nothing.
	for _, pkg := range []string{"github.com/gpaudit/gpaudit", "github.com/gpaudit/gpaudit/engine"} {
		if _, ok := deps[pkg]; !ok {
			t.Fatalf("go list -deps . does not list %s", pkg)
		}
	}
	for pkg, imports := range deps {
		if slices.Contains(imports, "testing") {
			t.Errorf("%s imports testing, so the gpaudit binary links it", pkg)
		}
	}
}

// TestSandboxDoesNotImportFetch keeps the fake API apart from the client it
// is there to test: were the sandbox to share the client's code, a mistake
// in that code would be made on both sides and pass unseen.
func TestSandboxDoesNotImportFetch(t *testing.T) {
	const sandbox, fetch = "github.com/gpaudit/gpaudit/fetch/sandbox", "github.com/gpaudit/gpaudit/fetch"
	deps := goListDeps(t, "./fetch/sandbox")
	if _, ok := deps[sandbox]; !ok {
		t.Fatalf("go list -deps ./fetch/sandbox does not list %s", sandbox)
	}
	if _, ok := deps[fetch]; ok {
		for pkg, imports := range deps {
			if slices.Contains(imports, fetch) {
				t.Errorf("%s imports %s, so the sandbox depends on the client", pkg, fetch)
			}
		}
	}
}
