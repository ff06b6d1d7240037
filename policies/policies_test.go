package policies_test

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"
	"github.com/open-policy-agent/opa/v1/tester"

	"github.com/gpaudit/gpaudit/dataset"
	"github.com/gpaudit/gpaudit/engine"
	"github.com/gpaudit/gpaudit/policies"
)

// parseAll parses every .rego file of the library, tests included.
func parseAll(t *testing.T) map[string]*ast.Module {
	t.Helper()
	modules := map[string]*ast.Module{}
	err := fs.WalkDir(policies.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".rego") {
			return err
		}
		src, err := fs.ReadFile(policies.FS, path)
		if err != nil {
			return err
		}
		m, err := ast.ParseModuleWithOpts(path, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
		if err != nil {
			return err
		}
		modules[path] = m
		return nil
	})
	if err != nil {
		t.Fatalf("parse embedded policies: %v", err)
	}
	return modules
}

// TestRego runs the library's Rego tests in the sandbox the engine evaluates
// policies in, with built-in errors raised as the engine's strict mode does.
func TestRego(t *testing.T) {
	compiler := ast.NewCompiler().
		WithCapabilities(engine.Capabilities()).
		WithEnablePrintStatements(true)
	ch, err := tester.NewRunner().
		SetCompiler(compiler).
		SetModules(parseAll(t)).
		RaiseBuiltinErrors(true).
		RunTests(context.Background(), nil)
	if err != nil {
		t.Fatalf("compile embedded policies: %v", err)
	}
	var results []*tester.Result
	for r := range ch {
		results = append(results, r)
	}
	if len(results) == 0 {
		t.Fatal("the embedded policies hold no Rego tests")
	}
	slices.SortFunc(results, func(a, b *tester.Result) int { return a.Location.Compare(b.Location) })
	for _, r := range results {
		t.Run(r.Package+"."+r.Name, func(t *testing.T) {
			where := fmt.Sprintf("%s:%d: %s.%s", r.Location.File, r.Location.Row, r.Package, r.Name)
			switch {
			case r.Error != nil:
				t.Errorf("%s: error: %v\n%s", where, r.Error, r.Output)
			case r.Fail:
				at := ""
				if r.FailedAt != nil && r.FailedAt.Location != nil {
					at = fmt.Sprintf(" at line %d: %s", r.FailedAt.Location.Row, r.FailedAt.Location.Text)
				}
				t.Errorf("%s: FAIL%s\n%s", where, at, r.Output)
			case r.Skip:
				t.Skipf("%s: skipped (todo_test_)", where)
			}
		})
	}
}

// TestMetadata checks that every built-in policy carries what `gpaudit
// policies` prints: a title, a description, known datasets and its params.
func TestMetadata(t *testing.T) {
	modules := parseAll(t)
	var list []*ast.Module
	for path, m := range modules {
		// Helper libraries under lib/ hold no policy: nothing to list.
		if !strings.HasSuffix(path, "_test.rego") && !strings.HasPrefix(path, "lib/") {
			list = append(list, m)
		}
	}
	set, errs := ast.BuildAnnotationSet(list)
	if len(errs) > 0 {
		t.Fatalf("annotations: %v", errs)
	}
	if len(list) == 0 {
		t.Fatal("the embedded library holds no policies")
	}
	for _, m := range list {
		name := strings.TrimPrefix(m.Package.Path.String(), "data.")
		t.Run(name, func(t *testing.T) {
			a := set.GetPackageScope(m.Package)
			if a == nil {
				t.Fatalf("%s: no package METADATA", m.Package.Location.File)
			}
			if a.Title == "" || a.Description == "" {
				t.Errorf("title %q, description %q: want both", a.Title, a.Description)
			}
			datasets, ok := a.Custom["datasets"].([]any)
			if !ok || len(datasets) == 0 {
				t.Errorf("custom.datasets = %#v, want a list of dataset names", a.Custom["datasets"])
			}
			for _, d := range datasets {
				if s, ok := d.(string); !ok || !known(s) {
					t.Errorf("custom.datasets holds %#v, not one of %v", d, dataset.Names())
				}
			}
			if _, ok := a.Custom["params"].(map[string]any); !ok {
				t.Errorf("custom.params = %#v, want an object of defaults", a.Custom["params"])
			}
		})
	}
}

func known(name string) bool {
	_, ok := dataset.Lookup(name)
	return ok
}

// TestFormatted keeps the library in `opa fmt` form.
func TestFormatted(t *testing.T) {
	err := fs.WalkDir(policies.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".rego") {
			return err
		}
		src, err := fs.ReadFile(policies.FS, path)
		if err != nil {
			return err
		}
		want, err := format.SourceWithOpts(path, src, format.Opts{RegoVersion: ast.RegoV1})
		if err != nil {
			return err
		}
		if string(want) != string(src) {
			t.Errorf("%s is not formatted; opa fmt gives:\n%s", path, want)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("format embedded policies: %v", err)
	}
}

// TestStrict compiles the library as `opa check --strict` would: no unused
// variables or imports, no shadowed names, no deprecated built-ins.
func TestStrict(t *testing.T) {
	compiler := ast.NewCompiler().
		WithCapabilities(engine.Capabilities()).
		WithStrict(true).
		WithEnablePrintStatements(true)
	if compiler.Compile(parseAll(t)); compiler.Failed() {
		t.Fatalf("the library fails strict compilation:\n%v", compiler.Errors)
	}
}
