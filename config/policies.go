package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
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
// every parameter given. A policy over the wrong records, or with a
// misspelt parameter, would pass unseen, so each is an error diagnostic.
// userDir is the folder of the user's policies, which the unknown-policy
// diagnostic names.
func (c *Config) CheckPolicies(policies []PolicyInfo, userDir string) hcl.Diagnostics {
	byName := make(map[string]PolicyInfo, len(policies))
	for _, p := range policies {
		byName[p.Name] = p
	}
	var diags hcl.Diagnostics
	for _, ch := range c.Checks {
		p, ok := byName[ch.Policy]
		if !ok {
			diags = append(diags, errorAt(ch.PolicyRange, "Unknown policy",
				fmt.Sprintf("No built-in policy or package in %s is called %q; 'gpaudit policies' lists the built-in ones.", userDir, ch.Policy)))
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
	for _, k := range slices.Sorted(maps.Keys(ch.Params)) {
		if _, ok := p.Params[k]; !ok {
			diags = append(diags, errorAt(ch.DeclRange, "Unknown policy parameter",
				fmt.Sprintf("Policy %q has no parameter %q; it takes %s.", p.Name, k, strings.Join(slices.Sorted(maps.Keys(p.Params)), ", "))))
		}
	}
	return diags
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
