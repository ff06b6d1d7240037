package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/english"
	"github.com/gpaudit/gpaudit/fetch"
)

func runPlan(ctx context.Context, name string, args []string, e *env) error {
	var (
		cf    configFlags
		ff    fetchFlags
		count bool
	)
	fs := newFlagSet(name, "plan [--count] [flags] [DIR]", e)
	fs.BoolVar(&count, "count", false, "ask each list endpoint how many records match (count requests only)")
	cf.register(fs)
	ff.register(fs)
	dir, done, err := parseFlags(fs, args)
	if err != nil || done {
		return err
	}
	if err := ff.check("plan", fs); err != nil {
		return err
	}
	ld, err := loadConfig(ctx, dir, &cf, e)
	if err != nil {
		return err
	}
	cfg := ld.cfg
	counts := map[string]int{}
	countErrs := map[string]error{}
	if count {
		var list []string
		for _, c := range cfg.Cohorts {
			if c.Users == nil && c.UsersCohort == "" {
				list = append(list, c.Name)
			}
		}
		ff.progress = "none" // a handful of requests; the plan itself is the output
		s, err := openSession("plan", cfg, list, &ff, cf.colorFor(e.stderrTTY, e), e)
		if err != nil {
			return err
		}
		countCtx, cancel := withTimeout(ctx, ff.timeout)
		for _, n := range list {
			counts[n], countErrs[n] = s.client.Count(countCtx, cfg.Cohort(n))
		}
		cancel()
		s.close()
		if err := interrupted(ctx, "plan"); err != nil {
			return err
		}
	}

	failed := false
	for i, c := range cfg.Cohorts {
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		p := fetch.PlanCohort(cfg.Source(c.Source), c, nil)
		if p.Err != nil {
			return runtimeErrorf("plan: cohort %q: %v", c.Name, p.Err)
		}
		n, err := counts[c.Name], countErrs[c.Name]
		if count && err != nil {
			failed = true
		}
		writePlan(e.stdout, cfg, c, p, count, n, err, counts)
	}
	if failed {
		return runtimeErrorf("plan: some counts failed")
	}
	return nil
}

func writePlan(w io.Writer, cfg *config.Config, c *config.Cohort, p fetch.RequestPlan, count bool, n int, countErr error, counts map[string]int) {
	fmt.Fprintf(w, "cohort %q: %s %s\n", c.Name, c.Source, c.Dataset)
	fmt.Fprintf(w, "  %s %s\n", p.Method, p.Path)
	for _, q := range p.Query {
		fmt.Fprintf(w, "    %-7s %s\n", q.Name, q.Value)
	}
	if c.Where != "" {
		fmt.Fprintf(w, "  where   %s (evaluated by gpaudit)\n", strings.Join(strings.Fields(c.Where), " "))
	}
	switch {
	case !p.PerPlayer && count && countErr != nil:
		fmt.Fprintf(w, "  count   failed: %v\n", countErr)
	case !p.PerPlayer && count:
		fmt.Fprintf(w, "  count   %s, %s and 2 counts\n", english.Plural(n, "record"), english.Plural(fetch.PageRequests(n), "page request"))
	case !p.PerPlayer:
		fmt.Fprintf(w, "  pages   of %d, until a page brings nothing new; held against the count before and after\n", fetch.PageSize)
	case p.Lookups >= 0:
		fmt.Fprintf(w, "  lookups %s, one request each\n", english.Plural(p.Lookups, "player"))
	default:
		est := ""
		if v, ok := counts[c.UsersCohort]; ok && count {
			est = fmt.Sprintf(" (at most %s)", english.Plural(v, "player"))
		}
		fmt.Fprintf(w, "  lookups one request per player of cohort %q%s\n", c.UsersCohort, est)
	}
	if used := cfg.UsedBy(c.Name); len(used) > 0 {
		fmt.Fprintf(w, "  used by %s\n", strings.Join(used, ", "))
	} else {
		fmt.Fprintf(w, "  used by no check\n")
	}
}
