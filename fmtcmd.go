package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"

	"github.com/gpaudit/gpaudit/atomicfile"
	"github.com/gpaudit/gpaudit/config"
)

func runFmt(_ context.Context, name string, args []string, e *env) error {
	var check, noColor bool
	fs := newFlagSet(name, "fmt [--check] [DIR]", e)
	fs.BoolVar(&check, "check", false, "change nothing; list the files that would change and exit 1 if any")
	fs.BoolVar(&noColor, "no-color", false, "no colour in diagnostics")
	dir, done, err := parseFlags(fs, args)
	if err != nil || done {
		return err
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*.hcl"))
	if err != nil || len(paths) == 0 {
		return usageErrorf("fmt: no *.hcl files in %s", dir)
	}
	files := map[string]*hcl.File{}
	var diags hcl.Diagnostics
	type change struct {
		path string
		out  []byte
	}
	var changes []change
	for _, p := range paths {
		src, err := config.ReadFile(p)
		if err != nil {
			return runtimeErrorf("fmt: %v", err)
		}
		out, d := config.Format(p, src)
		if d.HasErrors() {
			diags = append(diags, d...)
			files[p] = &hcl.File{Bytes: src}
			continue
		}
		if !bytes.Equal(src, out) {
			changes = append(changes, change{p, out})
		}
	}
	if diags.HasErrors() {
		cf := configFlags{noColor: noColor}
		return reportDiags(e, files, diags, cf.colorFor(e.stderrTTY, e))
	}
	for _, c := range changes {
		fmt.Fprintln(e.stdout, c.path)
		if check {
			continue
		}
		// Whole or not at all, so an interrupted fmt never leaves half a
		// file; the file keeps its mode.
		if err := atomicfile.WriteFile(c.path, c.out, 0o644); err != nil {
			return runtimeErrorf("fmt: %v", err)
		}
	}
	if check && len(changes) > 0 {
		return exitCode(exitFailed)
	}
	return nil
}
