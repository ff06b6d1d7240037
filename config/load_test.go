package config

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"
)

// specExample is the example of SPEC.md's "The HCL language", spread over
// two files.
var specExample = map[string]string{
	"main.hcl": `variable "max_block_days" {
  type        = number
  default     = 30
  description = "Longest a manual block may stay active."
}

source "gamepot" "main" {                  # kinds: gamepot, ncloud_chat; label two is a name
  endpoint   = "https://dashboard-api.gamepot.ntruss.com"   # this is the default
  project_id = env("GAMEPOT_PROJECT_ID")
  api_key    = env("GAMEPOT_API_KEY")      # secrets come from env() or sensitive variables
  language   = "en"                        # accept-language for the v1 endpoint
}

source "ncloud_chat" "main" {
  project_id = env("NCLOUD_CHAT_PROJECT_ID")
  api_key    = env("NCLOUD_CHAT_API_KEY")
}

cohort "active_manual_blocks" {
  source  = source.gamepot.main
  dataset = "memberblock"                  # linkings | memberblock | user_block | chat_members
  filter  = { type = "manual", status = 1, deleted = false }   # sent to the API; exact match
  where   = "time.parse_rfc3339_ns(record.startedAt) < input.now_ns"   # optional, Rego, per record
}

cohort "google_links" {
  source  = source.gamepot.main
  dataset = "linkings"
  filter  = { provider = "google" }
}
`,
	"checks.hcl": `cohort "blocked_in_chat" {
  source  = source.ncloud_chat.main
  dataset = "chat_members"
  users   = cohort.active_manual_blocks     # one lookup per player of that cohort
}                                           # or users = ["id", …] or users_file = "ids.txt"

check "manual_block_max_days" {
  title    = "No active manual block longer than ${var.max_block_days} days"
  cohort   = cohort.active_manual_blocks
  policy   = "gamepot.blocks.max_duration"  # a Rego package: built-in or in DIR/policies/
  params   = { max_days = var.max_block_days, type = "manual" }
  with     = { chat = cohort.blocked_in_chat }   # more cohorts, for joins
  severity = "high"                          # info | low | medium | high | critical
  tags     = ["compliance", "blocks"]
}

check "links" {
  cohort = cohort.google_links
  policy = "gamepot.linkings.one_per_provider"
}
`,
}

func TestLoadSpecExample(t *testing.T) {
	writeFiles(t, specExample)
	cfg, diags := Load(".", Options{})
	if len(diags) > 0 {
		t.Fatalf("unexpected diagnostics:\n%s", diagText(t, cfg.Files, diags))
	}
	want := &Config{
		Dir: ".",
		Variables: []*Variable{
			{Name: "max_block_days", Description: "Longest a manual block may stay active.", Value: json.Number("30")},
		},
		Sources: []*Source{
			{Kind: "gamepot", Name: "main"},
			{Kind: "ncloud_chat", Name: "main"},
		},
		// checks.hcl comes first, but blocked_in_chat needs active_manual_blocks.
		Cohorts: []*Cohort{
			{
				Name: "active_manual_blocks", Source: "gamepot.main", Dataset: "memberblock",
				Filter: map[string]any{"type": "manual", "status": json.Number("1"), "deleted": false},
				Where:  "time.parse_rfc3339_ns(record.startedAt) < input.now_ns",
			},
			{Name: "blocked_in_chat", Source: "ncloud_chat.main", Dataset: "chat_members", UsersCohort: "active_manual_blocks"},
			{Name: "google_links", Source: "gamepot.main", Dataset: "linkings", Filter: map[string]any{"provider": "google"}},
		},
		Checks: []*Check{
			{
				Name:     "manual_block_max_days",
				Title:    "No active manual block longer than 30 days",
				Policy:   "gamepot.blocks.max_duration",
				Cohort:   "active_manual_blocks",
				Params:   map[string]any{"max_days": json.Number("30"), "type": "manual"},
				With:     map[string]string{"chat": "blocked_in_chat"},
				Severity: "high",
				Tags:     []string{"compliance", "blocks"},
				File:     "checks.hcl",
			},
			{Name: "links", Title: "links", Policy: "gamepot.linkings.one_per_provider", Cohort: "google_links", Severity: "medium", File: "checks.hcl"},
		},
	}
	ignore := cmp.Options{
		cmpopts.IgnoreFields(Config{}, "Files"),
		cmpopts.IgnoreTypes(hcl.Range{}),
		cmpopts.IgnoreUnexported(Config{}, Source{}, Check{}),
	}
	if diff := cmp.Diff(want, cfg, ignore); diff != "" {
		t.Errorf("config mismatch (-want +got):\n%s", diff)
	}

	// The ranges the engine and the reports point at.
	ranges := map[string]string{
		"check":       cfg.Checks[0].DeclRange.String(),
		"policy":      cfg.Checks[0].PolicyRange.String(),
		"where":       cfg.Cohorts[0].WhereRange.String(),
		"cohort":      cfg.Cohorts[0].DeclRange.String(),
		"source":      cfg.Sources[1].DeclRange.String(),
		"variable":    cfg.Variables[0].DeclRange.String(),
		"files/check": cfg.Files["checks.hcl"].Body.(interface{ Range() hcl.Range }).Range().Filename,
	}
	wantRanges := map[string]string{
		"check":       "checks.hcl:7,1-30",
		"policy":      "checks.hcl:10,14-43",
		"where":       "main.hcl:23,13-69",
		"cohort":      "main.hcl:19,1-30",
		"source":      "main.hcl:14,1-28",
		"variable":    "main.hcl:1,1-26",
		"files/check": "checks.hcl",
	}
	if diff := cmp.Diff(wantRanges, ranges); diff != "" {
		t.Errorf("ranges mismatch (-want +got):\n%s", diff)
	}
	if c := cfg.Cohort("google_links"); c == nil || c.Dataset != "linkings" {
		t.Errorf("Cohort(google_links) = %+v", c)
	}
	if s := cfg.Source("ncloud_chat.main"); s == nil || s.Kind != "ncloud_chat" {
		t.Errorf("Source(ncloud_chat.main) = %+v", s)
	}
	if cfg.Cohort("nope") != nil || cfg.Source("gamepot.nope") != nil {
		t.Error("lookups of undeclared names are not nil")
	}
}

func TestLoadFolder(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		dir   string
		want  string
	}{
		{
			name:  "no hcl files",
			files: map[string]string{"README.md": "x", "sub/main.hcl": sourcesHCL, ".#main.hcl": "broken {"},
			dir:   ".",
			want:  "Error: No configuration files; The folder . holds no *.hcl file.\n",
		},
		{
			name:  "missing folder",
			files: map[string]string{},
			dir:   "nope",
			want:  "Error: Cannot read configuration folder; open nope: no such file or directory.\n",
		},
		{
			name:  "names are joined to the folder",
			files: map[string]string{"conf/main.hcl": "nope {}\n"},
			dir:   "conf",
			want: `conf/main.hcl:1,1-5: Unsupported block type; Blocks of type "nope" are not expected here.
  1 | nope {}
    | ^^^^
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			writeFiles(t, tt.files)
			cfg, diags := Load(tt.dir, Options{})
			if cfg == nil {
				t.Fatal("Load returned a nil Config")
			}
			if diff := cmp.Diff(tt.want, diagText(t, cfg.Files, diags)); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCohortOrder(t *testing.T) {
	main := `cohort "a" {
  source  = source.ncloud_chat.main
  dataset = "chat_members"
  users   = cohort.c
}

cohort "b" {
  source  = source.gamepot.main
  dataset = "user_block"
  users   = cohort.a
}

cohort "c" {
  source  = source.gamepot.main
  dataset = "user_block"
  users   = cohort.d
}

cohort "d" {
  source  = source.gamepot.main
  dataset = "linkings"
}
`
	cfg := mustLoad(t, main, nil, Options{})
	var got []string
	for _, c := range cfg.Cohorts {
		got = append(got, c.Name+"<"+c.UsersCohort)
	}
	// sources.hcl's "blocks" comes after main.hcl's cohorts.
	want := []string{"d<", "c<d", "a<c", "b<a", "blocks<"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order mismatch (-want +got):\n%s", diff)
	}
}

func TestCohortUsers(t *testing.T) {
	main := `variable "vip" {
  type    = list(string)
  default = ["v1", "v2", "v1"]
}

cohort "from_list" {
  source  = source.gamepot.main
  dataset = "user_block"
  users   = concat(["u1"], var.vip)
}

cohort "from_file" {
  source     = source.ncloud_chat.main
  dataset    = "chat_members"
  users_file = "ids/players.txt"
}

cohort "empty_file" {
  source     = source.ncloud_chat.main
  dataset    = "chat_members"
  users_file = "ids/none.txt"
}

cohort "from_windows" {
  source     = source.ncloud_chat.main
  dataset    = "chat_members"
  users_file = "ids/notepad.txt"
}
`
	files := map[string]string{
		"ids/players.txt": "# players to check\r\np1\r\n\r\n  p2  \n#p3\np1\np4",
		"ids/none.txt":    "# nobody yet\n",
		// A byte-order mark before the first id, CRLF, a tab and a
		// no-break space around ids, no newline at the end.
		"ids/notepad.txt": "\uFEFFw1\r\n\tw2\u00a0\r\nw3",
	}
	cfg := mustLoad(t, main, files, Options{})
	got := map[string][]string{}
	for _, c := range cfg.Cohorts {
		got[c.Name] = c.Users
	}
	want := map[string][]string{
		"from_list":    {"u1", "v1", "v2"},
		"from_file":    {"p1", "p2", "p4"},
		"empty_file":   {},
		"from_windows": {"w1", "w2", "w3"},
		"blocks":       nil,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("users mismatch (-want +got):\n%s", diff)
	}
}

func TestCohortSortAndWhere(t *testing.T) {
	main := `variable "field" {
  default = "createdAt"
}

cohort "links" {
  source  = source.gamepot.main
  dataset = "linkings"
  sort    = { (var.field) = -1, id = "1" }
  where   = "record.provider == \"google\""
}
`
	cfg := mustLoad(t, main, nil, Options{})
	c := cfg.Cohort("links")
	if diff := cmp.Diff(map[string]string{"createdAt": "-1", "id": "1"}, c.Sort); diff != "" {
		t.Errorf("sort mismatch (-want +got):\n%s", diff)
	}
	if want := `record.provider == "google"`; c.Where != want {
		t.Errorf("where = %q, want %q", c.Where, want)
	}
}

func BenchmarkLoad(b *testing.B) {
	dir := b.TempDir()
	for name, content := range specExample {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if _, diags := Load(dir, Options{}); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}
