package config

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/gpaudit/gpaudit/suggest"
)

var waiverSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "check", Required: true},
		{Name: "subjects"},
		{Name: "records"},
		{Name: "findings"},
		{Name: "reason", Required: true},
		{Name: "owner", Required: true},
		{Name: "expires", Required: true},
	},
}

// findingID is the shape of a finding id: "f-" and 16 hex digits.
var findingID = regexp.MustCompile(`^f-[0-9a-f]{16}$`)

// waiverBlocks reads the waiver blocks, in declaration order. checks are
// the declared checks, which a waiver's check must name.
func (l *loader) waiverBlocks(blocks []*hcl.Block, checks []*Check) []*Waiver {
	names := make([]string, len(checks))
	for i, c := range checks {
		names[i] = c.Name
	}
	seen := newDeclarations("Waiver")
	var list []*Waiver
	for _, b := range blocks {
		if l.validName(b, "waiver") && seen.add(l, b.Labels[0], b.DefRange, b.LabelRanges[0]) {
			if w := l.waiver(b, names); w != nil {
				list = append(list, w)
			}
		}
	}
	return list
}

// waiver reads one waiver block; it returns nil after a diagnostic, so that
// a waiver is never applied half read.
func (l *loader) waiver(b *hcl.Block, checks []string) *Waiver {
	w := &Waiver{Name: b.Labels[0], DeclRange: b.DefRange}
	before := len(l.diags)
	attrs := l.bodyContent(b.Body, waiverSchema).Attributes
	l.noSecrets(attrs) // every attribute shows in reports

	if a := attrs["check"]; a != nil {
		w.Check = l.checkRef(a, checks)
	}
	targets := len(l.diags)
	w.Subjects = l.waiverIDs(attrs["subjects"], "player id")
	w.Records = l.waiverIDs(attrs["records"], "record id")
	w.Findings = l.waiverIDs(attrs["findings"], "finding id")
	if a := attrs["findings"]; a != nil {
		elems := listElems(a, len(w.Findings))
		for i, id := range w.Findings {
			if id != "" && !findingID.MatchString(id) {
				l.diags = append(l.diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid finding id",
					Detail:   fmt.Sprintf("%q is not a finding id; a finding id is f- and 16 hex digits, as a report gives it: f-3b1c0f4e9a2d7c55.", id),
					Subject:  elems[i].Ptr(),
				})
			}
		}
	}
	if len(w.Subjects)+len(w.Records)+len(w.Findings) == 0 && !l.diags[targets:].HasErrors() {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Waiver without a target",
			Detail: fmt.Sprintf("The waiver %q names no subject, record or finding, so it would waive nothing, or everything; "+
				"give subjects, records or findings.", w.Name),
			Subject: b.DefRange.Ptr(),
		})
	}
	w.Reason = l.nonEmpty(attrs["reason"], "Why the findings are accepted, e.g. \"Legal hold LH-2026-114: the block stays until the case closes.\"")
	w.Owner = l.nonEmpty(attrs["owner"], "Who answers for the waiver, e.g. \"trust-safety@example.com\".")
	if a := attrs["expires"]; a != nil {
		w.Expires = l.expires(a)
	}
	if len(l.diags) > before && l.diags[before:].HasErrors() {
		return nil
	}
	return w
}

// checkRef reads a waiver's `check = check.NAME`, which must name a declared
// check; it returns "" after a diagnostic.
func (l *loader) checkRef(a *hcl.Attribute, checks []string) string {
	t, diags := hcl.AbsTraversalForExpr(a.Expr)
	var step hcl.TraverseAttr
	ok := !diags.HasErrors() && len(t) == 2 && t.RootName() == "check"
	if ok {
		step, ok = t[1].(hcl.TraverseAttr)
	}
	if !ok {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid check reference",
			Detail:   "The check must be a reference like check.manual_block_max_days.",
			Subject:  a.Expr.Range().Ptr(),
		})
		return ""
	}
	for _, c := range checks {
		if c == step.Name {
			return c
		}
	}
	detail := fmt.Sprintf("No check %q is declared.%s", step.Name, suggest.Phrase(step.Name, checks))
	l.diags = append(l.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Reference to undeclared check",
		Detail:   detail,
		Subject:  t.SourceRange().Ptr(),
	})
	return ""
}

// waiverIDs reads an optional list of ids (what names them in messages),
// each a non-empty string without white space at its ends: ids are matched
// exactly, and " p1" is more likely a slip than a player.
func (l *loader) waiverIDs(a *hcl.Attribute, what string) []string {
	if a == nil {
		return nil
	}
	v, diags := l.ev.evalAs(a, cty.List(cty.String))
	l.diags = append(l.diags, diags...)
	if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() {
		return nil
	}
	var ids []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsNull() {
			ids = append(ids, "")
			continue
		}
		ids = append(ids, e.AsString())
	}
	elems := listElems(a, len(ids))
	for i, id := range ids {
		if id == "" || strings.TrimSpace(id) != id {
			l.diags = append(l.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid " + what,
				Detail:   fmt.Sprintf("Each %s in %s must be a non-empty string without white space at its ends, as reports give it.", what, a.Name),
				Subject:  elems[i].Ptr(),
			})
		}
	}
	return ids
}

// listElems returns the ranges of the n elements of a list attribute as
// written, or n times the attribute's range when it is not a list literal.
func listElems(a *hcl.Attribute, n int) []hcl.Range {
	out := make([]hcl.Range, n)
	exprs, diags := hcl.ExprList(a.Expr)
	for i := range out {
		out[i] = a.Expr.Range()
		if !diags.HasErrors() && len(exprs) == n {
			out[i] = exprs[i].Range()
		}
	}
	return out
}

// nonEmpty reads a required string attribute that may not be blank; example
// says what belongs there.
func (l *loader) nonEmpty(a *hcl.Attribute, example string) string {
	if a == nil {
		return "" // the schema has reported it missing
	}
	s, ok, diags := l.ev.requiredString(a)
	l.diags = append(l.diags, diags...)
	if ok && strings.TrimSpace(s) == "" {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Empty " + a.Name,
			Detail:   fmt.Sprintf("A waiver's %s may not be blank. %s", a.Name, example),
			Subject:  a.Expr.Range().Ptr(),
		})
	}
	return s
}

// expires reads a waiver's expiry: a date, which holds to the end of that
// day in UTC, or an RFC 3339 time.
func (l *loader) expires(a *hcl.Attribute) time.Time {
	s, ok, diags := l.ev.requiredString(a)
	l.diags = append(l.diags, diags...)
	if !ok {
		return time.Time{}
	}
	t, problem := parseExpires(s)
	if problem != "" {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid expires",
			Detail:   problem,
			Subject:  a.Expr.Range().Ptr(),
		})
	}
	return t
}

// parseExpires reads a date (2027-01-31, which ends at 23:59:59 UTC) or an
// RFC 3339 time; problem says what is wrong with s, or is "".
func parseExpires(s string) (t time.Time, problem string) {
	d, err := time.Parse(time.DateOnly, s)
	if err == nil {
		return d.Add(24*time.Hour - time.Second), ""
	}
	if len(s) == len(time.DateOnly) && strings.Count(s, "-") == 2 {
		// Shaped like a date, but not one: say why (2027-02-30: day out of range).
		why := err.Error()
		if _, after, ok := strings.Cut(why, ": "); ok {
			why = after
		}
		return time.Time{}, fmt.Sprintf("%q is not a day of the calendar (%s); write a date such as 2027-01-31 or an RFC 3339 time such as 2027-01-31T18:00:00Z.", s, why)
	}
	if t, err = time.Parse(time.RFC3339, s); err != nil {
		return time.Time{}, fmt.Sprintf("%q is neither a date such as 2027-01-31 (the waiver holds to the end of that day, UTC) nor an RFC 3339 time such as 2027-01-31T18:00:00Z.", s)
	}
	return t.UTC(), ""
}
