package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/gpaudit/gpaudit/engine"
	"github.com/gpaudit/gpaudit/english"
	"github.com/gpaudit/gpaudit/policies"
)

// policiesFormats are the values of policies --format.
var policiesFormats = []string{"text", "json"}

func runPolicies(ctx context.Context, name string, args []string, e *env) error {
	var format string
	fs := newFlagSet(name, "policies [--format text|json] [DIR]\n\nLists the built-in policies, and with DIR also those in DIR/policies.", e)
	fs.StringVar(&format, "format", "text", "output format: "+english.Or(policiesFormats))
	dir, done, err := parseFlags(fs, args)
	if err != nil || done {
		return err
	}
	if !slices.Contains(policiesFormats, format) {
		return usageErrorf("policies: --format %q: want %s", format, english.Or(policiesFormats))
	}
	// The user's policies are listed with the library when DIR is named or
	// holds HCL; elsewhere "policies" says what gpaudit ships with.
	opts := engine.Options{Builtin: policies.FS}
	if fs.NArg() == 1 || hasHCL(dir) {
		opts.UserDir = filepath.Join(dir, "policies")
	}
	eng, err := engine.New(ctx, opts)
	if err != nil {
		return usageErrorf("policies: %v", err)
	}
	list := eng.Policies()
	if format == "json" {
		return writePoliciesJSON(e, list)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "POLICY\tDATASETS\tPARAMETERS\tTITLE")
	for _, p := range list {
		name := p.Name
		if !p.Builtin {
			name += " (custom)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", name, english.OrDash(strings.Join(p.Datasets, ", ")), english.OrDash(formatParams(p.Params)), p.Title)
	}
	return tw.Flush()
}

// formatParams renders parameter defaults as HCL would write them.
func formatParams(params map[string]any) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		v, _ := json.Marshal(params[k])
		parts[i] = fmt.Sprintf("%s = %s", k, v)
	}
	return strings.Join(parts, ", ")
}

// policyJSON is one entry of `gpaudit policies --format json`.
type policyJSON struct {
	Name        string         `json:"name"`
	Title       string         `json:"title"`
	Description string         `json:"description"`
	Datasets    []string       `json:"datasets"`
	Params      map[string]any `json:"params"`
	Builtin     bool           `json:"builtin"`
}

func writePoliciesJSON(e *env, list []engine.Policy) error {
	out := make([]policyJSON, 0, len(list))
	for _, p := range list {
		pj := policyJSON{Name: p.Name, Title: p.Title, Description: p.Description, Datasets: p.Datasets, Params: p.Params, Builtin: p.Builtin}
		if pj.Datasets == nil {
			pj.Datasets = []string{}
		}
		if pj.Params == nil {
			pj.Params = map[string]any{}
		}
		out = append(out, pj)
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
