package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/gpaudit/gpaudit/engine"
	"github.com/gpaudit/gpaudit/english"
	"github.com/gpaudit/gpaudit/mask"
	"github.com/gpaudit/gpaudit/policies"
)

const (
	tableStart = "<!-- policies:start (generated from the METADATA by go test -update; do not edit) -->"
	tableEnd   = "<!-- policies:end -->"
	// policiesDoc is the reference of the built-in library, generated whole.
	policiesDoc = "docs/policies.md"
)

// TestReadmePolicyTable keeps README's table of the built-in library, one
// line per policy, and docs/policies.md, the full rule of each, equal to
// the policies' METADATA; go test -update rewrites both.
func TestReadmePolicyTable(t *testing.T) {
	eng, err := engine.New(context.Background(), engine.Options{Builtin: policies.FS})
	if err != nil {
		t.Fatal(err)
	}
	list := eng.Policies()
	if len(list) == 0 {
		t.Fatal("the built-in library lists no policies")
	}

	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	i, j := strings.Index(text, tableStart), strings.Index(text, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md has no %q … %q section", tableStart, tableEnd)
	}
	head := text[:i+len(tableStart)+1]
	checkGenerated(t, "README.md", text, head+policyTable(list)+text[j:],
		"README's table of built-in policies differs from their METADATA")

	doc, err := os.ReadFile(policiesDoc)
	if err != nil && !(*update && errors.Is(err, fs.ErrNotExist)) {
		t.Fatal(err)
	}
	checkGenerated(t, policiesDoc, string(doc), policyReference(list),
		policiesDoc+" differs from the policies' METADATA")
}

// checkGenerated compares a generated file with what it should hold, and
// with -update writes it.
func checkGenerated(t *testing.T, path, have, want, what string) {
	t.Helper()
	if have == want {
		return
	}
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s; run go test -update and review %s\n%s", what, path, lineDiff(have, want))
}

// lineDiff names the first line where have and want part.
func lineDiff(have, want string) string {
	h, w := strings.Split(have, "\n"), strings.Split(want, "\n")
	for n := 0; n < max(len(h), len(w)); n++ {
		var hl, wl string
		if n < len(h) {
			hl = h[n]
		}
		if n < len(w) {
			wl = w[n]
		}
		if hl != wl {
			return fmt.Sprintf("line %d:\n--- want ---\n%s\n--- have ---\n%s", n+1, wl, hl)
		}
	}
	return ""
}

// policyTable is README's table: one line per policy, linked to its rule
// in docs/policies.md.
func policyTable(list []engine.Policy) string {
	var b strings.Builder
	b.WriteString("| policy | datasets | parameters | title |\n|---|---|---|---|\n")
	for _, p := range list {
		fmt.Fprintf(&b, "| [`%s`](%s#%s) | %s | %s | %s |\n", p.Name, policiesDoc, anchor(p.Name),
			english.OrDash(strings.Join(p.Datasets, ", ")), markdownParams(p.Params), cell(strings.TrimSuffix(p.Title, ".")))
	}
	return b.String()
}

// policyReference is docs/policies.md: every built-in policy with its
// file, datasets, parameters, with cohorts and full rule.
func policyReference(list []engine.Policy) string {
	var b strings.Builder
	b.WriteString("<!-- Generated from the policies' METADATA by go test -update (readme_test.go); do not edit. -->\n\n")
	b.WriteString("# Built-in policies\n\n")
	b.WriteString("The full rule of every policy of gpaudit's built-in library, as its METADATA states it\n")
	b.WriteString("(`gpaudit policies --format json` prints the same). [README](../README.md#built-in-policies)\n")
	b.WriteString("lists them one per line; [The policy contract](../README.md#the-policy-contract) says\n")
	b.WriteString("how the METADATA keys are read.\n")
	for _, p := range list {
		file := strings.TrimPrefix(p.File, "builtin:")
		fmt.Fprintf(&b, "\n## %s\n\n**%s.**\n\n", p.Name, strings.TrimSuffix(p.Title, "."))
		fmt.Fprintf(&b, "- file: [`policies/%s`](../policies/%s)\n", file, file)
		fmt.Fprintf(&b, "- datasets: %s\n", english.OrDash(strings.Join(p.Datasets, ", ")))
		fmt.Fprintf(&b, "- parameters: %s\n", markdownParams(p.Params))
		var with []string
		for _, k := range slices.Sorted(maps.Keys(p.With)) {
			with = append(with, fmt.Sprintf("`%s` (%s)", k, p.With[k]))
		}
		fmt.Fprintf(&b, "- with: %s\n\n", english.OrDash(strings.Join(with, ", ")))
		b.WriteString(p.Description + "\n")
	}
	return b.String()
}

// markdownParams is formatParams with each parameter in code, "-" for none.
func markdownParams(params map[string]any) string {
	s := formatParams(params)
	if s == "" {
		return "-"
	}
	return "`" + strings.ReplaceAll(s, ", ", "`, `") + "`"
}

// cell escapes a table cell's pipes.
func cell(s string) string {
	return strings.ReplaceAll(s, "|", `\|`)
}

// anchor is the fragment GitHub gives a heading: lower case, punctuation
// other than - and _ dropped, spaces as -.
func anchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
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
