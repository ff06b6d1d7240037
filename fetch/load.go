package fetch

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/dataset"
)

// Store serves the records of one cohort: a snapshot.Snapshot offline, the
// Client online. users is nil for a list cohort; for a per-player cohort it
// holds the ids to look up (possibly none).
type Store interface {
	Cohort(ctx context.Context, c *config.Cohort, users []string) ([]map[string]any, error)
}

// Refiner applies a cohort's where expression to its records, keeping those
// for which it holds. The engine provides it, since where is Rego.
type Refiner func(ctx context.Context, c *config.Cohort, records []map[string]any) ([]map[string]any, error)

// Load loads the cohorts named in need and, transitively, the cohorts they
// take their users from, and returns them in cfg.Cohorts order. A cohort that
// cannot be loaded has Err set (naming the cohort) and nil Records; a
// cohort whose users cohort failed fails too. Names in need that cfg does not
// declare come last, each with an error.
func Load(ctx context.Context, cfg *config.Config, store Store, need []string, refine Refiner) []Cohort {
	var out []Cohort
	loaded := make(map[string]Cohort, len(need))
	failures := make(map[string]error, len(need)) // unwrapped, to quote in dependents
	for _, c := range cfg.Closure(need) {
		result := Cohort{Name: c.Name, Source: c.Source, Dataset: c.Dataset}
		records, err := loadCohort(ctx, c, store, refine, loaded, failures)
		if err != nil {
			failures[c.Name] = err
			result.Err = err // Cohort.Name already says which cohort
		} else {
			result.Records = records
			loaded[c.Name] = result
		}
		out = append(out, result)
	}
	var unknown []string
	for _, name := range need {
		if cfg.Cohort(name) == nil {
			unknown = append(unknown, name)
		}
	}
	slices.Sort(unknown)
	for _, name := range slices.Compact(unknown) {
		out = append(out, Cohort{Name: name, Err: errors.New("not declared")})
	}
	return out
}

// loadCohort loads one cohort whose users cohort, if any, is already in
// loaded or failures.
func loadCohort(ctx context.Context, c *config.Cohort, store Store, refine Refiner,
	loaded map[string]Cohort, failures map[string]error) ([]map[string]any, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	users := c.Users
	if c.UsersCohort != "" {
		if err, failed := failures[c.UsersCohort]; failed {
			return nil, fmt.Errorf("users cohort %q: %w", c.UsersCohort, err)
		}
		dep, ok := loaded[c.UsersCohort]
		if !ok {
			return nil, fmt.Errorf("users cohort %q: not declared before it is used", c.UsersCohort)
		}
		var err error
		if users, err = subjects(dep); err != nil {
			return nil, fmt.Errorf("users cohort %q: %w", c.UsersCohort, err)
		}
	}
	records, err := store.Cohort(ctx, c, users)
	if err != nil {
		return nil, err
	}
	if c.Where != "" {
		if refine == nil {
			return nil, errors.New("it has a where expression and nothing to evaluate it")
		}
		if records, err = refine(ctx, c, records); err != nil {
			return nil, fmt.Errorf("where: %w", err)
		}
	}
	if records == nil {
		// Policies see [] rather than null for an empty cohort.
		records = []map[string]any{}
	}
	return records, nil
}

// subjects returns the distinct player ids of a cohort's records, sorted,
// and never nil: an empty users cohort means a per-player cohort of no one.
func subjects(c Cohort) ([]string, error) {
	info, ok := dataset.Lookup(c.Dataset)
	if !ok {
		return nil, fmt.Errorf("unknown dataset %q", c.Dataset)
	}
	ids := make([]string, 0, len(c.Records))
	for _, r := range c.Records {
		if id := info.Subject(r); id != "" {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}
