package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/gpaudit/gpaudit/engine"
)

// JSON writes the schema_version 1 document SPEC.md fixes.
type JSON struct {
	version string
}

// NewJSON returns a JSON reporter that names opts.Version as the tool version.
func NewJSON(opts Options) *JSON {
	return &JSON{version: opts.Version}
}

// The json* types fix the document's key order by their field order.
type jsonDoc struct {
	SchemaVersion int          `json:"schema_version"`
	Tool          jsonTool     `json:"tool"`
	AsOf          string       `json:"as_of"`
	PII           string       `json:"pii"`
	Inputs        jsonInputs   `json:"inputs"`
	Summary       jsonSummary  `json:"summary"`
	Cohorts       []jsonCohort `json:"cohorts"`
	Checks        []jsonCheck  `json:"checks"`
	Waivers       []jsonWaiver `json:"waivers"`
}

type jsonTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type jsonInputs struct {
	Config   []jsonFile    `json:"config"`
	Snapshot *jsonSnapshot `json:"snapshot,omitempty"`
}

type jsonFile struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

type jsonSnapshot struct {
	ManifestSHA256 string `json:"manifest_sha256"`
	CreatedAt      string `json:"created_at"`
}

type jsonSummary struct {
	Checks   int `json:"checks"`
	Passed   int `json:"passed"`
	Failed   int `json:"failed"`
	Errors   int `json:"errors"`
	Skipped  int `json:"skipped"`
	Findings int `json:"findings"`
	Warnings int `json:"warnings"`
	Waived   int `json:"waived"`
	// New and Resolved are there only under a baseline.
	New      *int `json:"new,omitempty"`
	Resolved *int `json:"resolved,omitempty"`
}

type jsonCohort struct {
	Name     string `json:"name"`
	Source   string `json:"source"`
	Dataset  string `json:"dataset"`
	Records  int    `json:"records"`
	Status   string `json:"status"`
	Error    string `json:"error"`
	Via      string `json:"via"`
	Requests int    `json:"requests"`
	Retries  int    `json:"retries"`
	Verified bool   `json:"verified"`
}

type jsonCheck struct {
	Name     string        `json:"name"`
	Title    string        `json:"title"`
	Policy   string        `json:"policy"`
	Cohort   string        `json:"cohort"`
	Severity string        `json:"severity"`
	Tags     []string      `json:"tags"`
	Status   string        `json:"status"`
	Records  int           `json:"records"`
	Error    string        `json:"error"`
	Findings []jsonFinding `json:"findings"`
	Warnings []jsonFinding `json:"warnings"`
	// Resolved is there only under a baseline.
	Resolved *[]jsonResolved `json:"resolved,omitempty"`
}

// jsonFinding is a deny finding or a warning. Warnings are never waived
// nor held against a baseline, so they have no waived_by or baseline; a
// deny finding always has waived_by, and baseline under a baseline.
type jsonFinding struct {
	ID       string         `json:"id"`
	Subject  string         `json:"subject"`
	RecordID string         `json:"record_id"`
	Message  string         `json:"message"`
	Details  map[string]any `json:"details"`
	WaivedBy *string        `json:"waived_by,omitempty"`
	Baseline string         `json:"baseline,omitempty"`
}

type jsonResolved struct {
	ID       string `json:"id"`
	Subject  string `json:"subject"`
	RecordID string `json:"record_id"`
}

type jsonWaiver struct {
	Name    string `json:"name"`
	Check   string `json:"check"`
	Owner   string `json:"owner"`
	Reason  string `json:"reason"`
	Expires string `json:"expires"`
	Status  string `json:"status"`
	Matched int    `json:"matched"`
}

// Report writes r as one indented JSON document. Nothing is written if r
// cannot be encoded, for example when a finding's details hold a NaN.
func (j *JSON) Report(w io.Writer, r *engine.Results) error {
	t := count(r)
	doc := jsonDoc{
		SchemaVersion: 1,
		Tool:          jsonTool{Name: "gpaudit", Version: j.version},
		AsOf:          formatAsOf(r.AsOf),
		PII:           "masked",
		Inputs:        jsonInputsOf(r.Inputs),
		Summary: jsonSummary{
			Checks: t.checks, Passed: t.passed, Failed: t.failed, Errors: t.errors,
			Skipped: t.skipped, Findings: t.findings, Warnings: t.warnings, Waived: t.waived,
		},
		Cohorts: make([]jsonCohort, 0, len(r.Cohorts)),
		Checks:  make([]jsonCheck, 0, len(r.Checks)),
		Waivers: make([]jsonWaiver, 0, len(r.Waivers)),
	}
	if r.Baseline {
		doc.Summary.New, doc.Summary.Resolved = &t.fresh, &t.resolved
	}
	if r.ShowsPII {
		doc.PII = "shown"
	}
	for _, c := range r.Cohorts {
		doc.Cohorts = append(doc.Cohorts, jsonCohort{
			Name: c.Name, Source: c.Source, Dataset: c.Dataset,
			Records: c.Records, Status: c.Status, Error: c.Error,
			Via: c.Via, Requests: c.Requests, Retries: c.Retries, Verified: c.Verified,
		})
	}
	for _, c := range r.Checks {
		tags := c.Tags
		if tags == nil {
			tags = []string{}
		}
		jc := jsonCheck{
			Name: c.Name, Title: c.Title, Policy: c.Policy, Cohort: c.Cohort,
			Severity: c.Severity, Tags: tags, Status: c.Status, Records: c.Records,
			Error: c.Error, Findings: jsonFindings(c.Findings, true), Warnings: jsonFindings(c.Warnings, false),
		}
		if r.Baseline {
			resolved := make([]jsonResolved, 0, len(c.Resolved))
			for _, p := range c.Resolved {
				resolved = append(resolved, jsonResolved{ID: p.ID, Subject: p.Subject, RecordID: p.RecordID})
			}
			jc.Resolved = &resolved
		}
		doc.Checks = append(doc.Checks, jc)
	}
	for _, w := range r.Waivers {
		doc.Waivers = append(doc.Waivers, jsonWaiver{
			Name: w.Name, Check: w.Check, Owner: w.Owner, Reason: w.Reason,
			Expires: w.Expires.UTC().Format(time.RFC3339), Status: w.Status, Matched: w.Matched,
		})
	}

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Messages quote player data and Rego; \u003c in place of < helps no reader.
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("encode json report: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write json report: %w", err)
	}
	return nil
}

// jsonFindings converts deny findings (deny set) or warnings.
func jsonFindings(fs []engine.Finding, deny bool) []jsonFinding {
	out := make([]jsonFinding, 0, len(fs))
	for _, f := range fs {
		details := f.Details
		if details == nil {
			details = map[string]any{}
		}
		jf := jsonFinding{ID: f.ID, Subject: f.Subject, RecordID: f.RecordID, Message: f.Message, Details: details}
		if deny {
			jf.WaivedBy, jf.Baseline = &f.WaivedBy, f.Baseline
		}
		out = append(out, jf)
	}
	return out
}

func jsonInputsOf(in engine.Inputs) jsonInputs {
	out := jsonInputs{Config: make([]jsonFile, 0, len(in.Config))}
	for _, f := range in.Config {
		out.Config = append(out.Config, jsonFile{Path: f.Path, SHA256: f.SHA256})
	}
	if s := in.Snapshot; s != nil {
		out.Snapshot = &jsonSnapshot{ManifestSHA256: s.ManifestSHA256, CreatedAt: s.CreatedAt}
	}
	return out
}
