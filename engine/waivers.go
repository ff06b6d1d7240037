package engine

import (
	"time"

	"github.com/gpaudit/gpaudit/config"
)

// Waiver statuses.
const (
	// WaiverActive matched at least one finding and waives it.
	WaiverActive = "active"
	// WaiverUnused matched no finding: it is stale and can be removed.
	WaiverUnused = "unused"
	// WaiverExpired is past its expiry: the findings it names count again.
	WaiverExpired = "expired"
)

// WaiverResult says what one waiver did in a run.
type WaiverResult struct {
	Name    string
	Check   string
	Owner   string
	Reason  string
	Expires time.Time
	Status  string // WaiverActive, WaiverUnused or WaiverExpired
	// Matched counts the findings the waiver names: waived while it is
	// active, counting again once it has expired.
	Matched int
}

// Waive holds the deny findings of r against waivers at r's clock. A finding
// is waived when a waiver of its check names its subject, its record id or
// its id and has not expired; WaivedBy names the first such waiver in
// declaration order. Warnings are never waived. A failing check whose
// findings are all waived passes. Waive lists every waiver in r.Waivers,
// so that a report shows the stale and expired ones as well.
func (r *Results) Waive(waivers []*config.Waiver) {
	r.Waivers = make([]WaiverResult, 0, len(waivers))
	for _, w := range waivers {
		r.Waivers = append(r.Waivers, WaiverResult{
			Name: w.Name, Check: w.Check, Owner: w.Owner, Reason: w.Reason,
			Expires: w.Expires.UTC(), Status: WaiverUnused,
		})
	}
	// Each check's waivers with their ids as sets: a cohort of a million
	// records may give as many findings, and a waiver may name many players.
	byCheck := map[string][]waiverSets{}
	for i, w := range waivers {
		byCheck[w.Check] = append(byCheck[w.Check], waiverSets{
			index: i, name: w.Name, expired: r.AsOf.After(w.Expires),
			subjects: set(w.Subjects), records: set(w.Records), findings: set(w.Findings),
		})
	}
	for ci := range r.Checks {
		c := &r.Checks[ci]
		ws := byCheck[c.Name]
		if len(ws) == 0 {
			continue
		}
		for fi := range c.Findings {
			f := &c.Findings[fi]
			for _, w := range ws {
				if !w.names(f) {
					continue
				}
				r.Waivers[w.index].Matched++
				if w.expired {
					continue
				}
				r.Waivers[w.index].Status = WaiverActive
				if f.WaivedBy == "" {
					f.WaivedBy = w.name
				}
			}
		}
		if c.Status == StatusFail && c.Counting() == 0 {
			c.Status = StatusPass
		}
	}
	for _, ws := range byCheck {
		for _, w := range ws {
			if w.expired {
				r.Waivers[w.index].Status = WaiverExpired
			}
		}
	}
}

// waiverSets is a waiver prepared for matching.
type waiverSets struct {
	index                       int // in Results.Waivers
	name                        string
	expired                     bool
	subjects, records, findings map[string]bool
}

// names reports whether the waiver names finding f. An empty subject or
// record id names nothing: the configuration rejects empty ids.
func (w waiverSets) names(f *Finding) bool {
	return w.subjects[f.Subject] || w.records[f.RecordID] || w.findings[f.ID]
}

func set(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		if id != "" {
			m[id] = true
		}
	}
	return m
}

// Counting is how many of the check's deny findings are not waived.
func (c *CheckResult) Counting() int {
	n := 0
	for _, f := range c.Findings {
		if f.WaivedBy == "" {
			n++
		}
	}
	return n
}

// FailsRun reports whether the check counts as failing for the exit code:
// it fails, and, under a baseline, one of its findings that is not waived is
// new. Its status stays fail either way.
func (c *CheckResult) FailsRun(baseline bool) bool {
	if c.Status != StatusFail {
		return false
	}
	if !baseline {
		return true
	}
	for _, f := range c.Findings {
		if f.WaivedBy == "" && f.Baseline == BaselineNew {
			return true
		}
	}
	return false
}
