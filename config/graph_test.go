package config

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// graphHCL has a users chain (watch ← blocks_of_watch ← chat_of_watch), a
// with join, a cohort no check reads and a second source read only through
// a users cohort.
const graphHCL = `
cohort "links" {
  source  = source.gamepot.main
  dataset = "linkings"
}
cohort "watch" {
  source  = source.gamepot.main
  dataset = "memberblock"
  filter  = { status = 1 }
}
cohort "blocks_of_watch" {
  source  = source.gamepot.main
  dataset = "user_block"
  users   = cohort.watch
}
cohort "chat_of_watch" {
  source  = source.ncloud_chat.main
  dataset = "chat_members"
  users   = cohort.blocks_of_watch
}
check "a" {
  cohort = cohort.links
  policy = "p.a"
  tags   = ["x"]
}
check "b" {
  cohort = cohort.chat_of_watch
  policy = "p.b"
  with   = { z = cohort.links, y = cohort.blocks }
  tags   = ["x", "y"]
}
check "c" {
  cohort = cohort.blocks
  policy = "p.c"
  tags   = ["y"]
}
`

func loadGraph(t *testing.T) *Config {
	t.Helper()
	cfg, diags := loadMain(t, graphHCL, nil, Options{})
	if diags.HasErrors() {
		t.Fatalf("load: %v", diags)
	}
	return cfg
}

func checkNames(cfg *Config, selected func(*Check) bool) []string {
	var out []string
	for _, ch := range cfg.Checks {
		if selected(ch) {
			out = append(out, ch.Name)
		}
	}
	return out
}

func TestSelect(t *testing.T) {
	cfg := loadGraph(t)
	for _, tc := range []struct {
		names, tags []string
		want        []string
		err         string
	}{
		{want: []string{"a", "b", "c"}},
		{names: []string{"b"}, want: []string{"b"}},
		{tags: []string{"y"}, want: []string{"b", "c"}},
		{names: []string{"a", "c"}, tags: []string{"y"}, want: []string{"c"}},
		{names: []string{"nope"}, err: `--check "nope": no check of that name is declared`},
		{tags: []string{"nope"}, err: `--tag "nope": no check has that tag`},
		{names: []string{"a"}, tags: []string{"y"}, err: "--check and --tag together select no check"},
	} {
		selected, err := cfg.Select(tc.names, tc.tags)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("Select(%q, %q) error = %v, want %q", tc.names, tc.tags, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Select(%q, %q): %v", tc.names, tc.tags, err)
			continue
		}
		if diff := cmp.Diff(tc.want, checkNames(cfg, selected)); diff != "" {
			t.Errorf("Select(%q, %q) (-want +got):\n%s", tc.names, tc.tags, diff)
		}
	}
}

// TestDeselected gives the reason a report shows for each check a run
// leaves out, and none for those it runs.
func TestDeselected(t *testing.T) {
	cfg := loadGraph(t)
	for _, tc := range []struct {
		names, tags []string
		want        []string // per check a, b, c
	}{
		{want: []string{"", "", ""}},
		{names: []string{"b"}, want: []string{"deselected by --check", "", "deselected by --check"}},
		{tags: []string{"y"}, want: []string{"deselected by --tag", "", ""}},
		{names: []string{"a", "c"}, tags: []string{"y"}, want: []string{"deselected by --tag", "deselected by --check", ""}},
	} {
		var got []string
		for _, ch := range cfg.Checks {
			got = append(got, Deselected(ch, tc.names, tc.tags))
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Deselected(%q, %q) (-want +got):\n%s", tc.names, tc.tags, diff)
		}
	}
}

func TestSelectNoChecks(t *testing.T) {
	cfg, diags := loadMain(t, "", nil, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if _, err := cfg.Select(nil, nil); err == nil || err.Error() != "no check is declared, so there is nothing to evaluate" {
		t.Errorf("Select on no checks: %v", err)
	}
}

func TestCohortsReadClosureSources(t *testing.T) {
	cfg := loadGraph(t)
	only := func(names ...string) func(*Check) bool {
		return func(ch *Check) bool { return slices.Contains(names, ch.Name) }
	}
	cohortNames := func(cs []*Cohort) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Name)
		}
		return out
	}
	sourceIDs := func(ss []*Source) []string {
		var out []string
		for _, s := range ss {
			out = append(out, s.ID())
		}
		return out
	}
	for _, tc := range []struct {
		selected            func(*Check) bool
		read, closure, srcs []string
	}{
		{
			selected: nil,
			read:     []string{"links", "chat_of_watch", "blocks"},
			closure:  []string{"links", "watch", "blocks_of_watch", "chat_of_watch", "blocks"},
			srcs:     []string{"gamepot.main", "ncloud_chat.main"},
		},
		{
			selected: only("a"),
			read:     []string{"links"},
			closure:  []string{"links"},
			srcs:     []string{"gamepot.main"},
		},
		{
			// with cohorts come after the check's own, by key: y before z.
			selected: only("b"),
			read:     []string{"chat_of_watch", "blocks", "links"},
			closure:  []string{"links", "watch", "blocks_of_watch", "chat_of_watch", "blocks"},
			srcs:     []string{"gamepot.main", "ncloud_chat.main"},
		},
	} {
		read := cfg.CohortsRead(tc.selected)
		if diff := cmp.Diff(tc.read, read); diff != "" {
			t.Errorf("CohortsRead (-want +got):\n%s", diff)
		}
		// Closure keeps the configuration's order (files by name, main.hcl
		// before sources.hcl, users before their readers), ignoring names it lacks.
		if diff := cmp.Diff(tc.closure, cohortNames(cfg.Closure(append(read, "undeclared")))); diff != "" {
			t.Errorf("Closure(%q) (-want +got):\n%s", read, diff)
		}
		if diff := cmp.Diff(tc.srcs, sourceIDs(cfg.SourcesFor(read))); diff != "" {
			t.Errorf("SourcesFor(%q) (-want +got):\n%s", read, diff)
		}
	}
}

func TestUsedBy(t *testing.T) {
	cfg := loadGraph(t)
	for name, want := range map[string][]string{
		"links":           {"check a", "check b (with z)"},
		"blocks":          {"check b (with y)", "check c"},
		"watch":           {"cohort blocks_of_watch (users)"},
		"blocks_of_watch": {"cohort chat_of_watch (users)"},
		"chat_of_watch":   {"check b"},
		"nothing":         nil,
	} {
		if diff := cmp.Diff(want, cfg.UsedBy(name)); diff != "" {
			t.Errorf("UsedBy(%q) (-want +got):\n%s", name, diff)
		}
	}
}

func TestCheckPolicies(t *testing.T) {
	cfg := loadGraph(t)
	all := []PolicyInfo{
		{Name: "p.a", Datasets: []string{"linkings"}, Params: map[string]any{}},
		{Name: "p.b", With: map[string]string{"z": "linkings", "y": "linkings", "x": "memberblock"}},
		{Name: "p.c", Datasets: []string{"linkings", "user_block"}},
	}
	if diags := cfg.CheckPolicies(all[:0], "dir/policies"); len(diags) != 3 {
		t.Errorf("with no policies: %d diagnostics, want one unknown policy per check", len(diags))
	}
	var got []string
	for _, d := range cfg.CheckPolicies(all, "dir/policies") {
		got = append(got, d.Summary+"; "+d.Detail)
	}
	want := []string{
		`Missing with cohort; Policy "p.b" reads a memberblock cohort as with.x; add with = { x = cohort.NAME }.`,
		`Wrong dataset for with cohort; Policy "p.b" reads with.y as linkings; cohort "blocks" is memberblock.`,
		`Policy does not read this dataset; Policy "p.c" reads linkings, user_block; cohort "blocks" is memberblock.`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CheckPolicies (-want +got):\n%s", diff)
	}
}

func TestWhereDiagnostics(t *testing.T) {
	cfg, diags := loadMain(t, `
cohort "w" {
  source  = source.gamepot.main
  dataset = "linkings"
  where   = "record.x =="
}
`, nil, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	got := cfg.WhereDiagnostics(map[string]error{"w": errors.New("1 error occurred"), "undeclared": errors.New("x")})
	if len(got) != 1 || got[0].Summary != "Invalid where expression" || got[0].Detail != "1 error occurred" ||
		got[0].Subject == nil || *got[0].Subject != cfg.Cohort("w").WhereRange {
		t.Errorf("WhereDiagnostics = %v", got)
	}
}
