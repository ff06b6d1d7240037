package main

import (
	"cmp"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gpaudit/gpaudit/engine"
	"github.com/gpaudit/gpaudit/snapshot"
)

// evidence names what a check report speaks for (SPEC.md, "Evidence"):
// every file the configuration was read from (*.hcl, --var-file, file(),
// users_file) and every policy file compiled, built-in ones included, since
// the library decides what a check means as much as the HCL does; and the
// snapshot read or saved, when there is one. The user's files come first,
// sorted by path, then the built-in ones, sorted; paths are relative to
// DIR, with slashes, so the same configuration gives the same report from
// any working directory.
func evidence(dir string, ld *loaded, snap *snapshot.Snapshot) engine.Inputs {
	var files []engine.InputFile
	for _, f := range ld.cfg.FilesRead() {
		files = append(files, engine.InputFile{Path: reportPath(dir, f.Path), SHA256: f.SHA256})
	}
	for _, f := range ld.eng.PolicyFiles() {
		if !strings.HasPrefix(f.Path, builtinPrefix) {
			f.Path = reportPath(dir, f.Path)
		}
		files = append(files, f)
	}
	slices.SortFunc(files, func(a, b engine.InputFile) int {
		return cmp.Or(
			cmp.Compare(builtin(a), builtin(b)),
			strings.Compare(a.Path, b.Path),
		)
	})
	in := engine.Inputs{Config: files}
	if snap != nil {
		in.Snapshot = &engine.SnapshotInput{ManifestSHA256: snap.ManifestSHA256(), CreatedAt: snap.Manifest().CreatedAt}
	}
	return in
}

// builtinPrefix is how the engine names the files of the built-in library.
const builtinPrefix = "builtin:"

func builtin(f engine.InputFile) int {
	if strings.HasPrefix(f.Path, builtinPrefix) {
		return 1
	}
	return 0
}

// reportPath is path as a report shows it: relative to the configuration
// folder dir, with slashes. A file outside dir that was named by an absolute
// path keeps it; one named relative to the working directory is shown
// relative to dir ("../shared/vars.hcl").
func reportPath(dir, path string) string {
	absDir, err1 := filepath.Abs(dir)
	absPath, err2 := filepath.Abs(path)
	if err1 != nil || err2 != nil {
		return filepath.ToSlash(path)
	}
	rel, err := filepath.Rel(absDir, absPath)
	if err != nil || !filepath.IsLocal(rel) && filepath.IsAbs(path) {
		return filepath.ToSlash(path)
	}
	return filepath.ToSlash(rel)
}
