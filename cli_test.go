package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/gpaudit/gpaudit/report"
)

func TestVersionLine(t *testing.T) {
	vcs := func(mainVersion string, settings ...string) *debug.BuildInfo {
		info := &debug.BuildInfo{Main: debug.Module{Path: "github.com/gpaudit/gpaudit", Version: mainVersion}}
		for i := 0; i+1 < len(settings); i += 2 {
			info.Settings = append(info.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return info
	}
	const rev = "8c0da0b12f3e4d5a6b7c8d9e0f1a2b3c4d5e6f70"
	tests := []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{"no build info", nil, "gpaudit 0.1.0"},
		{"go run: no vcs", vcs("(devel)"), "gpaudit 0.1.0"},
		{"clean checkout", vcs("(devel)", "vcs", "git", "vcs.revision", rev, "vcs.modified", "false"), "gpaudit 0.1.0 (rev 8c0da0b12f3e)"},
		{"modified checkout", vcs("v0.0.0-20261201120000-8c0da0b12f3e+dirty", "vcs.revision", rev, "vcs.modified", "true"), "gpaudit 0.1.0 (rev 8c0da0b12f3e, modified)"},
		{"pseudo-version", vcs("v0.0.0-20261201120000-8c0da0b12f3e", "vcs.revision", rev), "gpaudit 0.1.0 (rev 8c0da0b12f3e)"},
		{"released module", vcs("v1.2.0"), "gpaudit 1.2.0"},
		{"release candidate", vcs("v1.3.0-rc.1", "vcs.revision", "abc"), "gpaudit 1.3.0-rc.1 (rev abc)"},
	}
	for _, tt := range tests {
		if got := versionLine("0.1.0", tt.info); got != tt.want {
			t.Errorf("%s: versionLine = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestBuiltVersion builds gpaudit from a copy of this tree in a fresh git
// repository with a file left uncommitted, and holds --version to the
// revision go build recorded.
func TestBuiltVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gpaudit; skipped with -short")
	}
	gocmd, err1 := exec.LookPath("go")
	git, err2 := exec.LookPath("git")
	if err1 != nil || err2 != nil {
		t.Skip("needs go and git on PATH")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	if out, err := exec.Command("cp", "-r", ".", src).CombinedOutput(); err != nil {
		t.Fatalf("copy the tree: %v\n%s", err, out)
	}
	os.RemoveAll(filepath.Join(src, ".git"))
	runIn := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = src
		cmd.Env = append(os.Environ(), "GOFLAGS=-buildvcs=true")
		if name == git {
			// No user or system git configuration: a signing or hook
			// setting there must not change what is committed.
			cmd.Env = append(cmd.Env, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	runIn(git, "init", "-q")
	runIn(git, "add", "-A")
	runIn(git, "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "copy")
	rev := runIn(git, "rev-parse", "HEAD")
	writeFile(t, filepath.Join(src, "uncommitted.txt"), "left over\n")
	bin := filepath.Join(dir, "gpaudit")
	runIn(gocmd, "build", "-o", bin, ".")
	for _, flag := range []string{"--version", "-V", "version"} {
		out, err := exec.Command(bin, flag).Output()
		if err != nil {
			t.Fatalf("gpaudit %s: %v", flag, err)
		}
		if want := "gpaudit " + version + " (rev " + rev[:12] + ", modified)\n"; string(out) != want {
			t.Errorf("gpaudit %s = %q, want %q", flag, out, want)
		}
	}
}

// completeBash sources the bash script, sets COMP_WORDS and COMP_CWORD as
// bash does for the command line words (the last one being completed), calls
// the completion function in dir and returns what it offers.
func completeBash(t *testing.T, script, dir string, words ...string) []string {
	t.Helper()
	var quoted []string
	for _, w := range words {
		quoted = append(quoted, "'"+strings.ReplaceAll(w, "'", `'\''`)+"'")
	}
	prog := `source "$1" || exit 1
COMP_WORDS=(` + strings.Join(quoted, " ") + `)
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_gpaudit || exit 1
printf '%s\n' "${COMPREPLY[@]}"`
	cmd := exec.Command("bash", "--norc", "--noprofile", "-c", prog, "bash", script)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("complete %q: %v\n%s", words, err, out)
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		if l != "" {
			got = append(got, l)
		}
	}
	slices.Sort(got)
	return got
}

func TestCompletionBash(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash on PATH")
	}
	code, stdout, stderr := runCLI(t, "completion", "bash")
	if code != exitOK {
		t.Fatalf("completion bash: exit %d\n%s", code, stderr)
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "gpaudit.bash")
	writeFile(t, script, stdout)
	if out, err := exec.Command("bash", "-n", script).CombinedOutput(); err != nil {
		t.Fatalf("bash -n: the script is not valid bash: %v\n%s", err, out)
	}
	work := filepath.Join(dir, "work")
	for _, d := range []string{"examples/quickstart", "evidence"} {
		if err := os.MkdirAll(filepath.Join(work, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(work, "vars.hcl"), "")
	formats := slices.Sorted(slices.Values(report.Formats()))

	tests := []struct {
		words []string
		want  []string
	}{
		{[]string{"gpaudit", "ch"}, []string{"check"}},
		{[]string{"gpaudit", "p"}, []string{"plan", "policies"}},
		{[]string{"gpaudit", "-"}, []string{"--help", "--version", "-V", "-h"}},
		{[]string{"gpaudit", "check", "--fo"}, []string{"--format"}},
		{[]string{"gpaudit", "check", "--s"}, []string{"--sandbox", "--save-snapshot", "--show-pii", "--snapshot"}},
		{[]string{"gpaudit", "check", "--format", ""}, formats},
		{[]string{"gpaudit", "check", "--format", "=", "j"}, []string{"json", "junit"}},
		{[]string{"gpaudit", "check", "--fail-on", "h"}, []string{"high"}},
		{[]string{"gpaudit", "check", "--progress", ""}, []string{"auto", "none", "plain"}},
		{[]string{"gpaudit", "check", "--snapshot", "ev"}, []string{"evidence"}},
		{[]string{"gpaudit", "check", "--var-file", "va"}, []string{"vars.hcl"}},
		{[]string{"gpaudit", "check", "--tag", ""}, nil},
		{[]string{"gpaudit", "check", "--no-color", "ex"}, []string{"examples"}},
		{[]string{"gpaudit", "check", "examples/q"}, []string{"examples/quickstart"}},
		{[]string{"gpaudit", "fmt", "--"}, []string{"--check", "--diff", "--help", "--no-color", "--recursive"}},
		{[]string{"gpaudit", "test", "--format", ""}, slices.Sorted(slices.Values(report.TestFormats()))},
		{[]string{"gpaudit", "help", "va"}, []string{"validate"}},
		{[]string{"gpaudit", "completion", ""}, []string{"bash", "fish", "zsh"}},
		{[]string{"gpaudit", "nope", ""}, nil},
	}
	for _, tt := range tests {
		if got := completeBash(t, script, work, tt.words...); !slices.Equal(got, tt.want) {
			t.Errorf("complete %q = %q, want %q", tt.words, got, tt.want)
		}
	}

	// Every flag check parses is offered.
	got := completeBash(t, script, work, "gpaudit", "check", "--")
	fs := (&checkOptions{}).flags("check", &env{})
	var want []string
	fs.VisitAll(func(f *pflag.Flag) { want = append(want, "--"+f.Name) })
	want = append(want, "--help")
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("check's flags offered = %q, want %q", got, want)
	}
}

// TestCompletionZshFish holds the scripts for zsh and fish to the commands
// and flags: neither shell is needed to run the test, so it reads them.
func TestCompletionZshFish(t *testing.T) {
	cmds, err := describeCommands()
	if err != nil {
		t.Fatal(err)
	}
	_, zsh, _ := runCLI(t, "completion", "zsh")
	_, bash, _ := runCLI(t, "completion", "bash")
	if !strings.HasPrefix(zsh, "# zsh completion") || !strings.Contains(zsh, "bashcompinit") || !strings.HasSuffix(zsh, bash) {
		t.Errorf("the zsh script is not the bash one behind bashcompinit:\n%s", zsh)
	}
	_, fish, _ := runCLI(t, "completion", "fish")
	for _, c := range cmds {
		if !strings.Contains(fish, "complete -c gpaudit -n __fish_use_subcommand -a "+c.name+" -d ") {
			t.Errorf("fish: command %s is not offered", c.name)
		}
		for _, f := range c.flags {
			line := "complete -c gpaudit -n '__fish_seen_subcommand_from " + c.name + "' -l " + f.name
			if !strings.Contains(fish, line) {
				t.Errorf("fish: %s --%s is not offered", c.name, f.name)
			}
		}
	}
	if !strings.Contains(fish, "-l format -x -a '"+strings.Join(report.Formats(), " ")+"'") {
		t.Error("fish: check --format does not offer the report formats")
	}
	if !strings.Contains(fish, `-d 'Print gpaudit\'s version`) {
		t.Error("fish: a quote in a description is not escaped")
	}
}
