package engine

import (
	"encoding/json"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// traceTestCases is a compiler stage, run once local variables are renamed,
// for the tests that are one rule for many cases, the case's key in the head:
//
//	test_sum[tc.note] if {
//		some tc in cases
//		sum(tc.numbers) == tc.want
//	}
//
// The value of such a test is an object of the cases that passed; a case
// that failed is just missing from it. So, as in opa test, the rule is made
// to call internal.test_case with the key as soon as the key is known, and a
// case that was traced but is missing fails the test.
func traceTestCases(c *ast.Compiler) *ast.Error {
	for _, m := range c.Modules {
		for _, r := range m.Rules {
			n := testTerms(r.Head)
			ref := r.Head.Ref()
			if n == 0 || n == len(ref) || isTodo(r.Head, n) || callsTestCase(r.Body) {
				continue
			}
			r.Body = withTestCase(r.Body, ref[n:])
		}
	}
	return nil
}

func callsTestCase(body ast.Body) bool {
	testCase := ast.InternalTestCase.Ref()
	found := false
	ast.WalkExprs(body, func(e *ast.Expr) bool {
		found = found || e.IsCall() && e.Operator().Equal(testCase)
		return found
	})
	return found
}

// withTestCase inserts internal.test_case([key…]) into body right after the
// first expression that mentions each local variable of the key. The
// compiler gives a key that is not a plain variable, like tc.note, a
// variable of its own assigned at the end of the body: the call takes what
// is assigned instead, so as not to wait for the end.
func withTestCase(body ast.Body, key ast.Ref) ast.Body {
	terms := make([]*ast.Term, len(key))
	for i, k := range key {
		terms[i] = k.Copy()
		if v, ok := k.Value.(ast.Var); ok {
			if value := assignedTo(body, v); value != nil {
				terms[i] = value.Copy()
			}
		}
	}
	arg := ast.ArrayTerm(terms...)
	at := 0
	ast.WalkVars(arg, func(v ast.Var) bool {
		if v.IsGenerated() {
			if i := slices.IndexFunc(body, func(e *ast.Expr) bool { return mentions(e, v) }); i >= 0 {
				at = max(at, i+1)
			}
		}
		return false
	})
	body = slices.Insert(body, at, ast.NewExpr([]*ast.Term{ast.NewTerm(ast.InternalTestCase.Ref()), arg}))
	for i, e := range body {
		e.Index = i
	}
	return body
}

// assignedTo is what a generated expression of body assigns to v, or nil.
func assignedTo(body ast.Body, v ast.Var) *ast.Term {
	for _, e := range body {
		if e.Generated && (e.IsEquality() || e.IsAssignment()) && e.Operand(0).Value.Compare(v) == 0 {
			return e.Operand(1)
		}
	}
	return nil
}

func mentions(e *ast.Expr, v ast.Var) bool {
	found := false
	ast.WalkVars(e, func(x ast.Var) bool {
		found = found || x == v
		return found
	})
	return found
}

// caseTracer keeps the keys of the cases a test began, as internal.test_case
// traces them.
type caseTracer struct {
	keys []*ast.Array
}

func (*caseTracer) Enabled() bool { return true }

func (*caseTracer) Config() topdown.TraceConfig { return topdown.TraceConfig{} }

func (t *caseTracer) TraceEvent(ev topdown.Event) {
	if ev.Op != topdown.TestCaseOp {
		return
	}
	if e, ok := ev.Node.(*ast.Expr); ok {
		if key, ok := e.Operand(0).Value.(*ast.Array); ok {
			t.keys = append(t.keys, key)
		}
	}
}

// passed reports whether v, the test's value, is true for every case, and
// holds every case the test began.
func (t *caseTracer) passed(v any) bool {
	if !allTrue(v) {
		return false
	}
	for _, key := range t.keys {
		if !holds(v, key) {
			return false
		}
	}
	return true
}

// allTrue reports whether every leaf of v, nested objects of cases, is true.
func allTrue(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		for _, x := range v {
			if !allTrue(x) {
				return false
			}
		}
		return true
	case bool:
		return v
	}
	return false
}

// holds reports whether the case key is in v, an object with a level per
// term of the key.
func holds(v any, key *ast.Array) bool {
	for i := range key.Len() {
		obj, ok := v.(map[string]any)
		if !ok {
			return false
		}
		if v, ok = obj[objectKey(key.Elem(i))]; !ok {
			return false
		}
	}
	return true
}

// objectKey is the key a term is in the object a result set holds: a
// string as it is, anything else as JSON (as ast.ValueToInterface makes it).
func objectKey(t *ast.Term) string {
	if s, ok := t.Value.(ast.String); ok {
		return string(s)
	}
	x, err := ast.JSON(t.Value)
	if err != nil {
		return ""
	}
	b, err := json.Marshal(x)
	if err != nil {
		return ""
	}
	return string(b)
}
