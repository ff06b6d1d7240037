package config

import (
	"errors"
	"fmt"
	"maps"
	"slices"
)

// The questions a run asks of the configuration's graph of checks, cohorts
// and sources: which checks to evaluate, which cohorts they read, which
// cohorts and sources those need in turn. main asks them; answering them
// here keeps the wiring short and the answers testable without a command.

// Select turns --check names and --tag values into the checks a run
// evaluates. With neither every check runs; with both a check must match
// one of each. A name or tag that matches no check, or a pair that selects
// nothing, is an error: a run that evaluates nothing would read as a pass.
func (c *Config) Select(names, tags []string) (func(*Check) bool, error) {
	for _, n := range names {
		if !slices.ContainsFunc(c.Checks, func(ch *Check) bool { return ch.Name == n }) {
			return nil, fmt.Errorf("--check %q: no check of that name is declared", n)
		}
	}
	for _, t := range tags {
		if !slices.ContainsFunc(c.Checks, func(ch *Check) bool { return slices.Contains(ch.Tags, t) }) {
			return nil, fmt.Errorf("--tag %q: no check has that tag", t)
		}
	}
	selected := func(ch *Check) bool { return Deselected(ch, names, tags) == "" }
	if !slices.ContainsFunc(c.Checks, selected) {
		if len(c.Checks) == 0 {
			return nil, errors.New("no check is declared, so there is nothing to evaluate")
		}
		return nil, errors.New("--check and --tag together select no check")
	}
	return selected, nil
}

// Deselected says why --check names and --tag values leave ch out of a run
// ("deselected by --check", "deselected by --tag"), or "" when they select
// it, as Select does. Reports give it as the reason a check was skipped.
func Deselected(ch *Check, names, tags []string) string {
	if len(names) > 0 && !slices.Contains(names, ch.Name) {
		return "deselected by --check"
	}
	if len(tags) > 0 && !slices.ContainsFunc(ch.Tags, func(t string) bool { return slices.Contains(tags, t) }) {
		return "deselected by --tag"
	}
	return ""
}

// CohortsRead names the cohorts the selected checks read, each check's own
// cohort and then its with cohorts by key, in first-seen order. A nil
// selected means every check.
func (c *Config) CohortsRead(selected func(*Check) bool) []string {
	var need []string
	add := func(n string) {
		if !slices.Contains(need, n) {
			need = append(need, n)
		}
	}
	for _, ch := range c.Checks {
		if selected != nil && !selected(ch) {
			continue
		}
		add(ch.Cohort)
		for _, k := range slices.Sorted(maps.Keys(ch.With)) {
			add(ch.With[k])
		}
	}
	return need
}

// Closure returns the cohorts named in need and, transitively, the cohorts
// they take their users from, in c.Cohorts order (which puts a users cohort
// before the cohorts that read it). Names c does not declare are left out.
func (c *Config) Closure(need []string) []*Cohort {
	wanted := make(map[string]bool, len(need))
	for queue := slices.Clone(need); len(queue) > 0; {
		name := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if wanted[name] {
			continue
		}
		wanted[name] = true
		if co := c.Cohort(name); co != nil && co.UsersCohort != "" {
			queue = append(queue, co.UsersCohort)
		}
	}
	var out []*Cohort
	for _, co := range c.Cohorts {
		if wanted[co.Name] {
			out = append(out, co)
		}
	}
	return out
}

// SourcesFor lists, in declaration order, the sources that loading the
// cohorts in need reads: theirs and those of the cohorts they take their
// users from. Only these need credentials.
func (c *Config) SourcesFor(need []string) []*Source {
	used := map[string]bool{}
	for _, co := range c.Closure(need) {
		used[co.Source] = true
	}
	var out []*Source
	for _, s := range c.Sources {
		if used[s.ID()] {
			out = append(out, s)
		}
	}
	return out
}

// UsedBy names what reads the cohort called name: checks ("check NAME"),
// checks through with ("check NAME (with KEY)") and cohorts that take their
// users from it ("cohort NAME (users)").
func (c *Config) UsedBy(name string) []string {
	var out []string
	for _, ch := range c.Checks {
		if ch.Cohort == name {
			out = append(out, "check "+ch.Name)
		}
		for _, k := range slices.Sorted(maps.Keys(ch.With)) {
			if ch.With[k] == name {
				out = append(out, fmt.Sprintf("check %s (with %s)", ch.Name, k))
			}
		}
	}
	for _, co := range c.Cohorts {
		if co.UsersCohort == name {
			out = append(out, fmt.Sprintf("cohort %s (users)", co.Name))
		}
	}
	return out
}
