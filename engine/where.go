package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/fetch"
	"github.com/gpaudit/gpaudit/snapshot"
)

// WhereError reports a cohort's where expression that does not compile, so
// the caller can point a diagnostic at the cohort's where attribute.
type WhereError struct {
	Cohort string
	// Err holds OPA's errors; their file is "cohort.NAME.where" and their
	// lines count from the first line of the expression.
	Err error
}

// Error names the cohort and lists OPA's errors.
func (e *WhereError) Error() string {
	return fmt.Sprintf("cohort %q: where: %v", e.Cohort, e.Err)
}

// Unwrap returns OPA's errors.
func (e *WhereError) Unwrap() error { return e.Err }

// WhereErrors collects the *WhereError values in an error New returned,
// by cohort name, so that each can become a diagnostic at its cohort's
// where attribute. It is empty when err holds none.
func WhereErrors(err error) map[string]error {
	out := map[string]error{}
	var walk func(error)
	walk = func(err error) {
		if we, ok := err.(*WhereError); ok {
			out[we.Cohort] = we.Err
			return
		}
		if joined, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range joined.Unwrap() {
				walk(e)
			}
		}
	}
	walk(err)
	return out
}

// where is one cohort's where expression, compiled into a rule that gives
// the indexes of the records to keep: one evaluation per cohort, not one per
// record.
type where struct {
	cohort string
	expr   string
	file   string
	module *ast.Module
	query  rego.PreparedEvalQuery
}

// parseWheres parses the where of each cohort that has one into its own
// module. Expressions that do not parse are returned as errors, by cohort.
func parseWheres(cohorts []*config.Cohort) ([]*where, map[string]ast.Errors) {
	var wheres []*where
	errs := map[string]ast.Errors{}
	for i, c := range cohorts {
		if c.Where == "" {
			continue
		}
		file := "cohort." + c.Name + ".where"
		body, err := parseWhereBody(file, c.Where)
		if err != nil {
			errs[c.Name] = asErrors(err, file)
			continue
		}
		// The package is named by position: cohort names need not be Rego
		// identifiers.
		text := fmt.Sprintf("package %s.where.c%d\n\nkeep contains gpaudit_index if {\n\tsome gpaudit_index, record in input.records\n}\n\ndecided contains gpaudit_index if {\n\tsome gpaudit_index, record in input.records\n}\n", internalRoot, i)
		m, err := ast.ParseModuleWithOpts(file, text, ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			errs[c.Name] = asErrors(err, file)
			continue
		}
		for _, expr := range body {
			m.Rules[0].Body.Append(expr)
		}
		// The same expressions as values: a record is decided when each of
		// them evaluates, to true or false. A record where one is undefined
		// (a misspelt or missing field) would otherwise just be dropped, and
		// its checks pass on data they never saw.
		if !iterates(body) {
			for i, expr := range body {
				m.Rules[1].Body.Append(valueOf(expr.Copy(), i))
			}
		}
		wheres = append(wheres, &where{cohort: c.Name, expr: c.Where, file: file, module: m})
	}
	return wheres, errs
}

// iterates reports whether a where walks a collection (some, every, or a
// reference with a variable index such as record.tags[_]). Such a where
// legitimately finds nothing for some records, so every record counts as
// decided: only the keep rule speaks.
func iterates(body ast.Body) bool {
	found := false
	ast.WalkExprs(body, func(e *ast.Expr) bool {
		switch e.Terms.(type) {
		case *ast.SomeDecl, *ast.Every:
			found = true
		}
		return found
	})
	ast.WalkRefs(body, func(r ast.Ref) bool {
		for _, t := range r[1:] {
			if _, ok := t.Value.(ast.Var); ok {
				found = true
			}
		}
		return found
	})
	return found
}

// valueOf turns a condition into an assignment of its value, so that false
// still defines the result and only undefined leaves it out. Assignments,
// negations and some/every stay as they are: they bind names or are never
// undefined.
func valueOf(expr *ast.Expr, i int) *ast.Expr {
	if expr.Negated || len(expr.With) > 0 {
		return expr
	}
	v := ast.VarTerm(fmt.Sprintf("gpaudit_value%d", i))
	switch t := expr.Terms.(type) {
	case *ast.Term:
		return ast.Assign.Expr(v, t).SetLocation(expr.Location)
	case []*ast.Term:
		op, _ := t[0].Value.(ast.Ref)
		switch {
		case op.Equal(ast.Assign.Ref()):
			return expr
		case op.Equal(ast.Equality.Ref()):
			// Unification binds a name when one side is a bare variable.
			if _, ok := t[1].Value.(ast.Var); ok {
				return expr
			}
			if _, ok := t[2].Value.(ast.Var); ok {
				return expr
			}
			return ast.Assign.Expr(v, ast.CallTerm(ast.NewTerm(ast.Equal.Ref()), t[1], t[2])).SetLocation(expr.Location)
		}
		return ast.Assign.Expr(v, ast.CallTerm(t...)).SetLocation(expr.Location)
	}
	return expr
}

// parseWhereBody parses text as a query: one or more expressions, never a
// rule, package or import, so a where can add nothing but conditions.
func parseWhereBody(file, text string) (ast.Body, error) {
	stmts, _, err := ast.ParseStatementsWithOpts(file, text, ast.ParserOptions{RegoVersion: ast.RegoV1, SkipRules: true})
	if err != nil {
		return nil, err
	}
	var body ast.Body
	for _, stmt := range stmts {
		switch s := stmt.(type) {
		case ast.Body:
			for _, expr := range s {
				body.Append(expr)
			}
		case *ast.Comment:
		default:
			return nil, ast.Errors{ast.NewError(ast.ParseErr, stmt.Loc(), "a where holds only expressions over record, not %v", stmt)}
		}
	}
	if len(body) == 0 {
		return nil, ast.Errors{ast.NewError(ast.ParseErr, &ast.Location{File: file, Row: 1, Col: 1}, "empty where expression")}
	}
	return body, nil
}

func (w *where) prepare(ctx context.Context, compiler *ast.Compiler) error {
	keep := w.module.Package.Path.Append(ast.StringTerm("keep"))
	decided := w.module.Package.Path.Append(ast.StringTerm("decided"))
	q, err := rego.New(
		rego.Compiler(compiler),
		rego.ParsedQuery(ast.NewBody(ast.NewExpr(ast.NewTerm(keep)), ast.NewExpr(ast.NewTerm(decided)))),
		rego.StrictBuiltinErrors(true),
		rego.SetRegoVersion(ast.RegoV1),
	).PrepareForEval(ctx)
	if err != nil {
		return fmt.Errorf("prepare where of cohort %q: %w", w.cohort, err)
	}
	w.query = q
	return nil
}

// WhereKeep says which records of c satisfy its where expression, given
// as Go values or as lines of JSON text (the other nil, see fetch.Cohort):
// all of them when c has none. The expression sees each record as
// `record`, and input.now and input.now_ns as the clock now. It is
// evaluated once over the whole cohort, with strict built-in errors: a
// record the expression cannot evaluate is an error, never silently
// dropped. Random built-ins are seeded by now and the cohort's name, as in
// Run. It is the engine's fetch.Refiner.
func (e *Engine) WhereKeep(ctx context.Context, c *config.Cohort, records []map[string]any, lines []string, now time.Time) ([]bool, error) {
	cohort := &fetch.Cohort{Records: records, Lines: lines}
	n := size(cohort)
	if c.Where == "" {
		keep := make([]bool, n)
		for i := range keep {
			keep[i] = true
		}
		return keep, nil
	}
	w, ok := e.wheres[c.Name]
	if !ok || w.expr != c.Where {
		return nil, fmt.Errorf("not compiled by New for cohort %q", c.Name)
	}
	recs, err := partValue(cohort, 0, n, nil)
	if err != nil {
		return nil, err
	}
	clock := newClock(now)
	input := ast.NewObject(
		ast.Item(ast.InternedTerm("records"), ast.NewTerm(recs)),
		ast.Item(ast.InternedTerm("now"), clock.now),
		ast.Item(ast.InternedTerm("now_ns"), clock.nowNS),
	)
	rs, err := w.query.Eval(ctx, rego.EvalParsedInput(input), rego.EvalTime(now), rego.EvalSeed(clock.seed("where "+c.Name)))
	if err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 2 {
		return nil, errors.New("evaluate: no result")
	}
	keep, _, err := indexSet(rs[0].Expressions[0].Value, n)
	if err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	decided, m, err := indexSet(rs[0].Expressions[1].Value, n)
	if err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	if m < n {
		first := slices.Index(decided, false)
		record := map[string]any{}
		if records != nil {
			record = records[first]
		} else if r, err := snapshot.DecodeLine(lines[first]); err == nil {
			record = r
		}
		return nil, fmt.Errorf("undefined for %d of %d records (the first is record %d%s): "+
			"a field it reads is missing or of another type; use object.get(record, \"field\", default) where a field may be absent",
			n-m, n, first+1, recordIDNote(record))
	}
	return keep, nil
}

// indexSet reads a set of record indexes from a query result.
func indexSet(v any, n int) ([]bool, int, error) {
	set := make([]bool, n)
	count := 0
	indexes, _ := v.([]any)
	for _, x := range indexes {
		num, ok := x.(json.Number)
		i, err := num.Int64()
		if !ok || err != nil || i < 0 || i >= int64(n) {
			return nil, 0, fmt.Errorf("index %v out of range", x)
		}
		if !set[i] {
			set[i] = true
			count++
		}
	}
	return set, count, nil
}

// recordIDNote names a record by its id, which is an opaque API id and never
// personal data.
func recordIDNote(r map[string]any) string {
	if id, ok := r["id"].(string); ok && id != "" {
		return fmt.Sprintf(", id %q", id)
	}
	return ""
}
