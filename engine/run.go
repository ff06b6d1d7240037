package engine

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/fetch"
	"github.com/gpaudit/gpaudit/snapshot"
)

// Run evaluates each check over its cohort with now as the clock and returns
// the results in the order given. A check that selected rejects is skipped
// (a nil selected selects every check). A check whose cohorts are missing or
// failed to load, whose policy is unknown, fails at run time or returns
// malformed findings has status error; the other checks still run. Policies
// see now as time.now_ns(), and their random built-ins (rand.intn,
// uuid.rfc4122) draw from a stream seeded by now and the check's name, so
// the same inputs give the same results.
//
// Run takes the cohorts' records: once a cohort's records are converted for
// evaluation, its Records (or Lines) in cohorts become nil, so that they are
// not held twice. Pass a copy (slices.Clone) to keep them.
func (e *Engine) Run(ctx context.Context, checks []*config.Check, cohorts []fetch.Cohort, now time.Time, selected func(*config.Check) bool) *Results {
	res := &Results{
		AsOf:     now,
		ShowsPII: e.showPII,
		Cohorts:  make([]CohortResult, 0, len(cohorts)),
		Checks:   make([]CheckResult, len(checks)),
	}
	loaded := map[string]*loadedCohort{}
	for i := range cohorts {
		c := &cohorts[i]
		cr := CohortResult{
			Name: c.Name, Source: c.Source, Dataset: c.Dataset, Status: CohortOK,
			Via: c.Stats.Via, Requests: c.Stats.Requests, Retries: c.Stats.Retries, Verified: c.Stats.Verified,
		}
		switch {
		case c.Unused:
			cr.Status = CohortUnused
		case c.Err != nil:
			cr.Status, cr.Error = CohortError, e.privateText(c.Err.Error())
		default:
			cr.Records = size(c)
		}
		res.Cohorts = append(res.Cohorts, cr)
		if c.Unused {
			continue // a check reading it finds it "not loaded": never empty
		}
		if _, dup := loaded[c.Name]; !dup {
			loaded[c.Name] = &loadedCohort{cohort: c, count: size(c)}
		}
	}
	e.markWhole(checks, loaded, selected)
	clock := newClock(now)
	// Checks are evaluated at the same time, as many as there are CPUs to
	// run them; each writes only its own slot, so the order stays the
	// order given. Those over the most records start first, so that a long
	// one does not start last and run alone while the other CPUs are idle.
	// Checks evaluated over the same parts of a cohort are one unit of
	// work, so that each part is converted once for all of them.
	units := e.units(checks, loaded, selected)
	records := make([]int, len(units))
	for u, unit := range units {
		if l, ok := loaded[checks[unit.checks[0]].Cohort]; ok {
			records[u] = l.count
		}
	}
	order := make([]int, len(units))
	for u := range order {
		order[u] = u
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(records[b], records[a]) })
	workers := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	for _, u := range order {
		workers <- struct{}{}
		wg.Go(func() {
			defer func() { <-workers }()
			unit := units[u]
			if len(unit.checks) == 1 {
				i := unit.checks[0]
				res.Checks[i] = e.private(e.runCheck(ctx, checks[i], loaded, clock, selected))
				return
			}
			for k, r := range e.runShared(ctx, checks, unit, loaded, clock, selected) {
				res.Checks[unit.checks[k]] = e.private(r)
			}
		})
	}
	wg.Wait()
	return res
}

// loadedCohort converts a cohort's records to an AST value once, on first
// use, and shares it with every check that reads the cohort, whichever
// asks first.
type loadedCohort struct {
	cohort *fetch.Cohort
	count  int // len(cohort.Records) before they are dropped
	// whole is set when some selected check reads the cohort whole: as the
	// cohort of a policy that is not per record, or in a with. Otherwise
	// its per-record checks convert it part by part and keep the records.
	whole bool
	once  sync.Once
	value *ast.Term
	err   error
}

// records converts the cohort's records and then drops them from the
// cohort, so that a million records are not held twice: as Go maps and as
// OPA values.
func (l *loadedCohort) records() (*ast.Term, error) {
	l.once.Do(func() {
		v, err := partValue(l.cohort, 0, l.count, nil)
		l.value, l.err = ast.NewTerm(v), err
		l.cohort.Records, l.cohort.Lines = nil, nil
	})
	return l.value, l.err
}

// markWhole marks the cohorts that some selected check reads whole.
func (e *Engine) markWhole(checks []*config.Check, loaded map[string]*loadedCohort, selected func(*config.Check) bool) {
	mark := func(name string) {
		if l, ok := loaded[name]; ok {
			l.whole = true
		}
	}
	for _, chk := range checks {
		if selected != nil && !selected(chk) {
			continue
		}
		p, ok := e.policies[chk.Policy]
		if !ok || !p.info.PerRecord && p.info.PartitionBy == nil {
			mark(chk.Cohort)
		}
		for key, name := range chk.With {
			if !ok || !p.joins(key) {
				mark(name)
			}
		}
	}
}

// recordPart is how many records a per-record policy is evaluated over at
// once, when its cohort is not read whole. Tests lower it.
var recordPart = 20_000

// recordsValue converts every field of records one by one, as
// convertRecords does.
func recordsValue(records []map[string]any) (ast.Value, error) {
	return partValue(&fetch.Cohort{Records: records}, 0, len(records), nil)
}

// partValue converts records [lo, hi) of c, whichever form it holds them
// in, with only the top-level fields keep (every field when nil).
func partValue(c *fetch.Cohort, lo, hi int, keep []string) (ast.Value, error) {
	return convertRecords(c, hi-lo, from(lo), keep)
}

// convertRecords converts n records of c, the i-th being record at(i) of
// the cohort, with only the top-level fields keep (every field when nil),
// one by one: ast.InterfaceToValue, given the whole slice, would round-trip
// it through JSON. Every field is converted unless the policies declare the
// few they read (custom.fields): an AST array hashes its elements, so OPA's
// lazy objects would be converted whole on the spot anyway. A big cohort is
// converted in as many parts at once as there are CPUs; the error is the
// first record's that fails.
func convertRecords(c *fetch.Cohort, n int, at func(int) int, keep []string) (ast.Value, error) {
	if c.Lines != nil {
		return convertAt(n, at, func() func(int) (ast.Value, error) {
			d := snapshot.LineDecoder{Fields: keep}
			return func(i int) (ast.Value, error) { return d.Value(c.Lines[at(i)]) }
		})
	}
	return convertAt(n, at, func() func(int) (ast.Value, error) {
		return func(i int) (ast.Value, error) { return ast.InterfaceToValue(only(c.Records[at(i)], keep)) }
	})
}

// only is record with the top-level fields keep, or record itself when
// keep is nil.
func only(record map[string]any, keep []string) map[string]any {
	if keep == nil {
		return record
	}
	out := make(map[string]any, len(keep))
	for _, k := range keep {
		if v, ok := record[k]; ok {
			out[k] = v
		}
	}
	return out
}

// size is how many records c holds.
func size(c *fetch.Cohort) int { return len(c.Records) + len(c.Lines) }

// from numbers the records of a part that begins at index offset of its
// cohort.
func from(offset int) func(int) int { return func(i int) int { return offset + i } }

// convertAt converts n records in as many parts at once as there are CPUs,
// into an array: each part makes its own converter with newConvert, which
// converts record i by convert(i). The error is the first record's that
// fails, named by its index in the cohort, at(i).
func convertAt(n int, at func(int) int, newConvert func() func(i int) (ast.Value, error)) (ast.Value, error) {
	terms := make([]*ast.Term, n)
	parts := max(1, min(runtime.GOMAXPROCS(0), n/minConvertPart))
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := p*n/parts, (p+1)*n/parts
		wg.Go(func() {
			convert := newConvert()
			for i := lo; i < hi; i++ {
				v, err := convert(i)
				if err != nil {
					errs[p] = fmt.Errorf("convert record %d: %w", at(i), err)
					return
				}
				terms[i] = ast.NewTerm(v)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return ast.NewArray(terms...), nil
}

// minConvertPart is the fewest records worth a goroutine of their own.
const minConvertPart = 10_000

// clock holds the input terms of the evaluation clock, built once per run.
type clock struct {
	time  time.Time
	now   *ast.Term
	nowNS *ast.Term
}

// seed returns the randomness for one evaluation, named by what is
// evaluated ("check NAME", "where COHORT"). OPA's rand.intn, uuid.rfc4122
// and signing built-ins read crypto/rand unless given a seed, and a report
// must come out the same for the same data and clock: the stream is
// ChaCha8 keyed by the clock and the name, so it changes with --as-of and
// differs between checks, but never between runs.
func (c clock) seed(name string) io.Reader {
	key := sha256.Sum256([]byte("gpaudit seed\x00" + c.time.UTC().Format(time.RFC3339Nano) + "\x00" + name))
	return rand.NewChaCha8(key)
}

func newClock(now time.Time) clock {
	return clock{
		time:  now,
		now:   ast.StringTerm(now.UTC().Format(time.RFC3339Nano)),
		nowNS: ast.NumberTerm(json.Number(strconv.FormatInt(now.UnixNano(), 10))),
	}
}

// runCheck evaluates one check on its own.
func (e *Engine) runCheck(ctx context.Context, chk *config.Check, loaded map[string]*loadedCohort, clock clock, selected func(*config.Check) bool) CheckResult {
	pc := e.prepare(ctx, chk, loaded, clock, selected)
	if pc.done {
		return pc.cr
	}
	if pc.parts {
		found, errs := evalParts(ctx, []*prepared{pc}, pc.p.info.PartitionBy, clock)
		return pc.finish(found[0], errs[0])
	}
	found, err := evaluate(ctx, pc.p, pc.input(pc.records), clock.time, clock.seed("check "+chk.Name))
	return pc.finish(found, err)
}

// prepared is a check ready to be evaluated, or done already (skipped, or
// failed before its policy could be evaluated).
type prepared struct {
	cr     CheckResult
	done   bool
	p      *policy
	cohort *loadedCohort
	// parts is set when the policy is evaluated over parts of the cohort;
	// otherwise records is the cohort's whole value.
	parts   bool
	records *ast.Term
	// partitionMin is how few records a partition must hold to be
	// evaluated, when the check is evaluated over parts.
	partitionMin float64
	input        func(records *ast.Term) ast.Value
}

// prepare gets a check ready for evaluation: its policy, cohort, with
// cohorts and params.
func (e *Engine) prepare(ctx context.Context, chk *config.Check, loaded map[string]*loadedCohort, clock clock, selected func(*config.Check) bool) *prepared {
	pc := &prepared{}
	pc.cr = CheckResult{
		Name:     chk.Name,
		Title:    chk.Title,
		Policy:   chk.Policy,
		Cohort:   chk.Cohort,
		Severity: chk.Severity,
		Tags:     slices.Clone(chk.Tags),
		File:     chk.File,
		Line:     chk.DeclRange.Start.Line,
		Findings: []Finding{},
		Warnings: []Finding{},
	}
	cr := &pc.cr
	p, ok := e.policies[chk.Policy]
	if ok {
		// Set before the check may be skipped: a report describes every check.
		cr.Description = p.info.Description
	}
	fail := func(format string, args ...any) *prepared {
		cr.Status, cr.Error = StatusError, fmt.Sprintf(format, args...)
		pc.done = true
		return pc
	}
	if selected != nil && !selected(chk) {
		cr.Status = StatusSkip
		pc.done = true
		return pc
	}
	if !ok {
		if e.libraries[chk.Policy] {
			return fail("policy %s defines neither deny nor warn", chk.Policy)
		}
		return fail("unknown policy %s", chk.Policy)
	}
	l, err := cohortOf(loaded, chk.Cohort)
	if err != nil {
		return fail("%v", err)
	}
	pc.p, pc.cohort = p, l
	pc.parts = partwise(p, l)
	if !pc.parts {
		if pc.records, err = cohortRecords(loaded, chk.Cohort); err != nil {
			return fail("%v", err)
		}
	}
	// with keys in sorted order, so the first failing one is always the same.
	with := ast.NewObject()
	for _, key := range slices.Sorted(maps.Keys(chk.With)) {
		v, err := withRecords(loaded, l, chk.With[key], p.info.Joins, key)
		if err != nil {
			return fail("with %s: %v", key, err)
		}
		with.Insert(ast.StringTerm(key), v)
	}
	cr.Records = l.count
	input, err := inputOf(chk, p, clock)
	if err != nil {
		return fail("%v", err)
	}
	withTerm := ast.NewTerm(with)
	pc.input = func(records *ast.Term) ast.Value { return input(records, withTerm) }
	// Evaluated whenever the policy declares it, so that a broken rule is
	// an error over a small cohort as over a big one.
	if pc.partitionMin, err = partitionMin(ctx, chk, p, input(ast.ArrayTerm(), ast.ObjectTerm()), clock); err != nil {
		return fail("%v", err)
	}
	return pc
}

// finish makes the check's result of what its evaluation found.
func (pc *prepared) finish(found outcome, err error) CheckResult {
	cr := pc.cr
	fail := func(format string, args ...any) CheckResult {
		cr.Status, cr.Error = StatusError, fmt.Sprintf(format, args...)
		return cr
	}
	if err != nil {
		return fail("%v", err)
	}
	cr.Findings, cr.Warnings = normalize(found.deny), normalize(found.warn)
	if err := identify(&cr); err != nil {
		// The findings cannot be told apart, so none can be waived or
		// held against a baseline: the policy's answer is not used.
		cr.Findings, cr.Warnings = []Finding{}, []Finding{}
		return fail("%v", err)
	}
	cr.Status = StatusPass
	if len(cr.Findings) > 0 {
		cr.Status = StatusFail
	}
	return cr
}

// outcome is what one evaluation of a policy found.
type outcome struct{ deny, warn []Finding }

// evaluate evaluates policy p once over input.
func evaluate(ctx context.Context, p *policy, input ast.Value, at time.Time, seed io.Reader) (outcome, error) {
	var out outcome
	rs, err := p.query.Eval(ctx, rego.EvalParsedInput(input), rego.EvalTime(at), rego.EvalSeed(seed))
	if err != nil {
		return out, fmt.Errorf("evaluate policy %s: %v", p.info.Name, err)
	}
	if len(rs) != 1 {
		return out, fmt.Errorf("evaluate policy %s: %d results, want 1", p.info.Name, len(rs))
	}
	if out.deny, err = findings(rs[0].Bindings["deny"]); err != nil {
		return out, fmt.Errorf("policy %s: deny %v", p.info.Name, err)
	}
	if out.warn, err = findings(rs[0].Bindings["warn"]); err != nil {
		return out, fmt.Errorf("policy %s: warn %v", p.info.Name, err)
	}
	return out, nil
}

// withRecords gives the records of the with cohort name, under key of a
// check over cohort l: the shared value, or only the records the policy
// joins to l's when it declares a join for key and no check reads the
// with cohort whole.
func withRecords(loaded map[string]*loadedCohort, l *loadedCohort, name string, joins map[string]Join, key string) (*ast.Term, error) {
	j, ok := joins[key]
	w, err := cohortOf(loaded, name)
	if !ok || err != nil || w.whole || w.count <= recordPart {
		return cohortRecords(loaded, name)
	}
	keys, err := joinKeys(l, j.To)
	if err != nil {
		return nil, fmt.Errorf("cohort %s: %v", l.cohort.Name, err)
	}
	v, err := joined(w, j, keys)
	if err != nil {
		return nil, fmt.Errorf("cohort %s: %v", name, err)
	}
	return v, nil
}

// cohortOf returns the named cohort, or why a check cannot read it.
func cohortOf(loaded map[string]*loadedCohort, name string) (*loadedCohort, error) {
	l, ok := loaded[name]
	switch {
	case !ok:
		return nil, fmt.Errorf("cohort %s was not loaded", name)
	case l.cohort.Err != nil:
		return nil, fmt.Errorf("cohort %s: %v", name, l.cohort.Err)
	}
	return l, nil
}

// cohortRecords returns the shared records value of the named cohort, or why
// it has none.
func cohortRecords(loaded map[string]*loadedCohort, name string) (*ast.Term, error) {
	l, err := cohortOf(loaded, name)
	if err != nil {
		return nil, err
	}
	v, err := l.records()
	if err != nil {
		return nil, fmt.Errorf("cohort %s: %v", name, err)
	}
	return v, nil
}

// findings normalizes the value the query bound for deny or warn: an array
// holding the rule's value, or empty when the rule is undefined.
func findings(bound any) ([]Finding, error) {
	wrapped, _ := bound.([]any)
	if len(wrapped) == 0 {
		return []Finding{}, nil
	}
	elems, ok := wrapped[0].([]any)
	if !ok {
		return nil, fmt.Errorf("is %s, not a set or an array", show(wrapped[0]))
	}
	out := make([]Finding, 0, len(elems))
	for _, el := range elems {
		f, ok := finding(el)
		if !ok {
			return nil, fmt.Errorf("an element (%s) is neither a string nor an object with a string msg (and string subject, record_id and key)", show(el))
		}
		out = append(out, f)
	}
	return out, nil
}

func finding(el any) (Finding, bool) {
	switch v := el.(type) {
	case string:
		return Finding{Message: v, Details: map[string]any{}}, true
	case map[string]any:
		msg, ok := v["msg"].(string)
		if !ok {
			return Finding{}, false
		}
		f := Finding{Message: msg, Details: make(map[string]any, len(v))}
		for k, x := range v {
			switch k {
			case "msg":
			case "subject":
				if f.Subject, ok = optionalString(x); !ok {
					return Finding{}, false
				}
			case "record_id":
				if f.RecordID, ok = optionalString(x); !ok {
					return Finding{}, false
				}
			case "key":
				if f.Key, ok = optionalString(x); !ok {
					return Finding{}, false
				}
			default:
				f.Details[k] = x
			}
		}
		return f, true
	}
	return Finding{}, false
}

// optionalString accepts null as "": a policy that copies a record's null id
// still gives a usable finding.
func optionalString(v any) (string, bool) {
	if v == nil {
		return "", true
	}
	s, ok := v.(string)
	return s, ok
}

// show renders a value a policy returned, cut short: a reason is one line,
// and a long value may hold more of a record than the reader needs.
func show(v any) string {
	// The shape, never the value: a malformed result may hold player data.
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case []any:
		return fmt.Sprintf("an array of %d", len(x))
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return fmt.Sprintf("an object with keys %s", strings.Join(keys, ", "))
	}
	return fmt.Sprintf("a %T", v)
}

func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, compareFindings)
}

// compareFindings orders findings by subject, record id and message, then
// by their key and their details as JSON (keys sorted), so that no two
// different findings tie and the order does not depend on how they were
// found.
func compareFindings(a, b Finding) int {
	if c := cmp.Or(
		strings.Compare(a.Subject, b.Subject),
		strings.Compare(a.RecordID, b.RecordID),
		strings.Compare(a.Message, b.Message),
		strings.Compare(a.Key, b.Key),
	); c != 0 {
		return c
	}
	return strings.Compare(detailsKey(a), detailsKey(b))
}

func detailsKey(f Finding) string {
	b, err := json.Marshal(f.Details)
	if err != nil {
		return ""
	}
	return string(b)
}

// normalize sorts findings and drops repeats: a policy evaluated in parts
// may find one finding in two parts, where its deny set would hold it once.
func normalize(fs []Finding) []Finding {
	if fs == nil {
		return []Finding{} // [] in JSON, not null
	}
	sortFindings(fs)
	return slices.CompactFunc(fs, func(a, b Finding) bool { return compareFindings(a, b) == 0 })
}
