package config

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/gpaudit/gpaudit/suggest"
)

// defaultEndpoints gives each source kind its API's base URL; its keys are
// the source kinds.
var defaultEndpoints = map[string]string{
	"gamepot":     "https://dashboard-api.gamepot.ntruss.com",
	"ncloud_chat": "https://dashboard-api.ncloudchat.naverncp.com",
}

var sourceSchemas = map[string]*hcl.BodySchema{
	"gamepot": {Attributes: []hcl.AttributeSchema{
		{Name: "endpoint"}, {Name: "project_id"}, {Name: "api_key"}, {Name: "language"},
	}},
	"ncloud_chat": {Attributes: []hcl.AttributeSchema{
		{Name: "endpoint"}, {Name: "project_id"}, {Name: "api_key"},
	}},
}

// sourceBlocks reads the source blocks. Their attributes are checked here
// as far as they can be without the environment: references, then their
// values with every unset variable that env() reads taken as unknown, so
// that validate finds a wrong call or a missing file as check would.
// Source.Resolve evaluates them for real.
func (l *loader) sourceBlocks(blocks []*hcl.Block) []*Source {
	l.sources = map[string]*Source{}
	lenient := l.ev.lenient(l.env, l.read)
	seen := newDeclarations("Source")
	var list []*Source
	for _, b := range blocks {
		kind, name := b.Labels[0], b.Labels[1]
		schema := sourceSchemas[kind]
		if schema == nil {
			l.diags = append(l.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unknown source kind",
				Detail: fmt.Sprintf("%q is not a source kind; use one of %s.%s",
					kind, strings.Join(slices.Sorted(maps.Keys(defaultEndpoints)), ", "), suggest.Phrase(kind, slices.Sorted(maps.Keys(defaultEndpoints)))),
				Subject: b.LabelRanges[0].Ptr(),
			})
			continue
		}
		if !l.validName(b, "source") {
			continue
		}
		s := &Source{Kind: kind, Name: name, DeclRange: b.DefRange}
		labels := hcl.RangeBetween(b.LabelRanges[0], b.LabelRanges[1])
		if !seen.add(l, s.ID(), b.DefRange, labels) {
			continue
		}
		attrs := l.bodyContent(b.Body, schema).Attributes
		var refs hcl.Diagnostics
		for _, a := range sortedAttributes(attrs) {
			refs = append(refs, l.ev.checkRefs(a.Expr)...)
			for _, t := range a.Expr.Variables() {
				if name, rng, ok := attrRef(t, "local"); ok {
					l.sourceLocals = append(l.sourceLocals, ref{name, rng})
				}
			}
		}
		l.diags = append(l.diags, refs...)
		if !refs.HasErrors() {
			probe := *s // fills nothing of s
			l.diags = append(l.diags, probe.evaluate(attrs, lenient, true)...)
		}
		s.resolve = s.resolver(attrs, l.ev)
		l.sources[s.ID()] = s
		list = append(list, s)
	}
	return list
}

// resolver returns the Source's resolve func. It evaluates once, however
// often and from however many goroutines it is called, and only after Load
// has finished with ev.
func (s *Source) resolver(attrs hcl.Attributes, ev *evaluator) func() hcl.Diagnostics {
	var once sync.Once
	var diags hcl.Diagnostics
	return func() hcl.Diagnostics {
		once.Do(func() { diags = s.evaluate(attrs, ev.fork(), false) })
		return diags
	}
}

// evaluate fills the Source's fields from its attributes. No diagnostic
// shows the api_key's source line: it may hold the key itself. With
// lenient set, as at load time, a missing credential is no mistake.
func (s *Source) evaluate(attrs hcl.Attributes, ev *evaluator, lenient bool) hcl.Diagnostics {
	var diags hcl.Diagnostics
	// str returns the attribute's value; set is false when it is absent or
	// null, and known is false after an error (already reported).
	str := func(name string) (v string, set, known bool) {
		val, d := ev.evalAs(attrs[name], cty.String)
		if name == "api_key" {
			for _, x := range d {
				x.Extra = hiddenSource{}
			}
		}
		diags = append(diags, d...)
		if d.HasErrors() || !val.IsKnown() {
			return "", false, false
		}
		if val.IsNull() {
			return "", false, true
		}
		return val.AsString(), true, true
	}

	s.Endpoint = defaultEndpoints[s.Kind]
	if v, set, _ := str("endpoint"); set {
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid endpoint",
				Detail: fmt.Sprintf("The endpoint of source.%s must be an http or https URL, like %s.",
					s.ID(), defaultEndpoints[s.Kind]),
				Subject: attrs["endpoint"].Expr.Range().Ptr(),
			})
		} else {
			s.Endpoint = v
		}
	}
	s.Language, _, _ = str("language")
	for _, c := range []struct {
		name  string
		field *string
		env   string
	}{
		{"project_id", &s.ProjectID, "PROJECT_ID"},
		{"api_key", &s.APIKey, "API_KEY"},
	} {
		v, set, known := str(c.name)
		if !known || lenient {
			continue
		}
		if set && v != "" {
			*c.field = v
			continue
		}
		// Absent, null or "": an env() with a default, reading an unset
		// variable, is a likely cause, so the detail shows the idiom.
		subject := s.DeclRange
		if a := attrs[c.name]; a != nil {
			subject = a.Expr.Range()
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing " + c.name,
			Detail: fmt.Sprintf("Fetching from source.%s needs %s, like %s = env(%q).",
				s.ID(), c.name, c.name, strings.ToUpper(s.Kind)+"_"+c.env),
			Subject: subject.Ptr(),
		})
	}
	return diags
}
