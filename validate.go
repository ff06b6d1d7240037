package main

import (
	"context"
	"fmt"

	"github.com/gpaudit/gpaudit/english"
)

func runValidate(ctx context.Context, name string, args []string, e *env) error {
	var cf configFlags
	fs := newFlagSet(name, "validate [flags] [DIR]", e)
	cf.register(fs)
	dir, done, err := parseFlags(fs, args)
	if err != nil || done {
		return err
	}
	ld, err := loadConfig(ctx, dir, &cf, e)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "The configuration in %s is valid: %s, %s, %s.\n", dir,
		english.Plural(len(ld.cfg.Sources), "source"), english.Plural(len(ld.cfg.Cohorts), "cohort"), english.Plural(len(ld.cfg.Checks), "check"))
	return nil
}
