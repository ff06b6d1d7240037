package config

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gpaudit/gpaudit/dataset"
	"github.com/gpaudit/gpaudit/suggest"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

var cohortSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "source", Required: true},
		{Name: "dataset", Required: true},
		{Name: "filter"},
		{Name: "sort"},
		{Name: "where"},
		{Name: "users"},
		{Name: "users_file"},
	},
}

// cohortBlocks reads the cohort blocks and returns the cohorts in dependency
// order: a cohort used as another's users comes first.
func (l *loader) cohortBlocks(blocks []*hcl.Block) []*Cohort {
	seen := newDeclarations("Cohort")
	var decls []*hcl.Block
	l.cohortNames = map[string]bool{}
	for _, b := range blocks {
		if l.validName(b, "cohort") && seen.add(l, b.Labels[0], b.DefRange, b.LabelRanges[0]) {
			decls = append(decls, b)
			l.cohortNames[b.Labels[0]] = true
		}
	}

	byName := map[string]*Cohort{}
	names := make([]string, len(decls))
	refs := map[string][]ref{}
	for i, b := range decls {
		c, users := l.cohort(b)
		byName[c.Name] = c
		names[i] = c.Name
		if c.UsersCohort != "" {
			refs[c.Name] = []ref{{c.UsersCohort, users}}
		}
	}
	order, _ := dependencyOrder(names, refs, func(names []string, at hcl.Range) {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Circular reference between cohorts",
			Detail:   fmt.Sprintf("The cohorts use each other as users: %s.", chain("cohort", names)),
			Subject:  at.Ptr(),
		})
	})
	list := make([]*Cohort, len(order))
	for i, n := range order {
		list[i] = byName[n]
	}
	return list
}

// cohort reads one cohort block. users is the range of its users reference
// when it takes its users from another cohort.
func (l *loader) cohort(b *hcl.Block) (c *Cohort, users hcl.Range) {
	c = &Cohort{Name: b.Labels[0], DeclRange: b.DefRange}
	attrs := l.bodyContent(b.Body, cohortSchema).Attributes
	refused := l.noSecrets(attrs)

	var src *Source
	if a := attrs["source"]; a != nil {
		src = l.sourceRef(a)
		if src != nil {
			c.Source = src.ID()
		}
	}

	var info dataset.Info
	known := false
	if a := attrs["dataset"]; a != nil {
		name, ok, diags := l.ev.requiredString(a)
		l.diags = append(l.diags, diags...)
		if ok {
			c.Dataset = name
			info, known = dataset.Lookup(name)
			switch {
			case !known:
				l.diags = append(l.diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Unknown dataset",
					Detail:   fmt.Sprintf("%q is not a dataset; use one of %s.%s", name, strings.Join(dataset.Names(), ", "), suggest.Phrase(name, dataset.Names())),
					Subject:  a.Expr.Range().Ptr(),
				})
			case src != nil && info.SourceKind != src.Kind:
				l.diags = append(l.diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Dataset not served by source",
					Detail: fmt.Sprintf("The dataset %q is served by %s sources, but source.%s is of kind %s.",
						name, info.SourceKind, src.ID(), src.Kind),
					Subject: a.Expr.Range().Ptr(),
				})
			}
		}
	}

	// notFor reports attr, when set, as one the dataset does not take
	// (bad); it says whether it did.
	notFor := func(attr *hcl.Attribute, bad bool, why, instead string) bool {
		if attr == nil || !known || !bad {
			return false
		}
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Argument not supported by dataset",
			Detail:   fmt.Sprintf("The dataset %q %s, so it takes no %s; %s.", c.Dataset, why, attr.Name, instead),
			Subject:  attr.NameRange.Ptr(),
		})
		return true
	}
	notList := func(attr *hcl.Attribute) bool {
		return notFor(attr, !info.List(), "has no list endpoint", "use users or users_file")
	}
	notPerPlayer := func(attr *hcl.Attribute) bool {
		return notFor(attr, !info.PerPlayer(), "cannot be read one player at a time", "use filter to choose players")
	}

	if a := attrs["filter"]; !notList(a) {
		filter, diags := l.ev.evalObject(a, `{ provider = "google" }`)
		l.diags = append(l.diags, diags...)
		c.Filter = filter
	}
	if a := attrs["sort"]; !notList(a) {
		c.Sort = l.sort(a)
	}
	if a := attrs["where"]; a != nil {
		where, _, diags := l.ev.evalString(a)
		l.diags = append(l.diags, diags...)
		c.Where = where
		c.WhereRange = a.Expr.Range()
	}

	usersAttr, fileAttr := attrs["users"], attrs["users_file"]
	if usersAttr != nil && fileAttr != nil {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Conflicting arguments",
			Detail:   "A cohort takes its players from users or from users_file, not both.",
			Subject:  fileAttr.NameRange.Ptr(),
		})
		fileAttr = nil
	}
	switch {
	case notPerPlayer(usersAttr), notPerPlayer(fileAttr):
	case usersAttr != nil:
		users = l.users(c, usersAttr)
	case fileAttr != nil:
		l.usersFile(c, fileAttr)
	case known && !info.List() && !refused["users"] && !refused["users_file"]:
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing users",
			Detail:   fmt.Sprintf("The dataset %q is read one player at a time; set users or users_file.", c.Dataset),
			Subject:  attrs["dataset"].Expr.Range().Ptr(),
		})
	}
	return c, users
}

// sourceRef reads a cohort's `source = source.KIND.NAME`; it returns nil
// after a diagnostic.
func (l *loader) sourceRef(a *hcl.Attribute) *Source {
	t, diags := hcl.AbsTraversalForExpr(a.Expr)
	var kind, name hcl.TraverseAttr
	ok := !diags.HasErrors() && len(t) == 3 && t.RootName() == "source"
	if ok {
		kind, ok = t[1].(hcl.TraverseAttr)
	}
	if ok {
		name, ok = t[2].(hcl.TraverseAttr)
	}
	if !ok {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid source reference",
			Detail:   "The source must be a reference like source.gamepot.main.",
			Subject:  a.Expr.Range().Ptr(),
		})
		return nil
	}
	s := l.sources[kind.Name+"."+name.Name]
	if s == nil {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Reference to undeclared source",
			Detail:   fmt.Sprintf("No source %q %q is declared.%s", kind.Name, name.Name, l.sourceSuggestion(kind.Name+"."+name.Name)),
			Subject:  t.SourceRange().Ptr(),
		})
	}
	return s
}

// sourceSuggestion is the " Did you mean …?" for a reference to an
// undeclared source KIND.NAME, naming the nearest declared one as a
// reference, or "".
func (l *loader) sourceSuggestion(id string) string {
	return refSuggestion("source", id, slices.Sorted(maps.Keys(l.sources)))
}

// refSuggestion is the " Did you mean ROOT.NAME?" for a reference to an
// undeclared name, naming the nearest of names as a reference, or "".
func refSuggestion(root, name string, names []string) string {
	if near := suggest.Closest(name, names); near != "" {
		return fmt.Sprintf(" Did you mean %s.%s?", root, near)
	}
	return ""
}

// cohortRef reads a reference like cohort.NAME to a declared cohort and
// returns the name and the reference's range; ok is false after a
// diagnostic. what names the place in the diagnostic, e.g. `The cohort`.
func (l *loader) cohortRef(expr hcl.Expression, what string) (name string, rng hcl.Range, ok bool) {
	t, diags := hcl.AbsTraversalForExpr(expr)
	var step hcl.TraverseAttr
	if !diags.HasErrors() && len(t) == 2 && t.RootName() == "cohort" {
		step, ok = t[1].(hcl.TraverseAttr)
	}
	if !ok {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid cohort reference",
			Detail:   what + " must be a reference like cohort.active_manual_blocks.",
			Subject:  expr.Range().Ptr(),
		})
		return "", hcl.Range{}, false
	}
	if !l.cohortNames[step.Name] {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Reference to undeclared cohort",
			Detail:   fmt.Sprintf("No cohort %q is declared.%s", step.Name, refSuggestion("cohort", step.Name, slices.Sorted(maps.Keys(l.cohortNames)))),
			Subject:  t.SourceRange().Ptr(),
		})
		return "", hcl.Range{}, false
	}
	return step.Name, t.SourceRange(), true
}

// sort reads a cohort's sort: field → "1" (ascending) or "-1" (descending);
// the numbers 1 and -1 are taken too.
func (l *loader) sort(a *hcl.Attribute) map[string]string {
	v, diags := l.ev.evalAs(a, cty.DynamicPseudoType)
	l.diags = append(l.diags, diags...)
	if !v.IsWhollyKnown() || v.IsNull() {
		return nil
	}
	bad := &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid sort",
		Detail:   `The sort must be an object of "1" (ascending) or "-1" (descending) by field, like { createdAt = "-1" }.`,
		Subject:  a.Expr.Range().Ptr(),
	}
	if !v.Type().IsObjectType() && !v.Type().IsMapType() {
		l.diags = append(l.diags, bad)
		return nil
	}
	out := map[string]string{}
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		s, err := convert.Convert(e, cty.String)
		if err != nil || s.IsNull() || (s.AsString() != "1" && s.AsString() != "-1") {
			l.diags = append(l.diags, bad)
			return nil
		}
		out[k.AsString()] = s.AsString()
	}
	return out
}

// users reads a cohort's users: another cohort, whose range it returns, or a
// list of player ids.
func (l *loader) users(c *Cohort, a *hcl.Attribute) hcl.Range {
	if t, diags := hcl.AbsTraversalForExpr(a.Expr); !diags.HasErrors() && t.RootName() == "cohort" {
		name, rng, ok := l.cohortRef(a.Expr, "The users")
		if ok {
			c.UsersCohort = name
		}
		return rng
	}
	v, diags := l.ev.eval(a.Expr)
	l.diags = append(l.diags, diags...)
	if diags.HasErrors() || !v.IsWhollyKnown() {
		return hcl.Range{}
	}
	list, err := convert.Convert(v, cty.List(cty.String))
	ids, ok := []string(nil), false
	if err == nil && !list.IsNull() {
		ids, ok = stringList(list)
	}
	if !ok {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid users",
			Detail:   "The users must be a cohort reference, like cohort.active_manual_blocks, or a list of player ids (non-empty strings).",
			Subject:  a.Expr.Range().Ptr(),
		})
		return hcl.Range{}
	}
	l.checkIDs(ids, a)
	c.Users = distinct(ids)
	return hcl.Range{}
}

// checkIDs reports each id of a literal users list with white space or a
// control character in it, at the element when the list is written out.
// Unlike users_file lines, these are not trimmed: a literal is written on
// purpose, and " p1" is more likely a slip than a player.
func (l *loader) checkIDs(ids []string, a *hcl.Attribute) {
	elems, diags := hcl.ExprList(a.Expr)
	if diags.HasErrors() || len(elems) != len(ids) {
		elems = nil
	}
	for i, id := range ids {
		what := insideID(id)
		if what == "" {
			continue
		}
		if strings.TrimSpace(id) != id {
			what = "white space at an end"
		}
		subject := a.Expr.Range()
		if elems != nil {
			subject = elems[i].Range()
		}
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid player id",
			Detail:   fmt.Sprintf("The id %s in users holds %s; player ids are matched exactly.", quoteID(id), what),
			Subject:  subject.Ptr(),
		})
	}
}

// usersFile reads a cohort's users_file now, so that a missing file is a
// configuration mistake: UTF-8 text, with or without a byte-order mark, one
// id a line (LF or CRLF), each trimmed; blank lines and lines starting with
// # are skipped. An id with white space or a control character inside is a
// diagnostic naming the line: "p1 p2" or "p1\x00" is no player id, and the
// lookup would report the player as not found rather than the mistake.
func (l *loader) usersFile(c *Cohort, a *hcl.Attribute) {
	path, ok, diags := l.ev.evalString(a)
	l.diags = append(l.diags, diags...)
	if !ok {
		return
	}
	bad := func(summary, detail string) *hcl.Diagnostic {
		return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: a.Expr.Range().Ptr()}
	}
	b, err := l.files.readRelative(l.dir, path)
	if err != nil {
		l.diags = append(l.diags, bad("Cannot read users_file", fmt.Sprintf("%s.", err)))
		return
	}
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	if !utf8.Valid(b) {
		line := 1 + bytes.Count(b[:invalidUTF8(b)], []byte("\n"))
		l.diags = append(l.diags, bad("Invalid users_file",
			fmt.Sprintf("%s is not UTF-8 text (line %d); it must hold one player id a line.", path, line)))
		return
	}
	ids := []string{}
	var invalid []string
	for i, line := range strings.Split(string(b), "\n") {
		id := strings.TrimSpace(line)
		if id == "" || strings.HasPrefix(id, "#") {
			continue
		}
		if what := insideID(id); what != "" {
			invalid = append(invalid, fmt.Sprintf("%s line %d: %s holds %s", path, i+1, quoteID(id), what))
			continue
		}
		ids = append(ids, id)
	}
	for i, msg := range invalid {
		if i == maxFileDiagnostics {
			l.diags = append(l.diags, bad("Invalid player ids in users_file",
				fmt.Sprintf("%d more lines of %s hold invalid ids.", len(invalid)-i, path)))
			break
		}
		l.diags = append(l.diags, bad("Invalid player id in users_file",
			msg+"; each line holds one player id, which is matched exactly."))
	}
	c.Users = distinct(ids)
}

// maxFileDiagnostics bounds the diagnostics about the content of one file:
// past a few, more of the same only hide the rest of the output.
const maxFileDiagnostics = 10

// invalidUTF8 returns the offset of the first byte of b that is not valid
// UTF-8, or len(b).
func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// insideID says what in id cannot be part of a player id: white space, a
// control character or an invisible formatting character such as a
// zero-width space; "" when nothing.
func insideID(id string) string {
	for _, r := range id {
		switch {
		case unicode.IsSpace(r):
			return "white space"
		case unicode.IsControl(r):
			return "a control character"
		case unicode.Is(unicode.Cf, r):
			return fmt.Sprintf("an invisible character (%U)", r)
		}
	}
	return ""
}

// quoteID quotes id for a diagnostic, escaping what a terminal would not
// show and cutting a long line short.
func quoteID(id string) string {
	const limit = 60
	if r := []rune(id); len(r) > limit {
		return strconv.Quote(string(r[:limit])) + "…"
	}
	return strconv.Quote(id)
}

// distinct drops repeated ids, keeping the first of each, so that no player
// is looked up twice.
func distinct(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	return slices.DeleteFunc(ids, func(id string) bool {
		dup := seen[id]
		seen[id] = true
		return dup
	})
}
