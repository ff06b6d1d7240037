package config

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// waiverCheck is the check the waivers of these tests name, in checks.hcl.
const waiverCheck = `check "manual_block_max_days" {
  cohort = cohort.blocks
  policy = "gamepot.blocks.max_duration"
}
`

func TestLoadWaivers(t *testing.T) {
	cfg, diags := loadMain(t, `variable "owner" {
  default = "trust-safety@example.com"
}

waiver "legal_hold" {
  check    = check.manual_block_max_days
  subjects = ["0c9c8987-fc6f-44a9-abee-63e75b7f9c1b"]
  records  = ["TWVtYmVyQmxvY2s6ZWMx", "TWVtYmVyQmxvY2s6YzY5"]
  findings = ["f-3b1c0f4e9a2d7c55"]
  reason   = "Legal hold LH-2026-114: the block stays until the case closes."
  owner    = var.owner
  expires  = "2027-01-31"
}

waiver "until_noon" {
  check   = check.manual_block_max_days
  records = ["TWVtYmVyQmxvY2s6NWE3"]
  reason  = "Appeal decided at noon Seoul time."
  owner   = "appeals@example.com"
  expires = "2026-12-01T12:00:00+09:00"
}
`, map[string]string{"checks.hcl": waiverCheck}, Options{})
	if diags.HasErrors() {
		t.Fatalf("Load: %s", diagText(t, cfg.Files, diags))
	}
	want := []*Waiver{
		{
			Name: "legal_hold", Check: "manual_block_max_days",
			Subjects: []string{"0c9c8987-fc6f-44a9-abee-63e75b7f9c1b"},
			Records:  []string{"TWVtYmVyQmxvY2s6ZWMx", "TWVtYmVyQmxvY2s6YzY5"},
			Findings: []string{"f-3b1c0f4e9a2d7c55"},
			Reason:   "Legal hold LH-2026-114: the block stays until the case closes.",
			Owner:    "trust-safety@example.com",
			Expires:  time.Date(2027, 1, 31, 23, 59, 59, 0, time.UTC),
		},
		{
			Name: "until_noon", Check: "manual_block_max_days",
			Records: []string{"TWVtYmVyQmxvY2s6NWE3"},
			Reason:  "Appeal decided at noon Seoul time.", Owner: "appeals@example.com",
			Expires: time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC),
		},
	}
	if diff := cmp.Diff(want, cfg.Waivers, cmpopts.IgnoreFields(Waiver{}, "DeclRange")); diff != "" {
		t.Errorf("Waivers (-want +got):\n%s", diff)
	}
	if got := cfg.Waivers[1].DeclRange; got.Filename != "main.hcl" || got.Start.Line != 15 {
		t.Errorf("DeclRange = %s, want main.hcl line 15", got)
	}
}

// TestWaiverDiagnostics loads one mistake per row and compares the whole
// printed diagnostic: file, line, columns and message.
func TestWaiverDiagnostics(t *testing.T) {
	tests := []struct {
		name, main, want string
	}{
		{
			name: "unknown check, with a suggestion",
			main: `waiver "w" {
  check    = check.manual_block_max_day
  subjects = ["p1"]
  reason   = "r"
  owner    = "o"
  expires  = "2027-01-31"
}
`,
			want: `main.hcl:2,14-40: Reference to undeclared check; No check "manual_block_max_day" is declared. Did you mean "manual_block_max_days"?
  2 |   check    = check.manual_block_max_day
    |              ^^^^^^^^^^^^^^^^^^^^^^^^^^
`,
		},
		{
			name: "unknown check, nothing near",
			main: `waiver "w" {
  check    = check.email
  subjects = ["p1"]
  reason   = "r"
  owner    = "o"
  expires  = "2027-01-31"
}
`,
			want: `main.hcl:2,14-25: Reference to undeclared check; No check "email" is declared.
  2 |   check    = check.email
    |              ^^^^^^^^^^^
`,
		},
		{
			name: "check that is not a reference",
			main: `waiver "w" {
  check    = "manual_block_max_days"
  subjects = ["p1"]
  reason   = "r"
  owner    = "o"
  expires  = "2027-01-31"
}
`,
			want: `main.hcl:2,14-37: Invalid check reference; The check must be a reference like check.manual_block_max_days.
  2 |   check    = "manual_block_max_days"
    |              ^^^^^^^^^^^^^^^^^^^^^^^
`,
		},
		{
			name: "no subject, record or finding",
			main: `waiver "w" {
  check   = check.manual_block_max_days
  records = []
  reason  = "r"
  owner   = "o"
  expires = "2027-01-31"
}
`,
			want: `main.hcl:1,1-11: Waiver without a target; The waiver "w" names no subject, record or finding, so it would waive nothing, or everything; give subjects, records or findings.
  1 | waiver "w" {
    | ^^^^^^^^^^
`,
		},
		{
			name: "no owner",
			main: `waiver "w" {
  check    = check.manual_block_max_days
  subjects = ["p1"]
  reason   = "r"
  expires  = "2027-01-31"
}
`,
			want: `main.hcl:1,12-12: Missing required argument; The argument "owner" is required, but no definition was found.
  1 | waiver "w" {
    |            ^
`,
		},
		{
			name: "no reason",
			main: `waiver "w" {
  check    = check.manual_block_max_days
  subjects = ["p1"]
  owner    = "o"
  expires  = "2027-01-31"
}
`,
			want: `main.hcl:1,12-12: Missing required argument; The argument "reason" is required, but no definition was found.
  1 | waiver "w" {
    |            ^
`,
		},
		{
			name: "blank reason",
			main: `waiver "w" {
  check    = check.manual_block_max_days
  subjects = ["p1"]
  reason   = "  "
  owner    = "o"
  expires  = "2027-01-31"
}
`,
			want: `main.hcl:4,14-18: Empty reason; A waiver's reason may not be blank. Why the findings are accepted, e.g. "Legal hold LH-2026-114: the block stays until the case closes."
  4 |   reason   = "  "
    |              ^^^^
`,
		},
		{
			name: "expires next week",
			main: `waiver "w" {
  check    = check.manual_block_max_days
  subjects = ["p1"]
  reason   = "r"
  owner    = "o"
  expires  = "next week"
}
`,
			want: `main.hcl:6,14-25: Invalid expires; "next week" is neither a date such as 2027-01-31 (the waiver holds to the end of that day, UTC) nor an RFC 3339 time such as 2027-01-31T18:00:00Z.
  6 |   expires  = "next week"
    |              ^^^^^^^^^^^
`,
		},
		{
			name: "expires on a day that does not exist",
			main: `waiver "w" {
  check    = check.manual_block_max_days
  subjects = ["p1"]
  reason   = "r"
  owner    = "o"
  expires  = "2027-02-30"
}
`,
			want: `main.hcl:6,14-26: Invalid expires; "2027-02-30" is not a day of the calendar (day out of range); write a date such as 2027-01-31 or an RFC 3339 time such as 2027-01-31T18:00:00Z.
  6 |   expires  = "2027-02-30"
    |              ^^^^^^^^^^^^
`,
		},
		{
			name: "no expires",
			main: `waiver "w" {
  check    = check.manual_block_max_days
  subjects = ["p1"]
  reason   = "r"
  owner    = "o"
}
`,
			want: `main.hcl:1,12-12: Missing required argument; The argument "expires" is required, but no definition was found.
  1 | waiver "w" {
    |            ^
`,
		},
		{
			name: "one name twice",
			main: `waiver "w" {
  check    = check.manual_block_max_days
  subjects = ["p1"]
  reason   = "r"
  owner    = "o"
  expires  = "2027-01-31"
}

waiver "w" {
  check    = check.manual_block_max_days
  subjects = ["p2"]
  reason   = "r"
  owner    = "o"
  expires  = "2027-01-31"
}
`,
			want: `main.hcl:9,8-11: Duplicate waiver; Waiver "w" was already declared at main.hcl:1.
  9 | waiver "w" {
    |        ^^^
`,
		},
		{
			name: "ids that are empty, padded or not finding ids",
			main: `waiver "w" {
  check    = check.manual_block_max_days
  subjects = ["p1", ""]
  records  = [" b1"]
  findings = ["f-3B1C0F4E9A2D7C55"]
  reason   = "r"
  owner    = "o"
  expires  = "2027-01-31"
}
`,
			want: `main.hcl:3,21-23: Invalid player id; Each player id in subjects must be a non-empty string without white space at its ends, as reports give it.
  3 |   subjects = ["p1", ""]
    |                     ^^

main.hcl:4,15-20: Invalid record id; Each record id in records must be a non-empty string without white space at its ends, as reports give it.
  4 |   records  = [" b1"]
    |               ^^^^^

main.hcl:5,15-35: Invalid finding id; "f-3B1C0F4E9A2D7C55" is not a finding id; a finding id is f- and 16 hex digits, as a report gives it: f-3b1c0f4e9a2d7c55.
  5 |   findings = ["f-3B1C0F4E9A2D7C55"]
    |               ^^^^^^^^^^^^^^^^^^^^
`,
		},
		{
			name: "a sensitive value in a reason",
			main: `waiver "w" {
  check    = check.manual_block_max_days
  subjects = ["p1"]
  reason   = env("REASON")
  owner    = "o"
  expires  = "2027-01-31"
}
`,
			want: `main.hcl:4,14-27: Sensitive value not allowed here; The reason uses a sensitive value, env("REASON"), and would show in output. Sensitive variables and env() are for a source's attributes and a check's params; a setting that is not secret belongs in a variable, which GPAUDIT_VAR_<name> sets from the environment.
  4 |   reason   = env("REASON")
    |              ^^^^^^^^^^^^^
`,
		},
		{
			name: "a check reference outside a waiver",
			main: `check "c" {
  cohort = cohort.blocks
  policy = "p"
  title  = check.manual_block_max_days
}
`,
			want: `main.hcl:4,12-39: Invalid reference; A check is not a value; a check reference belongs only in a waiver's check.
  4 |   title  = check.manual_block_max_days
    |            ^^^^^^^^^^^^^^^^^^^^^^^^^^^
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, diags := loadMain(t, tt.main, map[string]string{"checks.hcl": waiverCheck}, Options{Environ: []string{"REASON=legal hold"}})
			if diff := cmp.Diff(tt.want, diagText(t, cfg.Files, diags)); diff != "" {
				t.Errorf("diagnostics mismatch (-want +got):\n%s", diff)
			}
			if len(cfg.Waivers) > 1 {
				t.Errorf("%d waivers kept; a waiver with a mistake is never applied", len(cfg.Waivers))
			}
		})
	}
}

func TestParseExpires(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2027-01-31", time.Date(2027, 1, 31, 23, 59, 59, 0, time.UTC), true},
		{"2028-02-29", time.Date(2028, 2, 29, 23, 59, 59, 0, time.UTC), true},
		{"2027-01-31T18:00:00Z", time.Date(2027, 1, 31, 18, 0, 0, 0, time.UTC), true},
		{"2027-02-01T03:00:00+09:00", time.Date(2027, 1, 31, 18, 0, 0, 0, time.UTC), true},
		{"2027-02-29", time.Time{}, false},
		{"2027-13-01", time.Time{}, false},
		{"2027-1-31", time.Time{}, false},
		{"31.01.2027", time.Time{}, false},
		{"2027-01-31 18:00", time.Time{}, false},
		{"", time.Time{}, false},
	}
	for _, tt := range tests {
		got, problem := parseExpires(tt.in)
		if (problem == "") != tt.ok || !got.Equal(tt.want) {
			t.Errorf("parseExpires(%q) = %v, %q; want %v, ok %v", tt.in, got, problem, tt.want, tt.ok)
		}
	}
}
