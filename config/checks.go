package config

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/gpaudit/gpaudit/suggest"
)

var checkSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "title"},
		{Name: "cohort", Required: true},
		{Name: "policy", Required: true},
		{Name: "params"},
		{Name: "with"},
		{Name: "severity"},
		{Name: "tags"},
	},
}

// checkBlocks reads the check blocks, in declaration order.
func (l *loader) checkBlocks(blocks []*hcl.Block) []*Check {
	seen := newDeclarations("Check")
	var list []*Check
	for _, b := range blocks {
		if l.validName(b, "check") && seen.add(l, b.Labels[0], b.DefRange, b.LabelRanges[0]) {
			list = append(list, l.check(b))
		}
	}
	return list
}

func (l *loader) check(b *hcl.Block) *Check {
	c := &Check{
		Name:      b.Labels[0],
		Title:     b.Labels[0],
		Severity:  "medium",
		File:      b.DefRange.Filename,
		DeclRange: b.DefRange,
	}
	attrs := l.bodyContent(b.Body, checkSchema).Attributes
	l.noSecrets(attrs, "params")

	title, ok, diags := l.ev.evalString(attrs["title"])
	l.diags = append(l.diags, diags...)
	if ok {
		c.Title = title
	}
	if a := attrs["cohort"]; a != nil {
		c.Cohort, _, _ = l.cohortRef(a.Expr, "The cohort")
	}
	if a := attrs["policy"]; a != nil {
		c.PolicyRange = a.Expr.Range()
		policy, ok, diags := l.ev.requiredString(a)
		l.diags = append(l.diags, diags...)
		if ok && policy == "" {
			l.diags = append(l.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Empty policy",
				Detail:   "The policy must name a Rego package, like gamepot.blocks.max_duration.",
				Subject:  c.PolicyRange.Ptr(),
			})
		}
		c.Policy = policy
	}
	if a := attrs["params"]; a != nil {
		params, diags := l.ev.evalObject(a, "{ max_days = 30 }")
		l.diags = append(l.diags, diags...)
		c.Params = params
		c.ParamsRange = a.Expr.Range()
		c.paramRanges = itemRanges(a.Expr)
	}
	if a := attrs["with"]; a != nil {
		c.With = l.with(a)
	}
	if a := attrs["severity"]; a != nil {
		severity, ok, diags := l.ev.evalString(a)
		l.diags = append(l.diags, diags...)
		if ok && SeverityRank(severity) < 0 {
			l.diags = append(l.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unknown severity",
				Detail:   fmt.Sprintf("%q is not a severity; use one of %s.%s", severity, strings.Join(Severities, ", "), suggest.Phrase(severity, Severities)),
				Subject:  a.Expr.Range().Ptr(),
			})
		} else if ok {
			c.Severity = severity
		}
	}
	if a := attrs["tags"]; a != nil {
		v, diags := l.ev.evalAs(a, cty.List(cty.String))
		l.diags = append(l.diags, diags...)
		if v.IsWhollyKnown() && !v.IsNull() {
			tags, ok := stringList(v)
			if !ok {
				l.diags = append(l.diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid tags",
					Detail:   "Each tag must be a non-empty string.",
					Subject:  a.Expr.Range().Ptr(),
				})
			}
			c.Tags = tags
		}
	}
	return c
}

// itemRanges returns the ranges of the items of an object literal by key;
// nil when expr is not one, or for keys that are not plain names or strings.
func itemRanges(expr hcl.Expression) map[string]itemRange {
	pairs, diags := hcl.ExprMap(expr)
	if diags.HasErrors() {
		return nil
	}
	out := make(map[string]itemRange, len(pairs))
	for _, p := range pairs {
		k, diags := p.Key.Value(nil)
		if diags.HasErrors() || k.Type() != cty.String || !k.IsKnown() || k.IsNull() {
			continue
		}
		out[k.AsString()] = itemRange{key: p.Key.Range(), value: p.Value.Range()}
	}
	return out
}

// with reads a check's `with = { key = cohort.NAME, … }`. It reads the
// object's syntax rather than evaluating it, as cohorts are not values.
func (l *loader) with(a *hcl.Attribute) map[string]string {
	pairs, diags := hcl.ExprMap(a.Expr)
	if diags.HasErrors() {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid with",
			Detail:   "The with must be an object of cohort references, like { chat = cohort.blocked_in_chat }.",
			Subject:  a.Expr.Range().Ptr(),
		})
		return nil
	}
	var with map[string]string
	keys := map[string]bool{}
	for _, p := range pairs {
		k, diags := p.Key.Value(nil)
		l.diags = append(l.diags, diags...)
		if diags.HasErrors() {
			continue
		}
		if k.Type() != cty.String || k.IsNull() {
			l.diags = append(l.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid with",
				Detail:   "Each key in with must be a name, like chat.",
				Subject:  p.Key.Range().Ptr(),
			})
			continue
		}
		key := k.AsString()
		if keys[key] {
			l.diags = append(l.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate key in with",
				Detail:   fmt.Sprintf("The key %q is given twice.", key),
				Subject:  p.Key.Range().Ptr(),
			})
			continue
		}
		keys[key] = true
		name, _, ok := l.cohortRef(p.Value, fmt.Sprintf("The value of %q in with", key))
		if !ok {
			continue
		}
		if with == nil {
			with = map[string]string{}
		}
		with[key] = name
	}
	return with
}
