package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/gpaudit/gpaudit/engine"
)

// SARIF writes a SARIF 2.1.0 log, valid against the OASIS schema, for code
// scanning tools: one run, one rule per check, one result per finding.
type SARIF struct {
	version string
}

// NewSARIF returns a SARIF reporter that names opts.Version as the version
// of the tool.
func NewSARIF(opts Options) *SARIF {
	return &SARIF{version: opts.Version}
}

// sarifSchema is the schema's own id, which SARIF viewers recognise; it is
// a name, never fetched by gpaudit.
const sarifSchema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// The sarif* types fix the log's key order by their field order and leave
// out what SARIF makes optional and gpaudit has nothing to say about.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
	Properties  sarifRunProps     `json:"properties"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name    string      `json:"name"`
	Version string      `json:"version,omitempty"`
	Rules   []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	ShortDescription     sarifText          `json:"shortDescription"`
	FullDescription      *sarifText         `json:"fullDescription,omitempty"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	Properties           sarifRuleProps     `json:"properties"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Severity string   `json:"severity"`
	Policy   string   `json:"policy"`
	Cohort   string   `json:"cohort"`
	Tags     []string `json:"tags"`
}

// sarifInvocation says whether every check could be evaluated; an errored
// check has no results, so its error is a notification tied to its rule.
type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications"`
}

type sarifNotification struct {
	Level          string       `json:"level"`
	Message        sarifText    `json:"message"`
	AssociatedRule sarifRuleRef `json:"associatedRule"`
}

type sarifRuleRef struct {
	ID    string `json:"id"`
	Index int    `json:"index"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations,omitempty"`
	PartialFingerprints map[string]string  `json:"partialFingerprints,omitempty"`
	BaselineState       string             `json:"baselineState,omitempty"`
	Suppressions        []sarifSuppression `json:"suppressions"`
	Properties          sarifResultProps   `json:"properties"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifSuppression struct {
	Kind          string              `json:"kind"`
	Status        string              `json:"status"`
	Justification string              `json:"justification"`
	Properties    sarifSuppressionRef `json:"properties"`
}

// sarifSuppressionRef names the waiver behind a suppression.
type sarifSuppressionRef struct {
	Waiver  string `json:"waiver"`
	Owner   string `json:"owner"`
	Expires string `json:"expires"`
}

type sarifResultProps struct {
	Subject  string `json:"subject"`
	RecordID string `json:"record_id"`
	// Warning marks a finding of the policy's warn set: it fails nothing.
	Warning bool `json:"warning,omitempty"`
}

type sarifRunProps struct {
	AsOf string `json:"as_of"`
	PII  string `json:"pii"`
}

// sarifFingerprint is the key of partialFingerprints that holds a finding's
// id, which stays the same from run to run.
const sarifFingerprint = "gpauditFinding"

// sarifLevel maps a check's severity to SARIF's level: what must be fixed
// is an error, what should be looked at a warning, the rest a note.
func sarifLevel(severity string) string {
	switch severity {
	case "critical", "high":
		return "error"
	case "medium":
		return "warning"
	default:
		return "note"
	}
}

// Report writes r as one SARIF log. Nothing is written if r cannot be
// encoded.
func (s *SARIF) Report(w io.Writer, r *engine.Results) error {
	waivers := make(map[string]engine.WaiverResult, len(r.Waivers))
	for _, wv := range r.Waivers {
		waivers[wv.Name] = wv
	}
	pii := "masked"
	if r.ShowsPII {
		pii = "shown"
	}
	run := sarifRun{
		Tool:        sarifTool{Driver: sarifDriver{Name: "gpaudit", Version: s.version, Rules: make([]sarifRule, 0, len(r.Checks))}},
		Invocations: []sarifInvocation{{ExecutionSuccessful: true, ToolExecutionNotifications: []sarifNotification{}}},
		Results:     []sarifResult{},
		Properties:  sarifRunProps{AsOf: formatAsOf(r.AsOf), PII: pii},
	}
	inv := &run.Invocations[0]
	for i, c := range r.Checks {
		tags := c.Tags
		if tags == nil {
			tags = []string{}
		}
		rule := sarifRule{
			ID:                   c.Name,
			ShortDescription:     sarifText{Text: c.Title},
			DefaultConfiguration: sarifConfiguration{Level: sarifLevel(c.Severity)},
			Properties:           sarifRuleProps{Severity: c.Severity, Policy: c.Policy, Cohort: c.Cohort, Tags: tags},
		}
		if rule.ShortDescription.Text == "" {
			rule.ShortDescription.Text = c.Name
		}
		if c.Description != "" {
			rule.FullDescription = &sarifText{Text: c.Description}
		}
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, rule)

		if c.Status == engine.StatusError {
			inv.ExecutionSuccessful = false
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
				Level:          "error",
				Message:        sarifText{Text: fmt.Sprintf("check %s could not be evaluated: %s", c.Name, c.Error)},
				AssociatedRule: sarifRuleRef{ID: c.Name, Index: i},
			})
		}
		where := sarifLocations(c)
		for _, f := range c.Findings {
			res := sarifFindingResult(c, i, f, where)
			res.Level = rule.DefaultConfiguration.Level
			if r.Baseline {
				res.BaselineState = "new"
				if f.Baseline == engine.BaselineExisting {
					res.BaselineState = "unchanged"
				}
			}
			if f.WaivedBy != "" {
				wv := waivers[f.WaivedBy]
				res.Suppressions = []sarifSuppression{{
					Kind: "external", Status: "accepted", Justification: wv.Reason,
					Properties: sarifSuppressionRef{Waiver: f.WaivedBy, Owner: wv.Owner, Expires: wv.Expires.UTC().Format(time.RFC3339)},
				}}
			}
			run.Results = append(run.Results, res)
		}
		for _, f := range c.Warnings {
			res := sarifFindingResult(c, i, f, where)
			res.Level = "note"
			res.Properties.Warning = true
			run.Results = append(run.Results, res)
		}
	}

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(sarifLog{Schema: sarifSchema, Version: "2.1.0", Runs: []sarifRun{run}}); err != nil {
		return fmt.Errorf("encode sarif report: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write sarif report: %w", err)
	}
	return nil
}

// sarifFindingResult is the part of a finding's result that deny findings
// and warnings share. Every result says that waivers were considered: an
// empty suppressions list means "not suppressed", an absent one "unknown".
func sarifFindingResult(c engine.CheckResult, index int, f engine.Finding, where []sarifLocation) sarifResult {
	res := sarifResult{
		RuleID:       c.Name,
		RuleIndex:    index,
		Message:      sarifText{Text: f.Message},
		Locations:    where,
		Suppressions: []sarifSuppression{},
		Properties:   sarifResultProps{Subject: f.Subject, RecordID: f.RecordID},
	}
	if res.Message.Text == "" {
		// SARIF wants a message; a policy may deny with an empty one.
		res.Message.Text = c.Name
	}
	if f.ID != "" {
		res.PartialFingerprints = map[string]string{sarifFingerprint: f.ID}
	}
	return res
}

// sarifLocations is where a check's findings point: its block in its HCL
// file, as a relative URI when the file was named relative to the working
// directory (as code scanning wants, against the repository's root), else
// a file: URI. None when the file is unknown.
func sarifLocations(c engine.CheckResult) []sarifLocation {
	if c.File == "" {
		return nil
	}
	loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: fileURI(c.File)}}}
	if c.Line > 0 {
		loc.PhysicalLocation.Region = &sarifRegion{StartLine: c.Line}
	}
	return []sarifLocation{loc}
}

// fileURI turns a file path into a URI reference: slashes, escaped, and a
// file: URI for an absolute path.
func fileURI(file string) string {
	p := filepath.ToSlash(file)
	if filepath.IsAbs(file) {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // a Windows path, C:/…
		}
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	// String writes "./" before a first segment with a colon, which would
	// otherwise read as a scheme.
	return (&url.URL{Path: path.Clean(p)}).String()
}
