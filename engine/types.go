// Package engine evaluates checks over cohorts with OPA and gives Results.
// It knows nothing of HCL syntax or output formats.
package engine

import "time"

// Check statuses.
const (
	StatusPass  = "pass"
	StatusFail  = "fail"
	StatusError = "error"
	StatusSkip  = "skip"
)

// Results is the outcome of one run, in the stable order SPEC.md fixes.
type Results struct {
	AsOf time.Time
	// ShowsPII is true when personal data in findings and errors is as the
	// policies and sources gave it (Engine.ShowPII); false when masked.
	ShowsPII bool
	// Inputs name the files the run read. Run leaves them empty: the caller
	// read the configuration and the snapshot, and fills them in.
	Inputs  Inputs
	Cohorts []CohortResult
	Checks  []CheckResult
	// Waivers are the waivers Waive held the findings against, in
	// declaration order; nil when none were given (or --no-waivers).
	Waivers []WaiverResult
	// Baseline is set once CompareBaseline has marked every finding new or
	// existing: reports then give the new and resolved counts.
	Baseline bool
}

// Inputs are the evidence of which configuration and data a report speaks
// for (SPEC.md, "Evidence").
type Inputs struct {
	// Config are every configuration and policy file read, in a stable order.
	Config []InputFile
	// Snapshot is the snapshot read or saved; nil when there was none.
	Snapshot *SnapshotInput
}

// InputFile is one file read, by the path a report shows and the SHA-256
// of the bytes read, in hex.
type InputFile struct {
	Path   string
	SHA256 string
}

// SnapshotInput names a snapshot by its manifest.
type SnapshotInput struct {
	ManifestSHA256 string // hex of the manifest file's bytes
	CreatedAt      string // the manifest's created_at, as written there
}

// Cohort statuses.
const (
	CohortOK    = "ok"
	CohortError = "error"
	// CohortUnused is a cohort that no selected check reads: not loaded.
	CohortUnused = "unused"
)

// CohortResult says how loading one cohort went.
type CohortResult struct {
	Name    string
	Source  string
	Dataset string
	Records int
	Status  string // CohortOK, CohortError or CohortUnused
	Error   string
	// Via, Requests, Retries and Verified say how it was read (fetch.Stats).
	Via      string
	Requests int
	Retries  int
	Verified bool
}

// CheckResult is one check's outcome.
type CheckResult struct {
	Name     string
	Title    string
	Policy   string
	Cohort   string
	Severity string
	Tags     []string
	File     string // the HCL file that declares the check
	// Line is the line of File where the check block starts, for reports
	// that point at it (SARIF); 0 when unknown.
	Line int
	// Description is the policy's description from its METADATA; "" when
	// the policy has none or is unknown.
	Description string
	Status      string // pass | fail | error | skip
	Records     int
	Error       string
	Findings    []Finding // from deny, sorted by subject, record id, message
	Warnings    []Finding // from warn, same order
	// Resolved are the findings of the baseline that this check no longer
	// reports; set by CompareBaseline for checks that ran (pass or fail).
	Resolved []Resolved
}

// Finding is one element of a policy's deny or warn set.
type Finding struct {
	// ID is the finding's identity from run to run (see FindingID).
	ID       string
	Subject  string
	RecordID string
	// Key tells apart several findings a policy makes about one record; it
	// is part of the ID and is not kept in Details.
	Key     string
	Message string
	Details map[string]any // every other key the policy returned; never nil
	// WaivedBy names the active waiver that waives the finding, or is "".
	WaivedBy string
	// Baseline is BaselineNew or BaselineExisting under a baseline, else "".
	Baseline string
}
