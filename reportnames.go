package main

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/engine"
)

// configFolder names the configuration folder dir as JUnit classnames show
// it (SPEC.md, Reports): its path relative to the working directory, with
// slashes ("examples/quickstart"), or the working directory's own name when
// dir is it. A folder outside the working directory is named by its
// absolute path without the leading slash ("/srv/audit" gives "srv/audit"),
// since ".." parts would name different folders alike. It is "" when the
// working directory cannot be found, and classnames then leave it out.
func configFolder(dir string) string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	return folderName(dir, wd)
}

// folderName is configFolder with the working directory wd given.
func folderName(dir, wd string) string {
	abs := dir
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(wd, dir)
	}
	abs = filepath.Clean(abs)
	rel, err := filepath.Rel(wd, abs)
	switch {
	case err == nil && rel == ".":
		rel = filepath.Base(abs)
	case err != nil || !filepath.IsLocal(rel):
		rel = strings.TrimPrefix(abs, filepath.VolumeName(abs))
	}
	return strings.Trim(filepath.ToSlash(rel), "/")
}

// explainSkips gives each check the run skipped the reason why, for the
// reports to show: which of --check and --tag left it out.
func explainSkips(res *engine.Results, checks []*config.Check, names, tags []string) {
	byName := make(map[string]*config.Check, len(checks))
	for _, ch := range checks {
		byName[ch.Name] = ch
	}
	for i := range res.Checks {
		c := &res.Checks[i]
		if ch := byName[c.Name]; ch != nil && c.Status == engine.StatusSkip && c.Error == "" {
			c.Error = config.Deselected(ch, names, tags)
		}
	}
}
