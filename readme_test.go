package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/gpaudit/gpaudit/engine"
	"github.com/gpaudit/gpaudit/english"
	"github.com/gpaudit/gpaudit/policies"
)

const (
	tableStart = "<!-- policies:start (generated from the METADATA by go test -update; do not edit) -->"
	tableEnd   = "<!-- policies:end -->"
)

// TestReadmePolicyTable keeps README's table of the built-in library equal
// to the policies' METADATA; go test -update rewrites it.
func TestReadmePolicyTable(t *testing.T) {
	eng, err := engine.New(context.Background(), engine.Options{Builtin: policies.FS})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("| policy | datasets | parameters | with | rule |\n|---|---|---|---|---|\n")
	for _, p := range eng.Policies() {
		params := "-"
		if s := formatParams(p.Params); s != "" {
			params = "`" + strings.ReplaceAll(s, ", ", "`, `") + "`"
		}
		var with []string
		for _, k := range slices.Sorted(maps.Keys(p.With)) {
			with = append(with, fmt.Sprintf("`%s` (%s)", k, p.With[k]))
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | **%s.** %s |\n", p.Name, english.OrDash(strings.Join(p.Datasets, ", ")), params, english.OrDash(strings.Join(with, ", ")),
			strings.TrimSuffix(p.Title, "."), strings.ReplaceAll(p.Description, "|", `\|`))
	}
	table := b.String()

	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	i, j := strings.Index(text, tableStart), strings.Index(text, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md has no %q … %q section", tableStart, tableEnd)
	}
	got := text[i+len(tableStart)+1 : j]
	if got == table {
		return
	}
	if *update {
		text = text[:i+len(tableStart)+1] + table + text[j:]
		if err := os.WriteFile("README.md", []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README's table of built-in policies differs from their METADATA; run go test -update and review README.md\n--- want ---\n%s--- have ---\n%s", table, got)
}
