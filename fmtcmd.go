package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/pflag"

	"github.com/gpaudit/gpaudit/atomicfile"
	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/diff"
)

const fmtUsage = `fmt [--check] [--diff] [--recursive] [DIR...]

Rewrites the *.hcl files of each DIR (default ".") in canonical format and
lists the files it changed. --check and --diff change nothing: --check lists
the files that would change and exits 1 if any; --diff prints a unified diff
of the changes (with --check, it also exits 1). A file with a syntax error is
a diagnostic (exit 2), and then no file is changed.`

// fmtOptions are the flags of gpaudit fmt.
type fmtOptions struct {
	check, diff, recursive, noColor bool
}

func runFmt(_ context.Context, name string, args []string, e *env) error {
	var o fmtOptions
	flags := newFlagSet(name, fmtUsage, e)
	flags.BoolVar(&o.check, "check", false, "change nothing; list the files that would change and exit 1 if any")
	flags.BoolVar(&o.diff, "diff", false, "change nothing; print a unified diff of what would change")
	flags.BoolVarP(&o.recursive, "recursive", "r", false, "also format the *.hcl files in every subfolder")
	flags.BoolVar(&o.noColor, "no-color", false, "no colour in diagnostics")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil
		}
		return usageErrorf("%s: %v (see 'gpaudit %s --help')", name, err, name)
	}
	dirs := flags.Args()
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	paths, err := hclFiles(dirs, o.recursive)
	if err != nil {
		return err
	}

	files := map[string]*hcl.File{}
	var diags hcl.Diagnostics
	type change struct {
		path     string
		src, out []byte
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
			changes = append(changes, change{p, src, out})
		}
	}
	if diags.HasErrors() {
		cf := configFlags{noColor: o.noColor}
		return reportDiags(e, files, diags, cf.colorFor(e.stderrTTY, e))
	}
	for _, c := range changes {
		switch {
		case o.diff:
			fmt.Fprint(e.stdout, diff.Unified(filepath.ToSlash(c.path), c.src, c.out))
			continue
		case o.check:
			fmt.Fprintln(e.stdout, c.path)
			continue
		}
		fmt.Fprintln(e.stdout, c.path)
		// Whole or not at all, so an interrupted fmt never leaves half a
		// file; the file keeps its mode.
		if err := atomicfile.WriteFile(c.path, c.out, 0o644); err != nil {
			return runtimeErrorf("fmt: %v", err)
		}
	}
	if o.check && len(changes) > 0 {
		return exitCode(exitFailed)
	}
	return nil
}

// hclFiles lists the *.hcl files of each folder in dirs, each file once, in
// the order of dirs and by name; with recursive, those of every subfolder
// too. Dot-files and dot-folders are left out, as config.Load leaves them:
// editors and tools keep their own files there. A DIR that is not a folder,
// or that holds no *.hcl file, is a usage error.
func hclFiles(dirs []string, recursive bool) ([]string, error) {
	var paths []string
	seen := map[string]bool{}
	for _, dir := range dirs {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, usageErrorf("fmt: %s is not a folder", dir)
		}
		found := 0
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			hidden := strings.HasPrefix(d.Name(), ".") && p != dir
			if d.IsDir() {
				if p != dir && (!recursive || hidden) {
					return filepath.SkipDir
				}
				return nil
			}
			if hidden || filepath.Ext(p) != ".hcl" {
				return nil
			}
			found++
			abs, err := filepath.Abs(p)
			if err != nil {
				return err
			}
			if !seen[abs] {
				seen[abs] = true
				paths = append(paths, p)
			}
			return nil
		})
		if err != nil {
			return nil, runtimeErrorf("fmt: list %s: %v", dir, err)
		}
		if found == 0 {
			where := dir
			if recursive {
				where += " or its subfolders"
			}
			return nil, usageErrorf("fmt: no *.hcl files in %s", where)
		}
	}
	return paths, nil
}
