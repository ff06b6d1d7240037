package engine

import (
	"fmt"
	"hash/fnv"
	"runtime"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"

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
// shared out the same way on every run.
func partitions(c *fetch.Cohort, count int, fields []string) ([][]int, error) {
	n := (count + recordPart - 1) / recordPart
	parts := make([][]int, n)
	values := make([]string, len(fields))
	h := fnv.New64a()
	for i := range count {
		if err := fieldStrings(c, i, fields, values); err != nil {
			return nil, fmt.Errorf("record %d: %w", i, err)
		}
		h.Reset()
		for _, v := range values {
			h.Write([]byte(v))
			h.Write([]byte{0})
		}
		p := h.Sum64() % uint64(n)
		parts[p] = append(parts[p], i)
	}
	return parts, nil
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

// pickValue converts the records of c at the indexes given, in order.
func pickValue(c *fetch.Cohort, indexes []int) (ast.Value, error) {
	at := func(i int) int { return indexes[i] }
	if c.Lines != nil {
		return convertAt(len(indexes), at, func() func(int) (ast.Value, error) {
			var d snapshot.LineDecoder
			return func(i int) (ast.Value, error) { return d.Value(c.Lines[indexes[i]]) }
		})
	}
	return convertAt(len(indexes), at, func() func(int) (ast.Value, error) {
		return func(i int) (ast.Value, error) { return ast.InterfaceToValue(c.Records[indexes[i]]) }
	})
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
	v, err := pickValue(w.cohort, picked)
	if err != nil {
		return nil, err
	}
	return ast.NewTerm(v), nil
}

// inParts evaluates policy p over parts of a cohort, as many at once as
// there are CPUs, each converted to OPA values by value(i) only for its own
// evaluation, and joins what they found. The random built-ins of part i
// draw from the stream of "check NAME part i". The error is the first
// part's that fails.
func inParts(n int, value func(i int) (ast.Value, error), eval func(i int, records *ast.Term) (outcome, error)) (outcome, error) {
	found := make([]outcome, n)
	errs := make([]error, n)
	workers := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	for i := range n {
		workers <- struct{}{}
		wg.Go(func() {
			defer func() { <-workers }()
			v, err := value(i)
			if err != nil {
				errs[i] = err
				return
			}
			found[i], errs[i] = eval(i, ast.NewTerm(v))
		})
	}
	wg.Wait()
	var out outcome
	for i := range found {
		if errs[i] != nil {
			return outcome{}, errs[i]
		}
		out.deny = append(out.deny, found[i].deny...)
		out.warn = append(out.warn, found[i].warn...)
	}
	return out, nil
}
