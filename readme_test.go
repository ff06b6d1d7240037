package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gpaudit/gpaudit/engine"
	"github.com/gpaudit/gpaudit/english"
	"github.com/gpaudit/gpaudit/mask"
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

// readmeSection returns the text of README's section headed heading, up
// to the next heading of the same or a higher level.
func readmeSection(t *testing.T, heading string) string {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, body, ok := strings.Cut(string(b), "\n"+heading+"\n")
	if !ok {
		t.Fatalf("README has no %q", heading)
	}
	level, _, _ := strings.Cut(heading, " ")
	for i := 0; i < len(body); {
		line, _, _ := strings.Cut(body[i:], "\n")
		if hashes, _, ok := strings.Cut(line, " "); ok && hashes != "" && strings.Trim(hashes, "#") == "" && len(hashes) <= len(level) {
			return body[:i]
		}
		i += len(line) + 1
	}
	return body
}

// maskArrow is README's way of showing masking: `before` → `after`, or
// `before` and `other` both → `after`.
var maskArrow = regexp.MustCompile("`([^`]+)`(?: and `([^`]+)` both)? → `([^`]+)`")

// TestReadmeMaskingExamples holds every example of README's "Personal
// data" to what gpaudit does: each `before` → `after` is mask.Text, and
// each key it names as personal data, or not, is one.
func TestReadmeMaskingExamples(t *testing.T) {
	section := readmeSection(t, "### Personal data")
	pairs := maskArrow.FindAllStringSubmatch(section, -1)
	if len(pairs) < 5 {
		t.Fatalf("README's Personal data shows %d masking examples, want its emails and IP addresses", len(pairs))
	}
	for _, p := range pairs {
		for _, before := range []string{p[1], p[2]} {
			if before == "" {
				continue
			}
			if got := mask.Text(before); got != p[3] {
				t.Errorf("README: `%s` → `%s`, but gpaudit masks it to %q", before, p[3], got)
			}
		}
	}
	// The keys README gives as examples, in parentheses in the bullet on
	// keys: personal data, then "; not" those that are not.
	_, keys, _ := strings.Cut(section, "**Values under keys")
	keys, _, _ = strings.Cut(keys, "\n- ")
	quoted := regexp.MustCompile("`([^`]+)`")
	found := 0
	for _, group := range regexp.MustCompile(`\(([^)]*)\)`).FindAllStringSubmatch(keys, -1) {
		yes, no, _ := strings.Cut(group[1], "; not ")
		for _, k := range quoted.FindAllStringSubmatch(yes, -1) {
			found++
			if !mask.Personal(k[1]) {
				t.Errorf("README names key %q as personal data; mask.Personal says no", k[1])
			}
		}
		for _, k := range quoted.FindAllStringSubmatch(no, -1) {
			if mask.Personal(k[1]) {
				t.Errorf("README names key %q as not personal data; mask.Personal says it is", k[1])
			}
		}
	}
	if found < 8 {
		t.Errorf("README's Personal data names %d example keys, want its lists of them", found)
	}
}
