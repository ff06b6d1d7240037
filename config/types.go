// Package config reads a folder of gpaudit HCL files into a typed Config.
//
// It knows nothing of HTTP or Rego: it resolves variables, locals and
// references, checks every block against the language in SPEC.md and reports
// each mistake as an hcl.Diagnostic with the exact source range.
package config

import (
	"time"

	"github.com/hashicorp/hcl/v2"
)

// Config is everything declared in one folder of *.hcl files.
type Config struct {
	// Dir is the folder the files were read from.
	Dir string
	// Files maps each file name (as given in diagnostics) to its parsed body;
	// the diagnostic writer needs it to print source snippets.
	Files map[string]*hcl.File

	Variables []*Variable // declaration order
	Sources   []*Source   // declaration order
	Cohorts   []*Cohort   // dependency order: a cohort used as users comes before its users
	Checks    []*Check    // declaration order: files by name, blocks in file order
	Waivers   []*Waiver   // declaration order, as Checks

	files *fileLog // every file read; see FilesRead
}

// Variable is a declared input variable with its final value.
type Variable struct {
	Name        string
	Description string
	Sensitive   bool
	// Value is the resolved value as a plain Go value (see Cohort.Filter).
	Value     any
	DeclRange hcl.Range
}

// Source is a declared API source. Its attributes are resolved only when
// something is fetched from it, so offline commands work without credentials;
// Load checks them with unset environment variables left unknown, so their
// other mistakes show in validate as well.
type Source struct {
	Kind string // "gamepot" or "ncloud_chat"
	Name string
	// Endpoint, ProjectID, APIKey and Language are empty until Resolve.
	Endpoint  string
	ProjectID string
	APIKey    string
	Language  string
	DeclRange hcl.Range

	resolve func() hcl.Diagnostics
}

// ID is the source's address without the "source." prefix, e.g. "gamepot.main".
func (s *Source) ID() string { return s.Kind + "." + s.Name }

// Resolve evaluates the source's attributes (endpoint, project_id, api_key,
// language), filling the fields above. It reports unset environment variables
// and missing credentials as diagnostics.
func (s *Source) Resolve() hcl.Diagnostics {
	if s.resolve == nil {
		return nil
	}
	return s.resolve()
}

// Cohort is a declared set of player records.
type Cohort struct {
	Name    string
	Source  string // source ID, e.g. "gamepot.main"
	Dataset string // linkings | memberblock | user_block | chat_members
	// Filter is the exact-match filter sent to a list endpoint (nil when none).
	// Values are plain Go values: string, bool, nil, json.Number for numbers,
	// []any and map[string]any.
	Filter map[string]any
	// Sort is the optional sort sent to a list endpoint, field → "1" or "-1".
	Sort map[string]string
	// Where is an optional Rego expression over `record`, kept as written.
	Where      string
	WhereRange hcl.Range
	// Users are the player ids to look up one by one: from a literal list or
	// users_file (read at load time). Nil when the cohort has neither.
	Users []string
	// UsersCohort names the cohort whose subjects are the players to look up.
	UsersCohort string
	DeclRange   hcl.Range
}

// Check is a declared check: a policy evaluated over a cohort.
type Check struct {
	Name     string
	Title    string
	Policy   string // Rego package, e.g. "gamepot.blocks.max_duration"
	Cohort   string
	Params   map[string]any    // plain Go values, as Cohort.Filter
	With     map[string]string // key → cohort name
	Severity string            // info | low | medium | high | critical
	Tags     []string
	// File is the name of the file that declares the check (JUnit groups by it).
	File        string
	DeclRange   hcl.Range
	PolicyRange hcl.Range // the policy attribute's value, for "unknown policy" diagnostics
	// ParamsRange is the params attribute's value, where a parameter the
	// policy does not take is reported; zero when params is absent.
	ParamsRange hcl.Range

	// paramRanges holds the key and value ranges of each parameter written
	// out in an object literal, so a diagnostic can point at the one wrong
	// item rather than the whole object.
	paramRanges map[string]itemRange
}

// Waiver accepts findings of one check for a while, with a reason and an
// owner: the findings whose subject, record id or finding id it names.
type Waiver struct {
	Name  string
	Check string // the name of a declared check
	// Subjects, Records and Findings are player ids, record ids and finding
	// ids; at least one of them is given, each id non-empty.
	Subjects []string
	Records  []string
	Findings []string
	Reason   string
	Owner    string
	// Expires is the last instant the waiver holds, in UTC: a date given
	// alone ends at 23:59:59 of that day.
	Expires   time.Time
	DeclRange hcl.Range
}

// itemRange is where one item of an object literal is written.
type itemRange struct {
	key, value hcl.Range
}

// Severities lists the severities from lowest to highest.
var Severities = []string{"info", "low", "medium", "high", "critical"}

// SeverityRank returns the position of s in Severities, or -1.
func SeverityRank(s string) int {
	for i, v := range Severities {
		if v == s {
			return i
		}
	}
	return -1
}

// Options are the inputs to Load besides the files themselves.
type Options struct {
	// Vars are --var arguments in the order given, each "NAME=VALUE".
	Vars []string
	// VarFiles are --var-file paths in the order given.
	VarFiles []string
	// Environ is the process environment as "KEY=VALUE" pairs; env() and
	// GPAUDIT_VAR_<name> read it. Load never reads os.Environ itself.
	Environ []string
}
