package config

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/gpaudit/gpaudit/suggest"
)

// PolicyInfo is what the configuration needs to know of a policy to check
// the checks that name it. The engine reads it from the policy's METADATA;
// config takes it as plain data and so knows nothing of Rego.
type PolicyInfo struct {
	// Name is the Rego package without "data.", as a check's policy names it.
	Name string
	// Datasets are the datasets the policy reads; empty means any.
	Datasets []string
	// Params are the declared parameters and their defaults; nil means the
	// policy declares none and takes any.
	Params map[string]any
	// With maps each key of input.cohorts the policy reads to the dataset
	// that cohort must be.
	With map[string]string
}

// CheckPolicies holds each check against its policy: the policy exists,
// reads the check's dataset and every with cohort it needs, and declares
// every parameter given, each with the JSON type of its default. A policy
// over the wrong records, or with a misspelt or mistyped parameter, would
// pass unseen, so each is an error diagnostic. What a policy does not
// declare (custom.datasets, custom.params) it does not restrict.
// userDir is the folder of the user's policies, which the unknown-policy
// diagnostic names.
func (c *Config) CheckPolicies(policies []PolicyInfo, userDir string) hcl.Diagnostics {
	byName := make(map[string]PolicyInfo, len(policies))
	for _, p := range policies {
		byName[p.Name] = p
	}
	var diags hcl.Diagnostics
	for _, ch := range c.Checks {
		if ch.Policy == "" {
			continue // missing or not a string: a diagnostic already
		}
		p, ok := byName[ch.Policy]
		if !ok {
			diags = append(diags, errorAt(ch.PolicyRange, "Unknown policy",
				fmt.Sprintf("No built-in policy or package in %s is called %q; 'gpaudit policies' lists the built-in ones.%s", userDir, ch.Policy, suggest.Phrase(ch.Policy, slices.Sorted(maps.Keys(byName))))))
			continue
		}
		diags = append(diags, c.checkPolicy(ch, p)...)
	}
	return diags
}

func (c *Config) checkPolicy(ch *Check, p PolicyInfo) hcl.Diagnostics {
	var diags hcl.Diagnostics
	if co := c.Cohort(ch.Cohort); co != nil && len(p.Datasets) > 0 && !slices.Contains(p.Datasets, co.Dataset) {
		diags = append(diags, errorAt(ch.PolicyRange, "Policy does not read this dataset",
			fmt.Sprintf("Policy %q reads %s; cohort %q is %s.", p.Name, strings.Join(p.Datasets, ", "), co.Name, co.Dataset)))
	}
	for _, k := range slices.Sorted(maps.Keys(p.With)) {
		name, ok := ch.With[k]
		if !ok {
			diags = append(diags, errorAt(ch.DeclRange, "Missing with cohort",
				fmt.Sprintf("Policy %q reads a %s cohort as with.%s; add with = { %s = cohort.NAME }.", p.Name, p.With[k], k, k)))
			continue
		}
		if co := c.Cohort(name); co != nil && co.Dataset != p.With[k] {
			diags = append(diags, errorAt(ch.DeclRange, "Wrong dataset for with cohort",
				fmt.Sprintf("Policy %q reads with.%s as %s; cohort %q is %s.", p.Name, k, p.With[k], name, co.Dataset)))
		}
	}
	if p.Params == nil {
		return diags // a policy without declared parameters takes any
	}
	return append(diags, ch.checkParams(p)...)
}

// checkParams holds the check's params against the policy's declared ones,
// reporting in source order.
func (ch *Check) checkParams(p PolicyInfo) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, k := range slices.Sorted(maps.Keys(ch.Params)) {
		def, ok := p.Params[k]
		if !ok {
			takes := "it takes no parameters"
			if len(p.Params) > 0 {
				takes = "it takes " + strings.Join(slices.Sorted(maps.Keys(p.Params)), ", ")
			}
			diags = append(diags, errorAt(ch.paramRange(k, false), "Unknown policy parameter",
				fmt.Sprintf("Policy %q has no parameter %q; %s.%s", p.Name, k, takes, suggest.Phrase(k, slices.Sorted(maps.Keys(p.Params))))))
			continue
		}
		if path, got := mistyped(k, def, ch.Params[k]); path != "" {
			detail := fmt.Sprintf("Policy %q takes %s for %s (its default is %s); %s is %s.",
				p.Name, jsonType(def), k, showDefault(def), path, jsonType(got))
			if got == nil {
				detail += fmt.Sprintf(" Leave %s out to use the default.", k)
			}
			diags = append(diags, errorAt(ch.paramRange(k, true), "Wrong type for policy parameter", detail))
		}
	}
	slices.SortStableFunc(diags, func(a, b *hcl.Diagnostic) int { return startByte(a) - startByte(b) })
	return diags
}

// paramRange is where to report parameter k: its value (or its key, for a
// name the policy does not take) when params is an object literal, else the
// whole params attribute.
func (ch *Check) paramRange(k string, value bool) hcl.Range {
	r, ok := ch.paramRanges[k]
	switch {
	case !ok:
		return ch.ParamsRange
	case value:
		return r.value
	}
	return r.key
}

// mistyped compares a parameter's value with the policy's default, which
// fixes its JSON type: a number where the policy compares strings, or a
// string where it iterates a list, would make its rules undefined and the
// check pass unseen. Lists are checked element by element against a default
// whose elements share one type, and objects key by key where both have the
// key. It returns the path of the first value of the wrong type, such as
// "allowed[2]", and that value; path is "" when every type matches. A null
// default says nothing of the type, so it takes anything; a null value is
// wrong, as it hides the default.
func mistyped(path string, def, got any) (string, any) {
	if def == nil {
		return "", nil
	}
	if got == nil || jsonKind(got) != jsonKind(def) {
		return path, got
	}
	switch d := def.(type) {
	case []any:
		elem, ok := sameKind(d)
		if !ok {
			return "", nil
		}
		for i, e := range got.([]any) {
			if p, v := mistyped(fmt.Sprintf("%s[%d]", path, i), elem, e); p != "" {
				return p, v
			}
		}
	case map[string]any:
		g := got.(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(d)) {
			if e, ok := g[k]; ok {
				if p, v := mistyped(path+"."+k, d[k], e); p != "" {
					return p, v
				}
			}
		}
	}
	return "", nil
}

// sameKind returns the first element of list when every element has its
// JSON type; ok is false for an empty or mixed list, whose elements can
// then be anything.
func sameKind(list []any) (elem any, ok bool) {
	if len(list) == 0 || list[0] == nil {
		return nil, false
	}
	for _, e := range list[1:] {
		if jsonKind(e) != jsonKind(list[0]) {
			return nil, false
		}
	}
	return list[0], true
}

// jsonKind names the JSON type of a plain value (see Cohort.Filter).
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case []any:
		return "list"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// jsonType is jsonKind as a phrase for a diagnostic: "a string", "a list
// of numbers", "null".
func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case []any:
		if e, ok := sameKind(x); ok {
			return "a list of " + jsonKind(e) + "s"
		}
		return "a list"
	case map[string]any:
		return "an object"
	}
	return "a " + jsonKind(v)
}

// showDefault renders a default as JSON, cut short: a diagnostic line is
// no place for a long list.
func showDefault(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return jsonType(v)
	}
	const limit = 40
	if s := []rune(string(b)); len(s) > limit {
		return string(s[:limit]) + "…"
	}
	return string(b)
}

// WhereDiagnostics points each where expression that does not compile at
// its cohort's where attribute. errs maps a cohort name to why its where
// does not compile; names the configuration does not declare are ignored.
func (c *Config) WhereDiagnostics(errs map[string]error) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, co := range c.Cohorts {
		if err, ok := errs[co.Name]; ok {
			diags = append(diags, errorAt(co.WhereRange, "Invalid where expression", err.Error()))
		}
	}
	return diags
}

func errorAt(rng hcl.Range, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: rng.Ptr()}
}
