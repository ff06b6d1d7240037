package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/gpaudit/gpaudit/config"
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
		text := fmt.Sprintf("package %s.where.c%d\n\nkeep contains gpaudit_index if {\n\tsome gpaudit_index, record in input.records\n}\n", internalRoot, i)
		m, err := ast.ParseModuleWithOpts(file, text, ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			errs[c.Name] = asErrors(err, file)
			continue
		}
		for _, expr := range body {
			m.Rules[0].Body.Append(expr)
		}
		wheres = append(wheres, &where{cohort: c.Name, expr: c.Where, file: file, module: m})
	}
	return wheres, errs
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
	ref := w.module.Package.Path.Append(ast.StringTerm("keep"))
	q, err := rego.New(
		rego.Compiler(compiler),
		rego.ParsedQuery(ast.NewBody(ast.NewExpr(ast.NewTerm(ref)))),
		rego.StrictBuiltinErrors(true),
		rego.SetRegoVersion(ast.RegoV1),
	).PrepareForEval(ctx)
	if err != nil {
		return fmt.Errorf("prepare where of cohort %q: %w", w.cohort, err)
	}
	w.query = q
	return nil
}

// Where returns the records of c that satisfy its where expression, in their
// order; all of them when c has none. The expression sees each record as
// `record`, and input.now and input.now_ns as the clock now. It is evaluated
// once over the whole cohort, with strict built-in errors: a record the
// expression cannot evaluate is an error, never silently dropped.
func (e *Engine) Where(ctx context.Context, c *config.Cohort, records []map[string]any, now time.Time) ([]map[string]any, error) {
	if c.Where == "" {
		return records, nil
	}
	w, ok := e.wheres[c.Name]
	if !ok || w.expr != c.Where {
		return nil, fmt.Errorf("cohort %q: its where was not compiled by New", c.Name)
	}
	recs, err := recordsValue(records)
	if err != nil {
		return nil, fmt.Errorf("cohort %q: %w", c.Name, err)
	}
	clock := newClock(now)
	input := ast.NewObject(
		ast.Item(ast.InternedTerm("records"), ast.NewTerm(recs)),
		ast.Item(ast.InternedTerm("now"), clock.now),
		ast.Item(ast.InternedTerm("now_ns"), clock.nowNS),
	)
	rs, err := w.query.Eval(ctx, rego.EvalParsedInput(input), rego.EvalTime(now))
	if err != nil {
		return nil, fmt.Errorf("evaluate where of cohort %q: %w", c.Name, err)
	}
	keep := make([]bool, len(records))
	kept := 0
	if len(rs) > 0 && len(rs[0].Expressions) > 0 {
		indexes, _ := rs[0].Expressions[0].Value.([]any)
		for _, v := range indexes {
			n, ok := v.(json.Number)
			i, err := n.Int64()
			if !ok || err != nil || i < 0 || i >= int64(len(records)) {
				return nil, fmt.Errorf("evaluate where of cohort %q: index %v out of range", c.Name, v)
			}
			if !keep[i] {
				keep[i] = true
				kept++
			}
		}
	}
	out := make([]map[string]any, 0, kept)
	for i, r := range records {
		if keep[i] {
			out = append(out, r)
		}
	}
	return out, nil
}
