package config

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
)

// checkWith returns a configuration whose one check has params = { v = expr }.
func checkWith(expr string) string {
	return fmt.Sprintf(`check "c" {
  cohort = cohort.blocks
  policy = "p"
  params = { v = %s }
}
`, expr)
}

func TestFunctions(t *testing.T) {
	env := []string{"TEAM=trust", "EMPTY=", "PATH=/bin"}
	files := map[string]string{"notes.txt": "line one\n", "sub/id.txt": "abc"}
	n := func(s string) json.Number { return json.Number(s) }
	tests := []struct {
		expr string
		want any
	}{
		{`env("TEAM")`, "trust"},
		{`env("EMPTY")`, ""},
		{`env("UNSET", "fallback")`, "fallback"},
		{`env("TEAM", "fallback")`, "trust"},
		{`file("notes.txt")`, "line one\n"},
		{`trimspace(file("sub/id.txt"))`, "abc"},
		{`upper("a")`, "A"},
		{`lower("A")`, "a"},
		{`trimspace("  a ")`, "a"},
		{`join("-", ["a", "b"])`, "a-b"},
		{`split(",", "a,b")`, []any{"a", "b"}},
		{`format("%s-%03d", "a", 7)`, "a-007"},
		{`replace("a-b-c", "-", "_")`, "a_b_c"},
		{`substr("hello", 1, 3)`, "ell"},
		{`concat([1], [2])`, []any{n("1"), n("2")}},
		{`length(["a", "b"])`, n("2")},
		{`contains(["a"], "a")`, true},
		{`keys({ b = 1, a = 2 })`, []any{"a", "b"}},
		{`values({ b = 1, a = 2 })`, []any{n("2"), n("1")}},
		{`merge({ a = 1 }, { b = 2 })`, map[string]any{"a": n("1"), "b": n("2")}},
		{`lookup({ a = 1 }, "b", 0)`, n("0")},
		{`distinct([1, 1, 2])`, []any{n("1"), n("2")}},
		{`flatten([[1], [2, [3]]])`, []any{n("1"), n("2"), n("3")}},
		{`sort(["b", "a"])`, []any{"a", "b"}},
		{`coalesce(null, "x")`, "x"},
		{`tostring(1.5)`, "1.5"},
		{`tonumber("2")`, n("2")},
		{`jsonencode({ a = [1, true, null] })`, `{"a":[1,true,null]}`},
		{`try(tonumber("x"), -1)`, n("-1")},
		{`max(1, 5, 3)`, n("5")},
		{`regex("[0-9]+", "ab12")`, "12"},
		{`formatdate("YYYY-MM-DD", "2026-11-22T10:00:00Z")`, "2026-11-22"},
		{`12345678901234567890`, n("12345678901234567890")},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			cfg := mustLoad(t, checkWith(tt.expr), files, Options{Environ: env})
			if diff := cmp.Diff(tt.want, cfg.Checks[0].Params["v"]); diff != "" {
				t.Errorf("value mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFunctionErrors(t *testing.T) {
	tests := []struct {
		expr string
		want string
	}{
		{`file("nope.txt")`, `main.hcl:4,18-23: Error in function call; Call to function "file" failed: read nope.txt: no such file or directory.
  4 |   params = { v = file("nope.txt") }
    |                  ^^^^^
`},
		{`file("bin.dat")`, `main.hcl:4,18-23: Error in function call; Call to function "file" failed: bin.dat is not UTF-8 text.
  4 |   params = { v = file("bin.dat") }
    |                  ^^^^^
`},
		{`env("A", "b", "c")`, `main.hcl:4,33-34: Invalid function argument; Invalid value for "default" parameter: env takes a name and at most one default.
  4 |   params = { v = env("A", "b", "c") }
    |                                 ^
`},
		{`env()`, `main.hcl:4,22-23: Not enough function arguments; Function "env" expects at least 1 argument(s). Missing value for "name".
  4 |   params = { v = env() }
    |                      ^
`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			cfg, diags := loadMain(t, checkWith(tt.expr), map[string]string{"bin.dat": "\xff\xfe"}, Options{})
			if diff := cmp.Diff(tt.want, diagText(t, cfg.Files, diags)); diff != "" {
				t.Errorf("diagnostics mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLocals(t *testing.T) {
	// Declared out of order, over two blocks and two files: each local is
	// evaluated after those it refers to.
	main := `locals {
  c = "${local.b}!"
}

locals {
  b = upper(local.a)
}

check "c" {
  cohort = cohort.blocks
  policy = "p"
  title  = local.c
  params = { n = local.n }
}
`
	other := map[string]string{"z.hcl": `locals {
  a = var.who
  n = strlen(local.c)
}

variable "who" {
  default = "ops"
}
`}
	cfg := mustLoad(t, main, other, Options{})
	got := []any{cfg.Checks[0].Title, cfg.Checks[0].Params["n"]}
	if diff := cmp.Diff([]any{"OPS!", json.Number("4")}, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestLocalSelfReference(t *testing.T) {
	cfg, diags := loadMain(t, "locals {\n  a = [local.a]\n}\n", nil, Options{})
	want := `main.hcl:2,8-15: Circular reference between local values; The local values refer to each other: local.a → local.a.
  2 |   a = [local.a]
    |        ^^^^^^^
`
	if diff := cmp.Diff(want, diagText(t, cfg.Files, diags)); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// TestUnusedLocalChecked: a local nothing uses is still evaluated, so its
// mistakes show in validate; one only a source uses waits for Resolve.
func TestUnusedLocalChecked(t *testing.T) {
	main := `locals {
  unused = upper(1, 2)
  key    = env("GAMEPOT_KEY")
}

source "gamepot" "other" {
  project_id = "p"
  api_key    = local.key
}
`
	cfg, diags := loadMain(t, main, nil, Options{})
	want := `main.hcl:2,21-22: Too many function arguments; Function "upper" expects only 1 argument(s).
  2 |   unused = upper(1, 2)
    |                     ^
`
	if diff := cmp.Diff(want, diagText(t, cfg.Files, diags)); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestDependencyOrder(t *testing.T) {
	r := func(to string) ref { return ref{to: to} }
	tests := []struct {
		name       string
		names      []string
		refs       map[string][]ref
		wantOrder  []string
		wantCycles []string
	}{
		{"declaration order without references", []string{"a", "b", "c"}, nil, []string{"a", "b", "c"}, nil},
		{
			"dependencies first, depth first",
			[]string{"a", "b", "c", "d"},
			map[string][]ref{"a": {r("c")}, "c": {r("d")}},
			[]string{"d", "c", "a", "b"},
			nil,
		},
		{
			"shared dependency once",
			[]string{"a", "b", "c"},
			map[string][]ref{"a": {r("c")}, "b": {r("c")}},
			[]string{"c", "a", "b"},
			nil,
		},
		{
			"two cycles",
			[]string{"a", "b", "c", "d", "e"},
			map[string][]ref{"a": {r("b")}, "b": {r("a")}, "c": {r("c")}, "d": {r("e")}},
			[]string{"b", "a", "c", "e", "d"},
			[]string{"a → b → a", "c → c"},
		},
		{
			"cycle reached through another name",
			[]string{"x", "a", "b"},
			map[string][]ref{"x": {r("a")}, "a": {r("b")}, "b": {r("a")}},
			[]string{"b", "a", "x"},
			[]string{"a → b → a"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cycles []string
			order, onCycle := dependencyOrder(tt.names, tt.refs, func(names []string, _ hcl.Range) {
				cycles = append(cycles, strings.Join(names, " → "))
			})
			if diff := cmp.Diff(tt.wantOrder, order); diff != "" {
				t.Errorf("order mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantCycles, cycles); diff != "" {
				t.Errorf("cycles mismatch (-want +got):\n%s", diff)
			}
			for _, c := range cycles {
				if !onCycle[c[:1]] {
					t.Errorf("%s is not marked as on a cycle", c[:1])
				}
			}
		})
	}
}
