package config

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
)

// evaluator evaluates expressions against the variables and local values.
//
// Local values are evaluated on first use, each after the locals it refers
// to. That keeps a local that only a source needs (say one calling env()) out
// of Load, so offline commands work with the environment unset.
type evaluator struct {
	vars      map[string]cty.Value // every declared variable; unknown when it has no valid value
	sensitive map[string]bool      // the variables declared sensitive
	locals    map[string]*hcl.Attribute
	broken    map[string]bool      // locals that refer to undeclared names or sit on a cycle
	values    map[string]cty.Value // locals evaluated so far
	funcs     map[string]function.Function

	// secretLocals says, for each local looked at so far, what sensitive
	// value it holds ("" for none); see sensitiveIn.
	secretLocals map[string]string
}

// fork returns an evaluator that shares what is evaluated so far but keeps
// the locals it evaluates to itself, so a source's resolution never writes to
// state other sources read.
func (e *evaluator) fork() *evaluator {
	f := *e
	f.values = maps.Clone(e.values)
	return &f
}

// lenient returns a fork whose env() gives an unknown value for an unset
// variable, where the real one fails: with it, Load evaluates what sources
// will evaluate at fetch time, finding every mistake but missing
// credentials (a wrong number of arguments, a missing file, a bad
// endpoint) without needing the environment.
func (e *evaluator) lenient(env map[string]string, read *secrets) *evaluator {
	f := e.fork()
	f.funcs = maps.Clone(e.funcs)
	f.funcs["env"] = envFunc(env, read, true)
	return f
}

func (e *evaluator) context() *hcl.EvalContext {
	return &hcl.EvalContext{
		Variables: map[string]cty.Value{
			"var":   cty.ObjectVal(e.vars),
			"local": cty.ObjectVal(e.values),
		},
		Functions: e.funcs,
	}
}

// eval checks what expr refers to and, when that is sound, evaluates it. The
// value is unknown when it could not be evaluated.
func (e *evaluator) eval(expr hcl.Expression) (cty.Value, hcl.Diagnostics) {
	if diags := e.checkRefs(expr); diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	var diags hcl.Diagnostics
	for _, t := range expr.Variables() {
		if name, _, ok := attrRef(t, "local"); ok {
			diags = append(diags, e.local(name)...)
		}
	}
	v, more := expr.Value(e.context())
	diags = append(diags, more...)
	if more.HasErrors() {
		return cty.DynamicVal, diags
	}
	return v, diags
}

// local evaluates the local value name, unless that is done already, and
// returns the diagnostics of what it evaluated now.
func (e *evaluator) local(name string) hcl.Diagnostics {
	if _, done := e.values[name]; done {
		return nil
	}
	// The placeholder stays when evaluation fails, so that what depends on
	// this local is unknown rather than wrong, and is reported only once.
	e.values[name] = cty.DynamicVal
	attr := e.locals[name]
	if attr == nil || e.broken[name] {
		return nil
	}
	v, diags := e.eval(attr.Expr)
	e.values[name] = v
	return diags
}

// checkRefs reports every reference in expr that is not var.NAME or
// local.NAME of a declared name, and every call of an unknown function.
func (e *evaluator) checkRefs(expr hcl.Expression) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, t := range expr.Variables() {
		if d := e.checkRef(t); d != nil {
			diags = append(diags, d)
		}
	}
	if syn, ok := expr.(hclsyntax.Expression); ok {
		diags = append(diags, hclsyntax.VisitAll(syn, func(n hclsyntax.Node) hcl.Diagnostics {
			call, ok := n.(*hclsyntax.FunctionCallExpr)
			if !ok {
				return nil
			}
			if _, known := e.funcs[call.Name]; known {
				return nil
			}
			return hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Call to unknown function",
				Detail:   fmt.Sprintf("There is no function named %q.", call.Name),
				Subject:  call.NameRange.Ptr(),
			}}
		})...)
	}
	return diags
}

func (e *evaluator) checkRef(t hcl.Traversal) *hcl.Diagnostic {
	root := t.RootName()
	switch root {
	case "var", "local":
		what := map[string]string{"var": "input variable", "local": "local value"}[root]
		name, rng, ok := attrRef(t, root)
		if !ok {
			return &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid reference",
				Detail:   fmt.Sprintf("A reference to %s must be followed by a name, like %s.name.", root, root),
				Subject:  t.SourceRange().Ptr(),
			}
		}
		_, isVar := e.vars[name]
		if (root == "var" && !isVar) || (root == "local" && e.locals[name] == nil) {
			return &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Reference to undeclared " + what,
				Detail:   fmt.Sprintf("No %s named %q is declared.%s", what, name, e.nameSuggestion(root, name)),
				Subject:  rng.Ptr(),
			}
		}
		return nil
	case "source":
		return notAValue(t, "A source is not a value; a source reference belongs only in a cohort's source.")
	case "cohort":
		return notAValue(t, "A cohort is not a value; a cohort reference belongs only in a cohort's users and a check's cohort and with.")
	case "check":
		return notAValue(t, "A check is not a value; a check reference belongs only in a waiver's check.")
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Unknown variable",
		Detail:   fmt.Sprintf("There is no variable named %q; references are var.NAME and local.NAME.", root),
		Subject:  t.SourceRange().Ptr(),
	}
}

// nameSuggestion is the " Did you mean …?" for an undeclared var.NAME or
// local.NAME, naming the nearest declared one as a reference, or "".
func (e *evaluator) nameSuggestion(root, name string) string {
	var names []string
	if root == "var" {
		names = slices.Sorted(maps.Keys(e.vars))
	} else {
		names = slices.Sorted(maps.Keys(e.locals))
	}
	return refSuggestion(root, name, names)
}

// sensitiveIn returns the first reference or call in expr that brings in a
// sensitive value, with its range: a sensitive variable (var.token), an
// env() call, whose values are secrets, or a local built from either
// (local.key (from env("GAMEPOT_API_KEY"))). what is "" when expr uses
// none. It reads the expression, not its value: a value derived from a
// secret in any way (its length, a part of it) counts.
func (e *evaluator) sensitiveIn(expr hcl.Expression) (what string, rng hcl.Range) {
	type use struct {
		what string
		rng  hcl.Range
	}
	var found []use
	for _, t := range expr.Variables() {
		if name, r, ok := attrRef(t, "var"); ok && e.sensitive[name] {
			found = append(found, use{"var." + name, r})
		}
		if name, r, ok := attrRef(t, "local"); ok {
			if inner := e.localSecret(name); inner != "" {
				found = append(found, use{fmt.Sprintf("local.%s (from %s)", name, inner), r})
			}
		}
	}
	if syn, ok := expr.(hclsyntax.Expression); ok {
		hclsyntax.VisitAll(syn, func(n hclsyntax.Node) hcl.Diagnostics {
			if call, ok := n.(*hclsyntax.FunctionCallExpr); ok && call.Name == "env" {
				found = append(found, use{envCall(call), call.Range()})
			}
			return nil
		})
	}
	if len(found) == 0 {
		return "", hcl.Range{}
	}
	first := slices.MinFunc(found, func(a, b use) int { return a.rng.Start.Byte - b.rng.Start.Byte })
	return first.what, first.rng
}

// secretShows says where the value of each attribute of a cohort or check
// shows, for the diagnostic that refuses a sensitive one.
var secretShows = map[string]string{
	"title":      "reports",
	"tags":       "reports",
	"severity":   "reports",
	"policy":     "reports",
	"dataset":    "plan output and reports",
	"filter":     "plan output and snapshots",
	"sort":       "plan output",
	"where":      "plan output",
	"users":      "snapshots",
	"users_file": "diagnostics",
}

// noSecrets reports each attribute of a cohort or check block that uses a
// sensitive value, except those in keep, and drops it from attrs; it
// returns the names it dropped. As
// Terraform refuses to show a sensitive value, gpaudit refuses them where
// it would show them: in plan output, snapshots and reports. What is left
// for secrets is what needs them, a source's attributes, and a check's
// params, which only its policy sees.
func (l *loader) noSecrets(attrs hcl.Attributes, keep ...string) (dropped map[string]bool) {
	dropped = map[string]bool{}
	for _, a := range sortedAttributes(attrs) {
		if slices.Contains(keep, a.Name) {
			continue
		}
		what, rng := l.ev.sensitiveIn(a.Expr)
		if what == "" {
			continue
		}
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Sensitive value not allowed here",
			Detail: fmt.Sprintf("The %s uses a sensitive value, %s, and would show in %s. Sensitive variables and env() are for "+
				"a source's attributes and a check's params; a setting that is not secret belongs in a variable, which "+
				"%s<name> sets from the environment.", a.Name, what, cmp.Or(secretShows[a.Name], "output"), envVarPrefix),
			Subject: rng.Ptr(),
		})
		delete(attrs, a.Name)
		dropped[a.Name] = true
	}
	return dropped
}

// localSecret is sensitiveIn for the local value name, remembered.
func (e *evaluator) localSecret(name string) string {
	if what, done := e.secretLocals[name]; done {
		return what
	}
	e.secretLocals[name] = "" // on a cycle, a local holds what its parts hold
	attr := e.locals[name]
	if attr == nil {
		return ""
	}
	what, _ := e.sensitiveIn(attr.Expr)
	e.secretLocals[name] = what
	return what
}

// envCall renders an env() call as env("NAME") when the name is a literal.
func envCall(call *hclsyntax.FunctionCallExpr) string {
	if len(call.Args) > 0 {
		v, diags := call.Args[0].Value(nil)
		if !diags.HasErrors() && v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
			return fmt.Sprintf("env(%q)", v.AsString())
		}
	}
	return "env()"
}

func notAValue(t hcl.Traversal, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid reference",
		Detail:   detail,
		Subject:  t.SourceRange().Ptr(),
	}
}

// attrRef reads the name from a reference like var.NAME or local.NAME, with
// the range of the reference up to the name.
func attrRef(t hcl.Traversal, root string) (string, hcl.Range, bool) {
	if len(t) < 2 || t.RootName() != root {
		return "", hcl.Range{}, false
	}
	step, ok := t[1].(hcl.TraverseAttr)
	if !ok {
		return "", hcl.Range{}, false
	}
	return step.Name, hcl.RangeBetween(t[0].SourceRange(), step.SrcRange), true
}

// evalAs evaluates attr and converts its value to ty. The value is null when
// attr is nil (absent) and unknown when it could not be evaluated.
func (e *evaluator) evalAs(attr *hcl.Attribute, ty cty.Type) (cty.Value, hcl.Diagnostics) {
	if attr == nil {
		return cty.NullVal(ty), nil
	}
	v, diags := e.eval(attr.Expr)
	if diags.HasErrors() {
		return cty.UnknownVal(ty), diags
	}
	c, err := convert.Convert(v, ty)
	if err != nil {
		return cty.UnknownVal(ty), append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Incorrect attribute value type",
			Detail:   fmt.Sprintf("Inappropriate value for attribute %q: %s.", attr.Name, err),
			Subject:  attr.Expr.Range().Ptr(),
		})
	}
	return c, diags
}

// evalString evaluates an optional string attribute; ok is false when the
// attribute is absent or null or could not be evaluated.
func (e *evaluator) evalString(attr *hcl.Attribute) (s string, ok bool, diags hcl.Diagnostics) {
	v, diags := e.evalAs(attr, cty.String)
	if !v.IsKnown() || v.IsNull() {
		return "", false, diags
	}
	return v.AsString(), true, diags
}

// requiredString is evalString for an attribute the schema requires, where
// null is a mistake rather than a way to leave it out.
func (e *evaluator) requiredString(attr *hcl.Attribute) (string, bool, hcl.Diagnostics) {
	v, diags := e.evalAs(attr, cty.String)
	if !v.IsKnown() || attr == nil {
		return "", false, diags
	}
	if v.IsNull() {
		return "", false, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing required argument",
			Detail:   fmt.Sprintf("The argument %q is required, but it is null.", attr.Name),
			Subject:  attr.Expr.Range().Ptr(),
		})
	}
	return v.AsString(), true, diags
}

// evalObject evaluates an optional attribute that must be an object (or a
// map), as filter and params are, returning it as plain Go values. example
// shows the user what is expected.
func (e *evaluator) evalObject(attr *hcl.Attribute, example string) (map[string]any, hcl.Diagnostics) {
	v, diags := e.evalAs(attr, cty.DynamicPseudoType)
	if !v.IsKnown() || v.IsNull() {
		return nil, diags
	}
	if !v.Type().IsObjectType() && !v.Type().IsMapType() {
		return nil, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid " + attr.Name,
			Detail:   fmt.Sprintf("The %s must be an object, like %s.", attr.Name, example),
			Subject:  attr.Expr.Range().Ptr(),
		})
	}
	m, _ := goValue(v).(map[string]any)
	return m, diags
}

// stringList returns the elements of a known list of strings; ok is false
// when one of them is null or empty.
func stringList(v cty.Value) (list []string, ok bool) {
	list = []string{} // an empty list still means "look up these (no) players"
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if !e.IsKnown() || e.IsNull() || e.AsString() == "" {
			return nil, false
		}
		list = append(list, e.AsString())
	}
	return list, true
}

// goValue converts v to plain Go values: string, bool, nil, json.Number for
// numbers (no precision is lost), []any and map[string]any. Unknown values
// become nil; they only occur next to an error diagnostic.
func goValue(v cty.Value) any {
	if !v.IsKnown() || v.IsNull() {
		return nil
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		return v.AsString()
	case ty == cty.Bool:
		return v.True()
	case ty == cty.Number:
		f := v.AsBigFloat()
		// Plain digits for everyday numbers; an exponent for huge or tiny
		// ones, whose digits would take minutes and gigabytes to print.
		if exp := f.MantExp(nil); exp > -64 && exp < 256 {
			return json.Number(f.Text('f', -1))
		}
		return json.Number(f.Text('g', -1))
	case ty.IsListType(), ty.IsSetType(), ty.IsTupleType():
		out := make([]any, 0, v.LengthInt())
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			out = append(out, goValue(e))
		}
		return out
	case ty.IsMapType(), ty.IsObjectType():
		out := make(map[string]any, v.LengthInt())
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			out[k.AsString()] = goValue(e)
		}
		return out
	}
	return nil
}

// ref is a reference from one declared name to another, with its range.
type ref struct {
	to  string
	rng hcl.Range
}

// dependencyOrder returns names ordered so that each comes after the names it
// refers to, and otherwise in the given order. refs must only hold references
// to names in names. Each cycle is passed to cycle as its chain of names
// (the first repeated at the end) with the range of the reference closing
// it; the names on cycles are in the order too, and in the returned set.
func dependencyOrder(names []string, refs map[string][]ref, cycle func(chain []string, at hcl.Range)) ([]string, map[string]bool) {
	const (
		unvisited = iota
		visiting
		done
	)
	state := make(map[string]int, len(names))
	onCycle := map[string]bool{}
	order := make([]string, 0, len(names))
	var stack []string
	var visit func(string)
	visit = func(n string) {
		state[n] = visiting
		stack = append(stack, n)
		for _, r := range refs[n] {
			switch state[r.to] {
			case unvisited:
				visit(r.to)
			case visiting:
				chain := slices.Clone(stack[slices.Index(stack, r.to):])
				for _, c := range chain {
					onCycle[c] = true
				}
				cycle(append(chain, r.to), r.rng)
			}
		}
		stack = stack[:len(stack)-1]
		state[n] = done
		order = append(order, n)
	}
	for _, n := range names {
		if state[n] == unvisited {
			visit(n)
		}
	}
	return order, onCycle
}

// chain renders a cycle as "cohort.a → cohort.b → cohort.a".
func chain(prefix string, names []string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = prefix + "." + n
	}
	return strings.Join(parts, " → ")
}

// locals reads the locals blocks, checks their references and orders them;
// they are evaluated on first use (see evaluator).
func (l *loader) locals(blocks []*hcl.Block) {
	l.ev.locals = map[string]*hcl.Attribute{}
	l.ev.broken = map[string]bool{}
	l.ev.values = map[string]cty.Value{}
	l.ev.secretLocals = map[string]string{}
	seen := newDeclarations("Local value")
	var names []string
	for _, b := range blocks {
		attrs, diags := b.Body.JustAttributes()
		l.diags = append(l.diags, diags...)
		for _, a := range sortedAttributes(attrs) {
			if !seen.add(l, a.Name, a.NameRange, a.NameRange) {
				continue
			}
			l.ev.locals[a.Name] = a
			names = append(names, a.Name)
		}
	}
	l.localRefs = map[string][]ref{}
	for _, n := range names {
		expr := l.ev.locals[n].Expr
		if diags := l.ev.checkRefs(expr); diags.HasErrors() {
			l.diags = append(l.diags, diags...)
			l.ev.broken[n] = true
			continue
		}
		for _, t := range expr.Variables() {
			if name, rng, ok := attrRef(t, "local"); ok {
				l.localRefs[n] = append(l.localRefs[n], ref{name, rng})
			}
		}
	}
	order, onCycle := dependencyOrder(names, l.localRefs, func(names []string, at hcl.Range) {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Circular reference between local values",
			Detail:   fmt.Sprintf("The local values refer to each other: %s.", chain("local", names)),
			Subject:  at.Ptr(),
		})
	})
	maps.Copy(l.ev.broken, onCycle)
	l.localOrder = order
}

// unusedLocals evaluates the locals nothing evaluated yet, so that their
// mistakes show in validate too, except those a source needs: they may read
// credentials, so the source's lenient check at load has evaluated them
// without, and Source.Resolve evaluates them for real.
func (l *loader) unusedLocals() {
	lazy := map[string]bool{}
	var mark func(string)
	mark = func(n string) {
		if lazy[n] {
			return
		}
		lazy[n] = true
		for _, r := range l.localRefs[n] {
			mark(r.to)
		}
	}
	for _, r := range l.sourceLocals {
		mark(r.to)
	}
	for _, n := range l.localOrder {
		if !lazy[n] {
			l.diags = append(l.diags, l.ev.local(n)...)
		}
	}
}

// sortedAttributes returns attrs in source order; hcl.Attributes is a map.
func sortedAttributes(attrs hcl.Attributes) []*hcl.Attribute {
	list := slices.Collect(maps.Values(attrs))
	slices.SortFunc(list, func(a, b *hcl.Attribute) int {
		if c := strings.Compare(a.Range.Filename, b.Range.Filename); c != 0 {
			return c
		}
		return a.Range.Start.Byte - b.Range.Start.Byte
	})
	return list
}
