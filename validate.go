package main

import (
	"context"
	"fmt"
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
		plural(len(ld.cfg.Sources), "source"), plural(len(ld.cfg.Cohorts), "cohort"), plural(len(ld.cfg.Checks), "check"))
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
