package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/gpaudit/gpaudit/cells"
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
	rows := make([]policyRow, len(list))
	for i, p := range list {
		rows[i] = policyRow{name: p.Name, datasets: english.OrDash(strings.Join(p.Datasets, ", ")), title: p.Title}
		if !p.Builtin {
			rows[i].name += " (custom)"
		}
		rows[i].params = paramList(p.Params)
	}
	var b bytes.Buffer
	if !writePolicyTable(&b, rows, e.columns()) {
		b.Reset()
		writePolicyBlocks(&b, rows, e.columns())
	}
	if _, err := e.stdout.Write(b.Bytes()); err != nil {
		return fmt.Errorf("policies: %w", err)
	}
	return nil
}

// policyRow is one policy as gpaudit policies lists it.
type policyRow struct {
	name, datasets, title string
	params                []string // "name = default", sorted
}

// writePolicyTable writes the policies as a table, one line each, and
// reports whether it fits width (0: any width fits).
func writePolicyTable(b *bytes.Buffer, rows []policyRow, width int) bool {
	tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "POLICY\tDATASETS\tPARAMETERS\tTITLE")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.name, r.datasets, english.OrDash(strings.Join(r.params, ", ")), r.title)
	}
	tw.Flush()
	if width <= 0 {
		return true
	}
	for line := range strings.Lines(b.String()) {
		if cells.Width(strings.TrimRight(line, "\n")) > width {
			return false
		}
	}
	return true
}

// writePolicyBlocks writes the policies for a terminal too narrow for the
// table: the name and datasets, under them the title and each parameter,
// indented; a list too long for a line continues under its first element,
// and what still does not fit is cut with an ellipsis.
func writePolicyBlocks(b *bytes.Buffer, rows []policyRow, width int) {
	nameW := 0
	for _, r := range rows {
		nameW = max(nameW, cells.Width(r.name))
	}
	const indent = "    "
	for _, r := range rows {
		b.WriteString(cells.Cut(strings.TrimRight(cells.Pad(r.name, nameW)+"  "+r.datasets, " "), width) + "\n")
		b.WriteString(cells.Cut(indent+r.title, width) + "\n")
		for _, p := range r.params {
			for _, line := range breakList(indent+p, width) {
				b.WriteString(cells.Cut(line, width) + "\n")
			}
		}
	}
}

// breakList breaks a parameter line whose value is a JSON list, such as
// `allowed = ["apple","facebook"]`, after its commas so that each line fits
// width, the lines after the first aligned under the first element.
func breakList(line string, width int) []string {
	open := strings.Index(line, "= [")
	if cells.Width(line) <= width || open < 0 {
		return []string{line}
	}
	cont := strings.Repeat(" ", cells.Width(line[:open+3]))
	var lines []string
	cur := line[:open+3]
	for i, item := range strings.Split(line[open+3:], ",") {
		if i > 0 {
			item = "," + item
		}
		if i > 0 && cells.Width(cur+item)+1 > width { // +1: the comma that ends a line
			lines = append(lines, cur+",")
			cur = cont + strings.TrimPrefix(item, ",")
			continue
		}
		cur += item
	}
	return append(lines, cur)
}

// formatParams renders parameter defaults as HCL would write them.
func formatParams(params map[string]any) string {
	return strings.Join(paramList(params), ", ")
}

// paramList is each parameter with its default, "name = value", sorted by
// name.
func paramList(params map[string]any) []string {
	var list []string
	for _, k := range slices.Sorted(maps.Keys(params)) {
		v, _ := json.Marshal(params[k])
		list = append(list, fmt.Sprintf("%s = %s", k, v))
	}
	return list
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
