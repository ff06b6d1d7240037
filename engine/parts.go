package engine

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/fetch"
	"github.com/gpaudit/gpaudit/snapshot"
)

// A big cohort is evaluated in parts when its policy allows it, so that it
// never exists whole as OPA values: a million linkings cost 1.3 GB so, and
// their JSON text a fifth of that. This file shares a cohort out into
// parts and picks out the records of a with cohort that a policy joins to
// its own.

// joins reports whether the policy declares a join for the with key.
func (p *policy) joins(key string) bool {
	_, ok := p.info.Joins[key]
	return ok
}

// partitions shares the records of c out into parts of about recordPart
// records by the fields a policy's findings depend on
// (Policy.PartitionBy): records that agree on every field are in one part.
// A field's value is its string, or "" when it is missing or not a string,
// so that "", null and a number fall together, as a policy that reads the
// field with a default would take them. The hash is fixed, so a cohort is
// shared out the same way on every run. Records whose partition holds
// fewer than least records are left out (Policy.PartitionMin). A
// partition is counted by the hash of its values, so two partitions whose
// values share a hash are counted together: their records may be kept
// when they could be left out, never left out wrongly. There is always
// one part, empty when every record is left out, so that a finding of the
// params alone is still made.
func partitions(c *fetch.Cohort, count int, fields []string, least float64) ([][]int, error) {
	hashes := make([]uint64, count)
	values := make([]string, len(fields))
	for i := range count {
		if err := fieldStrings(c, i, fields, values); err != nil {
			return nil, fmt.Errorf("record %d: %w", i, err)
		}
		hashes[i] = fnv64a(values)
	}
	kept := count
	var sizes map[uint64]int
	if least > 1 {
		sizes = make(map[uint64]int, count)
		for _, h := range hashes {
			sizes[h]++
		}
		kept = 0
		for _, n := range sizes {
			if float64(n) >= least {
				kept += n
			}
		}
	}
	n := max(1, (kept+recordPart-1)/recordPart)
	parts := make([][]int, n)
	for i, h := range hashes {
		if sizes != nil && float64(sizes[h]) < least {
			continue
		}
		p := h % uint64(n)
		parts[p] = append(parts[p], i)
	}
	return parts, nil
}

// fnv64a is the 64-bit FNV-1a hash of values, each ended by a zero byte.
func fnv64a(values []string) uint64 {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h := uint64(offset)
	for _, v := range values {
		for i := 0; i < len(v); i++ {
			h = (h ^ uint64(v[i])) * prime
		}
		h *= prime // the zero byte
	}
	return h
}

// fieldStrings reads the top-level fields of record i of c into out, as
// snapshot.LineStrings does for a line.
func fieldStrings(c *fetch.Cohort, i int, fields, out []string) error {
	if c.Lines != nil {
		return snapshot.LineStrings(c.Lines[i], fields, out)
	}
	for j, f := range fields {
		out[j], _ = c.Records[i][f].(string)
	}
	return nil
}

// pickValue converts the records of c at the indexes given, in order, with
// only the top-level fields keep (every field when nil).
func pickValue(c *fetch.Cohort, indexes []int, keep []string) (ast.Value, error) {
	return convertRecords(c, len(indexes), func(i int) int { return indexes[i] }, keep)
}

// kept is the top-level fields the records of a unit's parts keep: those
// its policies declare they read (custom.fields), with the fields the
// parts are shared out by and those their joins match with cohorts on;
// nil, every field, when one declares none.
func kept(pcs []*prepared, partitionBy []string) []string {
	var out []string
	for _, pc := range pcs {
		if pc.p.info.Fields == nil {
			return nil
		}
		out = append(out, pc.p.info.Fields...)
		for _, j := range pc.p.info.Joins {
			out = append(out, j.To)
		}
	}
	out = append(out, partitionBy...)
	slices.Sort(out)
	return slices.Compact(out)
}

// joinKeys gives the non-empty string values of field among the records of
// l, read from its value when it is read whole (its lines may be gone) and
// from its records otherwise.
func joinKeys(l *loadedCohort, field string) (map[string]bool, error) {
	keys := map[string]bool{}
	if l.whole || l.count <= recordPart {
		v, err := l.records()
		if err != nil {
			return nil, err
		}
		key := ast.StringTerm(field)
		arr, _ := v.Value.(*ast.Array)
		if arr == nil {
			return keys, nil
		}
		arr.Foreach(func(t *ast.Term) {
			if obj, ok := t.Value.(ast.Object); ok {
				if s, ok := obj.Get(key).Value.(ast.String); ok && s != "" {
					keys[string(s)] = true
				}
			}
		})
		return keys, nil
	}
	out := make([]string, 1)
	for i := range l.count {
		if err := fieldStrings(l.cohort, i, []string{field}, out); err != nil {
			return nil, fmt.Errorf("record %d: %w", i, err)
		}
		if out[0] != "" {
			keys[out[0]] = true
		}
	}
	return keys, nil
}

// joined gives the records of the with cohort w whose field j.Field is one
// of keys, in their order.
func joined(w *loadedCohort, j Join, keys map[string]bool) (*ast.Term, error) {
	var picked []int
	out := make([]string, 1)
	fields := []string{j.Field}
	for i := range w.count {
		if err := fieldStrings(w.cohort, i, fields, out); err != nil {
			return nil, fmt.Errorf("record %d: %w", i, err)
		}
		if keys[out[0]] {
			picked = append(picked, i)
		}
	}
	v, err := pickValue(w.cohort, picked, nil)
	if err != nil {
		return nil, err
	}
	return ast.NewTerm(v), nil
}

// evalParts evaluates checks over parts of their one cohort, as many parts
// at once as there are CPUs: runs of recordPart records, or with fields the
// partitions of the cohort by them. Each part is converted to OPA values
// once, for every check, and only while it is evaluated. The checks must be
// partwise, and partitioned by fields, if at all; per-record checks can be
// evaluated over any parts. What a check found is joined over the parts;
// its error is the first part's that fails. The random built-ins of part i
// draw from the stream of "check NAME part i".
func evalParts(ctx context.Context, pcs []*prepared, fields []string, clock clock) ([]outcome, []error) {
	l := pcs[0].cohort
	c, count := l.cohort, l.count
	fail := func(err error) ([]outcome, []error) {
		out, outErrs := make([]outcome, len(pcs)), make([]error, len(pcs))
		for k := range outErrs {
			outErrs[k] = err
		}
		return out, outErrs
	}
	n := (count + recordPart - 1) / recordPart
	keep := kept(pcs, fields)
	value := func(i int) (ast.Value, error) {
		lo := i * recordPart
		return partValue(c, lo, min(count, lo+recordPart), keep)
	}
	if fields != nil {
		// The records every check of the unit may need: those of
		// partitions of at least the smallest partition_min.
		least := pcs[0].partitionMin
		for _, pc := range pcs {
			least = min(least, pc.partitionMin)
		}
		parts, err := partitions(c, count, fields, least)
		if err != nil {
			return fail(fmt.Errorf("cohort %s: %v", c.Name, err))
		}
		n = len(parts)
		value = func(i int) (ast.Value, error) { return pickValue(c, parts[i], keep) }
	}
	found := make([][]outcome, len(pcs))
	errs := make([][]error, len(pcs))
	for k := range pcs {
		found[k], errs[k] = make([]outcome, n), make([]error, n)
	}
	workers := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	for i := range n {
		workers <- struct{}{}
		wg.Go(func() {
			defer func() { <-workers }()
			v, err := value(i)
			if err != nil {
				for k := range pcs {
					errs[k][i] = fmt.Errorf("cohort %s: %v", c.Name, err)
				}
				return
			}
			records := ast.NewTerm(v)
			for k, pc := range pcs {
				found[k][i], errs[k][i] = evaluate(ctx, pc.p, pc.input(records), clock.time,
					clock.seed(fmt.Sprintf("check %s part %d", pc.cr.Name, i)))
			}
		})
	}
	wg.Wait()
	out, outErrs := make([]outcome, len(pcs)), make([]error, len(pcs))
	for k := range pcs {
		for i := range n {
			if errs[k][i] != nil {
				outErrs[k] = errs[k][i]
				break
			}
			out[k].deny = append(out[k].deny, found[k][i].deny...)
			out[k].warn = append(out[k].warn, found[k][i].warn...)
		}
	}
	return out, outErrs
}

// unit is checks evaluated together: one check, or checks over the same
// parts of one cohort, partitioned by fields (nil for runs of records).
type unit struct {
	checks []int
	fields []string
	// leavesOut is set when a policy of the unit declares a
	// partition_min. A per-record check joining it would make the unit
	// keep every record, and lose what leaving them out saves; it has
	// parts of its own instead. It goes by the declaration, not by the
	// number a check's params give, which is known only later.
	leavesOut bool
}

// units groups the checks into units of work: the partwise checks of one
// cohort partitioned by the same fields share a unit, and its per-record
// checks join the first such unit that leaves no record out (any parts
// serve them), or share one of their own; every other check is a unit
// alone.
func (e *Engine) units(checks []*config.Check, loaded map[string]*loadedCohort, selected func(*config.Check) bool) []unit {
	var units []unit
	shared := map[string]int{} // cohort and fields → unit
	var partitioned []int      // the partitioned units, in order
	var perRecord []int
	for i, chk := range checks {
		p, ok := e.policies[chk.Policy]
		l, loadedOK := loaded[chk.Cohort]
		if selected != nil && !selected(chk) || !ok || !loadedOK || l.cohort.Err != nil || !partwise(p, l) {
			units = append(units, unit{checks: []int{i}})
			continue
		}
		if p.info.PerRecord {
			perRecord = append(perRecord, i)
			continue
		}
		key := chk.Cohort + "\x00" + strings.Join(p.info.PartitionBy, "\x00")
		u, ok := shared[key]
		if !ok {
			u = len(units)
			units = append(units, unit{fields: p.info.PartitionBy})
			shared[key] = u
			partitioned = append(partitioned, u)
		}
		units[u].checks = append(units[u].checks, i)
		if p.info.leavesOut() {
			units[u].leavesOut = true
		}
	}
	hosts := map[string]int{} // cohort → the unit its per-record checks join
	for _, u := range partitioned {
		name := checks[units[u].checks[0]].Cohort
		if _, ok := hosts[name]; !ok && !units[u].leavesOut {
			hosts[name] = u
		}
	}
	for _, i := range perRecord {
		name := checks[i].Cohort
		u, ok := hosts[name]
		if !ok {
			u = len(units)
			units = append(units, unit{})
			hosts[name] = u
		}
		units[u].checks = append(units[u].checks, i)
	}
	// The checks of a unit in the order given, so that its results are
	// the same whichever check joined it first.
	for _, u := range units {
		slices.Sort(u.checks)
	}
	return units
}

// runShared evaluates the checks of a unit over the same parts, and gives
// their results in the unit's order.
func (e *Engine) runShared(ctx context.Context, checks []*config.Check, u unit, loaded map[string]*loadedCohort, clock clock, selected func(*config.Check) bool) []CheckResult {
	out := make([]CheckResult, len(u.checks))
	var ready []*prepared
	var at []int
	for k, i := range u.checks {
		pc := e.prepare(ctx, checks[i], loaded, clock, selected)
		if pc.done {
			out[k] = pc.cr
			continue
		}
		ready, at = append(ready, pc), append(at, k)
	}
	if len(ready) == 0 {
		return out
	}
	found, errs := evalParts(ctx, ready, u.fields, clock)
	for j, pc := range ready {
		out[at[j]] = pc.finish(found[j], errs[j])
	}
	return out
}

// partwise reports whether p is evaluated over parts of l: a per-record or
// partitioned policy over a big cohort that no check reads whole.
func partwise(p *policy, l *loadedCohort) bool {
	return (p.info.PerRecord || p.info.PartitionBy != nil) && !l.whole && l.count > recordPart
}
