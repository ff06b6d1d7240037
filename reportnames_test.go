package main

import (
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestFolderName(t *testing.T) {
	tests := []struct {
		dir, wd, want string
	}{
		{"examples/quickstart", "/src/gpaudit", "examples/quickstart"},
		{"./examples/quickstart/", "/src/gpaudit", "examples/quickstart"},
		{".", "/src/gpaudit", "gpaudit"},
		{"", "/src/gpaudit", "gpaudit"},
		{"/src/gpaudit/audit", "/src/gpaudit", "audit"},
		{"../audit", "/src/gpaudit", "src/audit"},
		{"/srv/audit", "/src/gpaudit", "srv/audit"},
		{"..", "/src/gpaudit", "src"},
		{".", "/", ""},
	}
	for _, tt := range tests {
		if got := folderName(tt.dir, tt.wd); got != tt.want {
			t.Errorf("folderName(%q, %q) = %q, want %q", tt.dir, tt.wd, got, tt.want)
		}
	}
}

// mergedCase is what a merged JUnit report says of one case.
type mergedCase struct {
	Name      string `xml:"name,attr"`
	Classname string `xml:"classname,attr"`
}

// TestJUnitMergeExamples merges the JUnit reports of every example folder
// the way junit-report-merger does, by putting all their <testsuite>s into
// one <testsuites>, and finds no two cases with the same name and
// classname, which GitLab and Jenkins would fold into one. The examples
// share check names and every one of them keeps its checks in main.hcl, so
// classnames without the folder would collide.
func TestJUnitMergeExamples(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("examples", "*", "main.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	suite := regexp.MustCompile(`(?s)<testsuite .*?</testsuite>`)
	var merged strings.Builder
	merged.WriteString(xml.Header + `<testsuites name="merged">` + "\n")
	names := map[string][]string{} // check name → folders that declare it
	for _, f := range dirs {
		dir := filepath.Dir(f)
		if filepath.Base(dir) == badExample {
			continue
		}
		snap := filepath.Join(dir, "snapshot")
		if _, err := os.Stat(snap); err != nil {
			snap = filepath.Join("examples", "quickstart", "snapshot")
		}
		code, stdout, stderr := runCLI(t, "check", "--snapshot", snap, "--as-of", asOf, "--format", "junit", dir)
		if code != exitOK && code != exitFailed {
			t.Fatalf("check %s: exit %d\n%s", dir, code, stderr)
		}
		var doc struct {
			Cases []mergedCase `xml:"testsuite>testcase"`
		}
		if err := xml.Unmarshal([]byte(stdout), &doc); err != nil {
			t.Fatalf("check %s: %v", dir, err)
		}
		want := "gpaudit." + strings.ReplaceAll(filepath.ToSlash(dir), "/", ".") + ".main"
		for _, c := range doc.Cases {
			if c.Classname != want {
				t.Errorf("%s: check %s has classname %q, want %q", dir, c.Name, c.Classname, want)
			}
			names[c.Name] = append(names[c.Name], dir)
		}
		for _, s := range suite.FindAllString(stdout, -1) {
			merged.WriteString(s + "\n")
		}
	}
	merged.WriteString("</testsuites>\n")

	shared := 0
	for _, folders := range names {
		if len(folders) > 1 {
			shared++
		}
	}
	if shared == 0 {
		t.Fatalf("no check name is shared by two examples (%v): the merge would prove nothing", names)
	}
	var doc struct {
		Cases []mergedCase `xml:"testsuite>testcase"`
	}
	if err := xml.Unmarshal([]byte(merged.String()), &doc); err != nil {
		t.Fatalf("merged report: %v\n%s", err, merged.String())
	}
	seen := map[mergedCase]bool{}
	for _, c := range doc.Cases {
		if seen[c] {
			t.Errorf("merged report: two cases named %q with classname %q", c.Name, c.Classname)
		}
		seen[c] = true
	}
	if len(seen) < len(dirs) {
		t.Errorf("merged report has %d cases, fewer than the %d examples", len(seen), len(dirs))
	}
	// The merged document is still valid JUnit.
	if xmllint, err := exec.LookPath("xmllint"); err == nil {
		schema := filepath.Join("..", "shared", "schemas", "junit-10.xsd")
		if _, err := os.Stat(schema); err == nil {
			file := filepath.Join(t.TempDir(), "merged.xml")
			if err := os.WriteFile(file, []byte(merged.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(xmllint, "--noout", "--schema", schema, file).CombinedOutput(); err != nil {
				t.Errorf("xmllint on the merged report: %v\n%s", err, out)
			}
		}
	}
}
