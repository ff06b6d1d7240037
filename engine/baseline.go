package engine

import (
	"cmp"
	"slices"
	"strings"
)

// A finding's standing against a baseline.
const (
	// BaselineNew is a finding the baseline does not hold under its check.
	BaselineNew = "new"
	// BaselineExisting is a finding the baseline holds under its check.
	BaselineExisting = "existing"
)

// Baseline is what an earlier run found: the deny findings of each check,
// by check name.
type Baseline map[string][]Resolved

// Resolved is a finding an earlier run reported, known by its id. It holds
// no message: the earlier report's messages may have been written with
// personal data shown, and this run's report must not carry it.
type Resolved struct {
	ID       string
	Subject  string
	RecordID string
}

// CompareBaseline marks each deny finding of r new or existing against b,
// and lists under each check that ran (pass or fail) the findings of b that
// it no longer reports, by subject, record id and id. A check that was
// skipped or errored resolves nothing: what it would find is not known.
func (r *Results) CompareBaseline(b Baseline) {
	r.Baseline = true
	for ci := range r.Checks {
		c := &r.Checks[ci]
		c.Resolved = []Resolved{}
		before := make(map[string]bool, len(b[c.Name]))
		for _, p := range b[c.Name] {
			before[p.ID] = true
		}
		now := make(map[string]bool, len(c.Findings))
		for fi := range c.Findings {
			f := &c.Findings[fi]
			now[f.ID] = true
			f.Baseline = BaselineNew
			if before[f.ID] {
				f.Baseline = BaselineExisting
			}
		}
		if c.Status != StatusPass && c.Status != StatusFail {
			continue
		}
		for _, p := range b[c.Name] {
			if !now[p.ID] {
				now[p.ID] = true // a baseline that lists an id twice resolves it once
				c.Resolved = append(c.Resolved, p)
			}
		}
		slices.SortFunc(c.Resolved, func(a, b Resolved) int {
			return cmp.Or(strings.Compare(a.Subject, b.Subject), strings.Compare(a.RecordID, b.RecordID), strings.Compare(a.ID, b.ID))
		})
	}
}
