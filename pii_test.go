package main

import (
	"bufio"
	"encoding/json"
	"html"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// personalKeys are the keys whose values SPEC.md names as personal data,
// exactly as the bundled data spells them.
var personalKeys = []string{"email", "remoteip", "adid", "token", "push_token"}

// emailLike finds what reads as an email address in any text of the data.
var emailLike = regexp.MustCompile(`[^\s@"<>]+@[^\s@"<>]+\.[A-Za-z]+`)

// personalValue is one piece of personal data in a bundled snapshot.
type personalValue struct {
	value, kind string // kind: "email", "ip", or the key it stood under
	file        string
}

// bundledSnapshots returns every snapshot folder in the repository: those of
// the examples and those of the tests.
func bundledSnapshots(t *testing.T) []string {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.Name() == "manifest.json" {
			dirs = append(dirs, filepath.Dir(path))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(dirs, filepath.Join("examples", "quickstart", "snapshot")) {
		t.Fatalf("no bundled snapshot found among %v", dirs)
	}
	return dirs
}

// personalData collects, from every data file of the snapshot in dir, each
// value under a personal key (at any depth), each string that is an IP
// address and each email address in any string, without the masking code:
// what the reports must not show.
func personalData(t *testing.T, dir string) []personalValue {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*", "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var out []personalValue
	add := func(v personalValue) {
		if !seen[v.value] {
			seen[v.value] = true
			out = append(out, v)
		}
	}
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var rec any
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			var walk func(key string, v any)
			walk = func(key string, v any) {
				switch x := v.(type) {
				case map[string]any:
					for k, e := range x {
						walk(k, e)
					}
				case []any:
					for _, e := range x {
						walk(key, e)
					}
				case string:
					s := strings.TrimSpace(x)
					if s == "" {
						return
					}
					// By what it is first, then by its key: an IP address
					// under remoteip is still an IP address.
					if _, err := netip.ParseAddr(s); err == nil {
						add(personalValue{value: s, kind: "ip", file: file})
					}
					for _, m := range emailLike.FindAllString(s, -1) {
						add(personalValue{value: m, kind: "email", file: file})
					}
					if slices.Contains(personalKeys, key) {
						add(personalValue{value: s, kind: key, file: file})
					}
				}
			}
			walk("", rec)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
	return out
}

// markdownEscape is a backslash escape of Markdown.
var markdownEscape = regexp.MustCompile(`\\([[:punct:]])`)

// reportsOf runs check over snap with config dir and returns every report
// format it writes, and stderr, by name.
func reportsOf(t *testing.T, dir, via, snap string, extra ...string) map[string]string {
	t.Helper()
	out := t.TempDir()
	paths := map[string]string{}
	args := []string{"check", via, snap, "--as-of", asOf, "--verbose"}
	for _, format := range []string{"json", "junit", "sarif", "markdown", "html"} {
		paths[format] = filepath.Join(out, "report."+format)
		args = append(args, "--out", format+"="+paths[format])
	}
	args = append(args, extra...)
	if via == "--sandbox" {
		args = append(args, "--progress", "plain")
	}
	code, stdout, stderr := runCLI(t, append(args, dir)...)
	if code != exitOK && code != exitFailed && code != exitRuntime {
		t.Fatalf("%s: exit %d\n%s", strings.Join(args, " "), code, stderr)
	}
	reports := map[string]string{"text": stdout, "stderr": stderr}
	for name, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		reports[name] = string(b)
	}
	// Markdown and HTML escape what they show; personal data is sought in
	// what a reader sees.
	reports["markdown"] = markdownEscape.ReplaceAllString(html.UnescapeString(reports["markdown"]), "$1")
	reports["html"] = html.UnescapeString(reports["html"])
	return reports
}

// TestNoPersonalDataInReports is SPEC.md's promise about personal data,
// held against all the bundled data: no email address, IP address, push
// token or ad id of any bundled snapshot appears in any report format, nor
// on stderr, without --show-pii, neither for the examples nor for
// testdata/pii, whose policies cite every such value in messages and
// details. With --show-pii, every one of them is in the JSON report, and
// each email and IP address, which testdata/pii cites in messages, in the
// text and JUnit reports too.
func TestNoPersonalDataInReports(t *testing.T) {
	examples, err := filepath.Glob(filepath.Join("examples", "*", "main.hcl"))
	if err != nil || len(examples) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	total := 0
	for _, snap := range bundledSnapshots(t) {
		values := personalData(t, snap)
		total += len(values)
		t.Run(filepath.ToSlash(snap), func(t *testing.T) {
			configs := []string{filepath.Join("testdata", "pii")}
			for _, e := range examples {
				if filepath.Base(filepath.Dir(e)) != badExample {
					configs = append(configs, filepath.Dir(e))
				}
			}
			for _, dir := range configs {
				vias := []string{"--snapshot"}
				if dir == configs[0] {
					vias = append(vias, "--sandbox")
				}
				for _, via := range vias {
					for format, text := range reportsOf(t, dir, via, snap) {
						for _, v := range values {
							if strings.Contains(text, v.value) {
								t.Errorf("check %s %s %s: the %s report holds %s %q of %s", via, snap, dir, format, v.kind, v.value, v.file)
							}
						}
					}
				}
			}

			masked := reportsOf(t, configs[0], "--snapshot", snap)
			if !strings.Contains(masked["json"], `"pii": "masked"`) {
				t.Errorf("the JSON report does not say \"pii\": \"masked\"")
			}
			shown := reportsOf(t, configs[0], "--snapshot", snap, "--show-pii")
			if len(values) > 0 && !strings.Contains(shown["json"], `"pii": "shown"`) {
				t.Errorf("--show-pii: the JSON report does not say \"pii\": \"shown\"")
			}
			for _, v := range values {
				formats := []string{"json"}
				if v.kind == "email" || v.kind == "ip" {
					formats = append(formats, "text", "junit", "html")
				}
				for _, format := range formats {
					if !strings.Contains(shown[format], v.value) {
						t.Errorf("check --show-pii %s: the %s report lacks %s %q of %s, which testdata/pii cites", snap, format, v.kind, v.value, v.file)
					}
				}
			}
		})
	}
	// The bundled data holds emails, IPs, tokens and ad ids: a search that
	// found none would prove nothing.
	if total < 100 {
		t.Errorf("found %d personal values in the bundled snapshots, want the hundreds they hold", total)
	}
}
