package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
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

// codeBlocks returns the fenced code blocks of text, each without its fences.
func codeBlocks(text string) []string {
	var blocks []string
	for {
		_, rest, ok := strings.Cut(text, "```")
		if !ok {
			return blocks
		}
		_, body, _ := strings.Cut(rest, "\n") // past the info string
		block, after, ok := strings.Cut(body, "```")
		if !ok {
			return blocks
		}
		blocks = append(blocks, block)
		text = after
	}
}

// TestReadmeQuickStart runs the quick start's command as README gives it
// and holds the output README shows to what it prints.
func TestReadmeQuickStart(t *testing.T) {
	blocks := codeBlocks(readmeSection(t, "## Quick start"))
	if len(blocks) < 2 {
		t.Fatalf("README's Quick start has %d code blocks, want the commands and the output", len(blocks))
	}
	var args []string
	for _, line := range strings.Split(blocks[0], "\n") {
		if rest, ok := strings.CutPrefix(line, "go run . "); ok {
			args = strings.Fields(rest)
			break
		}
	}
	if len(args) == 0 || args[0] != "check" {
		t.Fatalf("README's Quick start starts with no `go run . check` command:\n%s", blocks[0])
	}
	code, stdout, stderr := runCLI(t, args...)
	if code != exitFailed {
		t.Errorf("gpaudit %s: exit %d, README says 1\n%s", strings.Join(args, " "), code, stderr)
	}
	if blocks[1] != stdout {
		t.Errorf("README's Quick start output differs from what gpaudit %s prints:\n--- README ---\n%s--- gpaudit ---\n%s", strings.Join(args, " "), blocks[1], stdout)
	}
}

// checkCommandLines returns every `gpaudit check` command line in text, as
// words after "check", a YAML folded block's lines and shell continuations
// joined.
func checkCommandLines(text string) [][]string {
	var out [][]string
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		_, rest, ok := strings.Cut(lines[i], "gpaudit check ")
		if !ok || strings.Contains(lines[i], "#") && strings.Index(lines[i], "#") < strings.Index(lines[i], "gpaudit check") {
			continue
		}
		indent := len(lines[i]) - len(strings.TrimLeft(lines[i], " "))
		cmd := rest
		for i+1 < len(lines) {
			next := lines[i+1]
			ni := len(next) - len(strings.TrimLeft(next, " "))
			if strings.HasSuffix(strings.TrimSpace(cmd), `\`) {
				cmd = strings.TrimSuffix(strings.TrimSpace(cmd), `\`) + " " + next
			} else if ni == indent && ni > 0 && strings.TrimSpace(next) != "" && !strings.HasPrefix(strings.TrimSpace(next), "- ") && !strings.Contains(next, ": ") {
				cmd += " " + next // a folded YAML scalar goes on at the same indentation
			} else {
				break
			}
			i++
		}
		// The command ends at the shell's || && or ;, and a word the shell
		// expands ($baseline, "${baseline[@]}") is set by the script: the
		// recipes pass --baseline only once a report of the night before
		// exists.
		var args []string
		for _, w := range strings.Fields(cmd) {
			if w == "||" || w == "&&" || w == ";" {
				break
			}
			if !strings.HasPrefix(strings.Trim(w, `"`), "$") {
				args = append(args, w)
			}
		}
		out = append(out, args)
	}
	return out
}

// TestCIRecipes holds the CI recipes, and README's In CI command, to what
// works: gpaudit built from the checkout (the module is not published, so
// go install …@latest fails), and check lines whose flags check takes.
func TestCIRecipes(t *testing.T) {
	recipes, err := filepath.Glob(filepath.Join("examples", "nightly-ci", "*.yml"))
	if err != nil || len(recipes) < 2 {
		t.Fatalf("want the GitHub Actions and GitLab CI recipes in examples/nightly-ci: %v %v", recipes, err)
	}
	texts := map[string]string{"README's In CI": readmeSection(t, "## In CI")}
	for _, r := range recipes {
		b, err := os.ReadFile(r)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		texts[r] = text
		var live []string // the lines that run, without comments
		for _, line := range strings.Split(text, "\n") {
			if !strings.HasPrefix(strings.TrimSpace(line), "#") {
				live = append(live, line)
			}
		}
		run := strings.Join(live, "\n")
		if strings.Contains(run, "go install github.com/gpaudit/gpaudit") {
			t.Errorf("%s installs the unpublished module with go install", r)
		}
		if !strings.Contains(run, "go build -trimpath -o gpaudit .") || !strings.Contains(run, "./gpaudit check ") {
			t.Errorf("%s does not build gpaudit from the checkout and run that build", r)
		}
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(readme), "go install github.com/gpaudit/gpaudit@latest ") || strings.Contains(string(readme), "go install github.com/gpaudit/gpaudit@latest\n") {
		t.Error("README installs the unpublished module with go install …@latest")
	}
	for name, text := range texts {
		cmds := checkCommandLines(text)
		if len(cmds) == 0 {
			t.Errorf("%s has no gpaudit check command", name)
		}
		for _, args := range cmds {
			fs := (&checkOptions{}).flags("check", &env{stdout: io.Discard})
			if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
				t.Errorf("%s: gpaudit check %s: %v (%d folders)", name, strings.Join(args, " "), err, fs.NArg())
			}
		}
	}
}

// TestGitignoreCoversReadme finds the files and folders README's commands
// write in the working directory (--save-snapshot, --out, > and -o) and
// holds .gitignore to ignoring each.
func TestGitignoreCoversReadme(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git on PATH")
	}
	if err := exec.Command(git, "rev-parse", "--is-inside-work-tree").Run(); err != nil {
		t.Skip("not in a git work tree")
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	written := regexp.MustCompile(`(?:--save-snapshot |--out [a-z]+=|[^2]> |go build (?:-trimpath )?-o )([A-Za-z0-9_./-]+)`)
	found := map[string]bool{}
	for _, m := range written.FindAllStringSubmatch(string(readme), -1) {
		path := strings.TrimSuffix(strings.TrimRight(m[1], "."), "/")
		if path == "" || strings.ToUpper(path) == path || strings.Contains(path, "/") {
			continue // a placeholder (DIR, PATH) or a path under a folder of its own
		}
		if strings.HasPrefix(m[0], "--save-snapshot") {
			path += "/" // a folder: .gitignore may name it as one
		}
		found[path] = true
	}
	for _, want := range []string{"evidence/", "report.json", "gpaudit"} {
		if !found[want] {
			t.Errorf("README's commands do not seem to write %s any more; the search is broken (found %v)", want, slices.Sorted(maps.Keys(found)))
		}
	}
	for path := range found {
		if err := exec.Command(git, "check-ignore", "-q", "--no-index", path).Run(); err != nil {
			t.Errorf("README's commands write %s, which .gitignore does not ignore", path)
		}
	}
}
