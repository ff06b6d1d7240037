package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/fetch"
	"github.com/gpaudit/gpaudit/internal/fakedata"
	"github.com/gpaudit/gpaudit/policies"
	"github.com/gpaudit/gpaudit/snapshot"
)

// now is 2026-01-01T00:00:00Z, given in Seoul time: input.now must still be UTC.
var now = time.Date(2026, 1, 1, 9, 0, 0, 0, time.FixedZone("KST", 9*60*60))

const nowNS = "1767225600000000000"

// records reads testdata/records/NAME.json the way fetch decodes records.
func records(t testing.TB, name string) []map[string]any {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "records", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := json.NewDecoder(f)
	d.UseNumber()
	var out []map[string]any
	if err := d.Decode(&out); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return out
}

func newEngine(t testing.TB, cohorts ...*config.Cohort) *Engine {
	t.Helper()
	e, err := New(context.Background(), Options{Builtin: policies.FS, UserDir: filepath.Join("testdata", "policies"), Cohorts: cohorts})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

func testCohorts(t *testing.T) []fetch.Cohort {
	return []fetch.Cohort{
		{Name: "blocks", Source: "gamepot.main", Dataset: "memberblock", Records: records(t, "memberblock")},
		{Name: "links", Source: "gamepot.main", Dataset: "linkings", Records: records(t, "linkings")},
		{Name: "chat", Source: "ncloud_chat.main", Dataset: "chat_members", Records: records(t, "chat_members")},
		{Name: "bad_times", Source: "gamepot.main", Dataset: "memberblock", Records: records(t, "bad_times")},
		{Name: "broken", Source: "gamepot.main", Dataset: "memberblock", Err: errors.New("fetch memberblock page 2: status -1"),
			Stats: fetch.Stats{Via: fetch.ViaAPI, Requests: 3, Retries: 1}},
		{Name: "spare", Source: "gamepot.main", Dataset: "memberblock", Unused: true, Stats: fetch.Stats{Via: fetch.ViaAPI}},
	}
}

var wantCohorts = []CohortResult{
	{Name: "blocks", Source: "gamepot.main", Dataset: "memberblock", Records: 5, Status: "ok"},
	// The fixture sets no Stats on the loaded cohorts; broken and spare show
	// that they are carried over.
	{Name: "links", Source: "gamepot.main", Dataset: "linkings", Records: 5, Status: "ok"},
	{Name: "chat", Source: "ncloud_chat.main", Dataset: "chat_members", Records: 2, Status: "ok"},
	{Name: "bad_times", Source: "gamepot.main", Dataset: "memberblock", Records: 1, Status: "ok"},
	{Name: "broken", Source: "gamepot.main", Dataset: "memberblock", Status: "error", Error: "fetch memberblock page 2: status -1",
		Via: "api", Requests: 3, Retries: 1},
	{Name: "spare", Source: "gamepot.main", Dataset: "memberblock", Status: "unused", Via: "api"},
}

// chk is a check on policy over cohort; the result it gives before
// evaluation is res(chk).
func chk(name, policy, cohort string) *config.Check {
	return &config.Check{
		Name: name, Title: "Title of " + name, Policy: policy, Cohort: cohort,
		Severity: "high", Tags: []string{"t1", "t2"}, File: "checks.hcl",
	}
}

// res is the result of c with the given status, records and error and no findings.
func res(c *config.Check, status string, records int, reason string) CheckResult {
	return CheckResult{
		Name: c.Name, Title: c.Title, Policy: c.Policy, Cohort: c.Cohort, Severity: c.Severity,
		Tags: c.Tags, File: c.File, Status: status, Records: records, Error: reason,
		Findings: []Finding{}, Warnings: []Finding{},
	}
}

func n(s string) json.Number { return json.Number(s) }

// described gives each result the description of its policy, as Run does
// for every check whose policy it knows, skipped ones included.
func described(e *Engine, results []CheckResult) []CheckResult {
	desc := map[string]string{}
	for _, p := range e.Policies() {
		desc[p.Name] = p.Description
	}
	for i := range results {
		results[i].Description = desc[results[i].Policy]
	}
	return results
}

// TestRunPointsAtTheCheck: a result names the line of its check block and
// its policy's description, for every status, so that SARIF can point at
// the block and describe the rule even of a check that did not run.
func TestRunPointsAtTheCheck(t *testing.T) {
	e := newEngine(t)
	at := func(c *config.Check, line int) *config.Check {
		c.DeclRange = hcl.Range{Filename: c.File, Start: hcl.Pos{Line: line, Column: 1}, End: hcl.Pos{Line: line, Column: 20}}
		return c
	}
	checks := []*config.Check{
		at(chk("ran", "test.params", "blocks"), 7),
		at(chk("skipped", "test.params", "blocks"), 19),
		at(chk("unknown", "test.no_such_policy", "blocks"), 31),
	}
	got := e.Run(context.Background(), checks, testCohorts(t), now, func(c *config.Check) bool { return c.Name != "skipped" })
	want := []struct {
		status, description string
		line                int
	}{
		{StatusFail, "Denies once with the params it was given.", 7},
		{StatusSkip, "Denies once with the params it was given.", 19},
		{StatusError, "", 31},
	}
	for i, w := range want {
		c := got.Checks[i]
		if c.Status != w.status || c.Description != w.description || c.Line != w.line {
			t.Errorf("check %s: status %q, description %q, line %d; want %q, %q, %d",
				c.Name, c.Status, c.Description, c.Line, w.status, w.description, w.line)
		}
	}
}

func TestRun(t *testing.T) {
	e := newEngine(t)
	withParams := func(c *config.Check, params map[string]any) *config.Check {
		c.Params = params
		return c
	}
	withCohorts := func(c *config.Check, with map[string]string) *config.Check {
		c.With = with
		return c
	}
	type test struct {
		name     string
		checks   []*config.Check
		selected func(*config.Check) bool
		want     func(checks []*config.Check) []CheckResult
	}
	tests := []test{
		{
			name:   "pass",
			checks: []*config.Check{chk("c", "test.pass", "blocks")},
			want: func(c []*config.Check) []CheckResult {
				return []CheckResult{res(c[0], StatusPass, 5, "")}
			},
		},
		{
			name:   "fail with findings in every shape, sorted",
			checks: []*config.Check{chk("c", "test.fail", "blocks")},
			want: func(c []*config.Check) []CheckResult {
				r := res(c[0], StatusFail, 5, "")
				details := func(status, from string, to any) map[string]any {
					return map[string]any{
						"status": n(status), "ratio": n("0.5"), "big": n("12345678901234567890"),
						"flags": []any{true, nil}, "window": map[string]any{"from": from, "to": to},
						"kinds": []any{"a", "b"},
					}
				}
				r.Findings = []Finding{
					{Key: "null ids", Message: "null ids", Details: map[string]any{}},
					{Message: "plain message", Details: map[string]any{}},
					{Subject: "P1", Message: "no record id", Details: map[string]any{}},
					{Subject: "P1", RecordID: "B1", Message: "block B1 is active", Details: details("1", "2025-12-01T00:00:00Z", "2026-03-01T00:00:00+09:00")},
					{Subject: "P2", RecordID: "B3", Message: "block B3 is active", Details: details("1", "2025-07-23T00:00:00+09:00", nil)},
					{Subject: "P3", RecordID: "B4", Message: "block B4 is active", Details: details("1", "2025-11-01T00:00:00+09:00", nil)},
					{Subject: "P4", RecordID: "B5", Message: "block B5 is active", Details: details("1", "2025-12-20T00:00:00+09:00", "2026-01-10T00:00:00+09:00")},
				}
				return []CheckResult{r}
			},
		},
		{
			name:   "deny as an array",
			checks: []*config.Check{chk("c", "test.array", "blocks")},
			want: func(c []*config.Check) []CheckResult {
				r := res(c[0], StatusFail, 5, "")
				r.Findings = []Finding{{Key: "1", Message: "first", Details: map[string]any{}}, {Key: "2", Message: "second", Details: map[string]any{}}}
				return []CheckResult{r}
			},
		},
		{
			name: "two findings with one id are an error naming it; a key or a warning tells them apart",
			checks: []*config.Check{
				chk("same", "test.same_id", "blocks"),
				chk("strings", "test.plain_strings", "blocks"),
				withParams(chk("keyed", "test.same_id", "blocks"), map[string]any{"keyed": true}),
			},
			want: func(c []*config.Check) []CheckResult {
				keyed := res(c[2], StatusFail, 5, "")
				keyed.Findings = []Finding{
					{Subject: "P1", RecordID: "B1", Message: "one", Details: map[string]any{}},
					{Subject: "P1", RecordID: "B1", Key: "second", Message: "two", Details: map[string]any{}},
				}
				keyed.Warnings = []Finding{{Subject: "P1", RecordID: "B1", Message: "a warning about the same record", Details: map[string]any{}}}
				const key = `; give each finding about one record a distinct "key"`
				return []CheckResult{
					res(c[0], StatusError, 5, `policy test.same_id: deny gives two findings with the id `+FindingID("same", "test.same_id", "P1", "B1", "")+
						` (subject "P1", record_id "B1", key "")`+key),
					res(c[1], StatusError, 5, `policy test.plain_strings: deny gives two findings with the id `+FindingID("strings", "test.plain_strings", "", "", "")+
						` (subject "", record_id "", key "")`+key),
					keyed,
				}
			},
		},
		{
			name:   "undefined complete deny passes",
			checks: []*config.Check{chk("c", "test.undefined", "blocks")},
			want: func(c []*config.Check) []CheckResult {
				return []CheckResult{res(c[0], StatusPass, 5, "")}
			},
		},
		{
			name: "warnings do not fail a check",
			checks: []*config.Check{
				chk("warns", "test.warn", "blocks"),
				withParams(chk("warns_and_denies", "test.warn", "blocks"), map[string]any{"deny": true}),
				chk("warn_only", "test.warn_only", "links"),
			},
			want: func(c []*config.Check) []CheckResult {
				warnings := []Finding{
					{Message: "a plain warning", Details: map[string]any{}},
					{Subject: "P1", RecordID: "B2", Message: "block B2 has no end", Details: map[string]any{}},
					{Subject: "P2", RecordID: "B3", Message: "block B3 has no end", Details: map[string]any{}},
					{Subject: "P3", RecordID: "B4", Message: "block B4 has no end", Details: map[string]any{}},
				}
				warns := res(c[0], StatusPass, 5, "")
				warns.Warnings = slices.Clone(warnings)
				denies := res(c[1], StatusFail, 5, "")
				denies.Findings = []Finding{{Subject: "P2", RecordID: "B1", Message: "denied", Details: map[string]any{}}}
				denies.Warnings = slices.Clone(warnings)
				only := res(c[2], StatusPass, 5, "")
				only.Warnings = []Finding{{Message: "only a warning", Details: map[string]any{}}}
				return []CheckResult{warns, denies, only}
			},
		},
		{
			name: "malformed results are errors naming the policy and the value",
			checks: []*config.Check{
				chk("number", "test.malformed.number", "blocks"),
				chk("nomsg", "test.malformed.nomsg", "blocks"),
				chk("subject", "test.malformed.subject", "blocks"),
				chk("shape", "test.malformed.shape", "blocks"),
				chk("warn", "test.malformed.warn", "blocks"),
				chk("key", "test.malformed.key", "blocks"),
				chk("still_runs", "test.pass", "blocks"),
			},
			want: func(c []*config.Check) []CheckResult {
				const shape = " is neither a string nor an object with a string msg (and string subject, record_id and key)"
				return []CheckResult{
					res(c[0], StatusError, 5, "policy test.malformed.number: deny an element (a number)"+shape),
					res(c[1], StatusError, 5, "policy test.malformed.nomsg: deny an element (an object with keys message, subject)"+shape),
					res(c[2], StatusError, 5, "policy test.malformed.subject: deny an element (an object with keys msg, subject)"+shape),
					res(c[3], StatusError, 5, "policy test.malformed.shape: deny is an object with keys msg, not a set or an array"),
					res(c[4], StatusError, 5, "policy test.malformed.warn: warn an element (an array of 2)"+shape),
					res(c[5], StatusError, 5, "policy test.malformed.key: deny an element (an object with keys key, msg, subject)"+shape),
					res(c[6], StatusPass, 5, ""),
				}
			},
		},
		{
			name: "run-time errors are errors; the other checks still run",
			checks: []*config.Check{
				withParams(chk("divide", "test.runtime", "blocks"), map[string]any{"divisor": n("0")}),
				chk("strict", "test.strict", "bad_times"),
				withParams(chk("divide_ok", "test.runtime", "bad_times"), map[string]any{"divisor": n("4")}),
			},
			want: func(c []*config.Check) []CheckResult {
				ok := res(c[2], StatusFail, 1, "")
				ok.Findings = []Finding{{Message: "ratio 0.25", Details: map[string]any{}}}
				return []CheckResult{
					res(c[0], StatusError, 5, "evaluate policy test.runtime: testdata/policies/test/runtime.rego:5: eval_builtin_error: div: divide by zero"),
					res(c[1], StatusError, 1, `evaluate policy test.strict: testdata/policies/test/strict.rego:7: eval_builtin_error: time.parse_rfc3339_ns: parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"`),
					ok,
				}
			},
		},
		{
			name:   "clock: input.now in UTC, input.now_ns and time.now_ns agree",
			checks: []*config.Check{chk("c", "test.clock", "chat")},
			want: func(c []*config.Check) []CheckResult {
				r := res(c[0], StatusFail, 2, "")
				r.Findings = []Finding{{Message: "clock", Details: map[string]any{
					"now": "2026-01-01T00:00:00Z", "now_ns": n(nowNS), "time_now_ns": n(nowNS), "same": true, "parsed": true,
				}}}
				return []CheckResult{r}
			},
		},
		{
			name: "params merge over the declared defaults",
			checks: []*config.Check{
				chk("defaults", "test.params", "links"),
				withParams(chk("merged", "test.params", "links"), map[string]any{"limit": n("5"), "extra": []any{"x"}}),
				withParams(chk("no_metadata", "test.params_none", "links"), map[string]any{"limit": n("5")}),
				chk("none", "test.params_none", "links"),
			},
			want: func(c []*config.Check) []CheckResult {
				echo := func(r CheckResult, params map[string]any) CheckResult {
					r.Findings = []Finding{{Message: "params", Details: map[string]any{"params": params}}}
					return r
				}
				nested := map[string]any{"depth": n("2")}
				return []CheckResult{
					echo(res(c[0], StatusFail, 5, ""), map[string]any{"limit": n("10"), "mode": "strict", "nested": nested}),
					echo(res(c[1], StatusFail, 5, ""), map[string]any{"limit": n("5"), "mode": "strict", "nested": nested, "extra": []any{"x"}}),
					echo(res(c[2], StatusFail, 5, ""), map[string]any{"limit": n("5")}),
					echo(res(c[3], StatusFail, 5, ""), map[string]any{}),
				}
			},
		},
		{
			name:   "input.check, records and cohorts",
			checks: []*config.Check{withCohorts(chk("c", "test.check", "chat"), map[string]string{"other": "bad_times"})},
			want: func(c []*config.Check) []CheckResult {
				r := res(c[0], StatusFail, 2, "")
				r.Findings = []Finding{{Message: "check", Details: map[string]any{
					"check":   map[string]any{"name": "c", "severity": "high", "tags": []any{"t1", "t2"}},
					"records": n("2"),
					"cohorts": map[string]any{"other": []any{map[string]any{
						"id": "X1", "member_id": "P7", "type": "manual", "status": n("1"), "deleted": false, "startedAt": "yesterday", "endedAt": nil,
					}}},
				}}}
				return []CheckResult{r}
			},
		},
		{
			name:   "with cohorts join, through a library",
			checks: []*config.Check{withCohorts(chk("c", "test.join", "blocks"), map[string]string{"chat": "chat"})},
			want: func(c []*config.Check) []CheckResult {
				r := res(c[0], StatusFail, 5, "")
				r.Findings = []Finding{{Subject: "P2", RecordID: "B3", Message: "blocked player apitester is a chat member", Details: map[string]any{}}}
				return []CheckResult{r}
			},
		},
		{
			name: "cohorts missing or errored",
			checks: []*config.Check{
				chk("errored", "test.pass", "broken"),
				chk("missing", "test.pass", "nowhere"),
				chk("unused", "test.pass", "spare"),
				withCohorts(chk("with_errored", "test.join", "blocks"), map[string]string{"chat": "chat", "more": "broken"}),
				withCohorts(chk("with_missing", "test.join", "blocks"), map[string]string{"chat": "nowhere"}),
			},
			want: func(c []*config.Check) []CheckResult {
				return []CheckResult{
					res(c[0], StatusError, 0, "cohort broken: fetch memberblock page 2: status -1"),
					res(c[1], StatusError, 0, "cohort nowhere was not loaded"),
					// Never an empty cohort that passes.
					res(c[2], StatusError, 0, "cohort spare was not loaded"),
					res(c[3], StatusError, 0, "with more: cohort broken: fetch memberblock page 2: status -1"),
					res(c[4], StatusError, 0, "with chat: cohort nowhere was not loaded"),
				}
			},
		},
		{
			name: "unknown policies",
			checks: []*config.Check{
				chk("unknown", "test.nope", "blocks"),
				chk("library", "test.lib", "blocks"),
			},
			want: func(c []*config.Check) []CheckResult {
				return []CheckResult{
					res(c[0], StatusError, 0, "unknown policy test.nope"),
					res(c[1], StatusError, 0, "policy test.lib defines neither deny nor warn"),
				}
			},
		},
		{
			name: "deselected checks are skipped, even on a broken cohort",
			checks: []*config.Check{
				chk("run", "test.pass", "blocks"),
				chk("skip", "test.fail", "blocks"),
				chk("skip_broken", "test.pass", "broken"),
			},
			selected: func(c *config.Check) bool { return c.Name == "run" },
			want: func(c []*config.Check) []CheckResult {
				return []CheckResult{
					res(c[0], StatusPass, 5, ""),
					res(c[1], StatusSkip, 0, ""),
					res(c[2], StatusSkip, 0, ""),
				}
			},
		},
		{
			name: "built-in policies",
			checks: []*config.Check{
				chk("max_duration_defaults", "gamepot.blocks.max_duration", "blocks"),
				withParams(chk("max_duration_autopurchase", "gamepot.blocks.max_duration", "blocks"), map[string]any{"type": "autopurchase", "max_days": n("7")}),
				chk("email_required", "gamepot.linkings.email_required", "links"),
				withParams(chk("email_required_apple", "gamepot.linkings.email_required", "links"), map[string]any{"provider": "apple"}),
			},
			want: func(c []*config.Check) []CheckResult {
				manual := res(c[0], StatusFail, 5, "")
				manual.Findings = []Finding{
					{Subject: "P1", RecordID: "B1", Message: "active manual block lasts 89.63 days, longer than the 30-day maximum", Details: map[string]any{
						"type": "manual", "days": n("89.63"), "max_days": n("30"), "started_at": "2025-12-01T00:00:00Z", "ended_at": "2026-03-01T00:00:00+09:00",
					}},
					{Subject: "P2", RecordID: "B3", Message: "active manual block has no end, longer than the 30-day maximum", Details: map[string]any{
						"type": "manual", "days": nil, "max_days": n("30"), "started_at": "2025-07-23T00:00:00+09:00", "ended_at": nil,
					}},
				}
				auto := res(c[1], StatusFail, 5, "")
				auto.Findings = []Finding{
					{Subject: "P3", RecordID: "B4", Message: "active autopurchase block has no end, longer than the 7-day maximum", Details: map[string]any{
						"type": "autopurchase", "days": nil, "max_days": n("7"), "started_at": "2025-11-01T00:00:00+09:00", "ended_at": nil,
					}},
				}
				google := res(c[2], StatusFail, 5, "")
				google.Findings = []Finding{
					{Subject: "P2", RecordID: "L2", Message: "google linking has no email: only white space", Details: map[string]any{"provider": "google", "problem": "only white space"}},
					{Subject: "P4", RecordID: "L4", Message: "google linking has no email: missing", Details: map[string]any{"provider": "google", "problem": "missing"}},
				}
				apple := res(c[3], StatusFail, 5, "")
				apple.Findings = []Finding{
					{Subject: "P3", RecordID: "L3", Message: "apple linking has no email: null", Details: map[string]any{"provider": "apple", "problem": "null"}},
				}
				return []CheckResult{manual, auto, google, apple}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cohorts := testCohorts(t)
			got := e.Run(context.Background(), tt.checks, cohorts, now, tt.selected)
			want := &Results{AsOf: now, Cohorts: wantCohorts, Checks: described(e, withIDs(tt.want(tt.checks)))}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Run (-want +got):\n%s", diff)
			}
		})
	}
}

// withIDs gives the findings of checks the ids FindingID gives them;
// TestFindingID holds FindingID to fixed values.
func withIDs(checks []CheckResult) []CheckResult {
	for i := range checks {
		c := &checks[i]
		for _, fs := range [][]Finding{c.Findings, c.Warnings} {
			for j := range fs {
				fs[j].ID = FindingID(c.Name, c.Policy, fs[j].Subject, fs[j].RecordID, fs[j].Key)
			}
		}
	}
	return checks
}

// TestRunNoEmail makes sure no email value reaches a finding of the built-in
// email policy, whatever the record holds.
func TestRunNoEmail(t *testing.T) {
	e := newEngine(t)
	links := records(t, "linkings")
	links = append(links,
		map[string]any{"id": "L6", "provider": "google", "user_id": "P6", "email": n("12345"), "deletedAt": nil},
		map[string]any{"id": "L7", "provider": "google", "user_id": "P7", "email": map[string]any{"address": "p7@example.com"}, "deletedAt": nil},
	)
	got := e.Run(context.Background(), []*config.Check{chk("c", "gamepot.linkings.email_required", "links")},
		[]fetch.Cohort{{Name: "links", Records: links}}, now, nil)
	if len(got.Checks[0].Findings) != 4 {
		t.Fatalf("findings = %+v, want 4", got.Checks[0].Findings)
	}
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"example.com", "12345"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("results hold email value %q:\n%s", secret, b)
		}
	}
}

func TestWhere(t *testing.T) {
	cohorts := []*config.Cohort{
		{Name: "active", Where: "record.status == 1"},
		{Name: "old", Where: "time.parse_rfc3339_ns(record.startedAt) + 30 * 86400000000000 < input.now_ns"},
		{Name: "several", Where: "record.type == \"manual\"\nrecord.endedAt == null # unbounded"},
		{Name: "clock", Where: `input.now == "2026-01-01T00:00:00Z"; time.now_ns() == input.now_ns`},
		{Name: "nothing", Where: "false"},
		{Name: "library", Where: `data.test.lib.name(record) != "(no name)"`},
		{Name: "everything"},
		{Name: "strict", Where: "time.parse_rfc3339_ns(record.startedAt) > 0"},
		{Name: "typo", Where: "time.parse_rfc3339_ns(record.startedat) <= input.now_ns"},
		{Name: "guarded", Where: `object.get(record, "nope", 0) == 0; not record.deleted`},
		{Name: "iterating", Where: `some m in record.messageMulti; m.lang == "ko"`},
		{Name: "unified", Where: `record.type = "manual"`},
		{Name: "member", Where: `record.member_id in ["P2", "P4"]`},
	}
	e := newEngine(t, cohorts...)
	blocks := records(t, "memberblock")
	ids := func(recs []map[string]any) []string {
		out := []string{}
		for _, r := range recs {
			out = append(out, r["id"].(string))
		}
		return out
	}
	tests := []struct {
		cohort  *config.Cohort
		records []map[string]any
		want    []string
		wantErr string
	}{
		{cohort: cohorts[0], records: blocks, want: []string{"B3", "B1", "B4", "B5"}},
		{cohort: cohorts[1], records: blocks, want: []string{"B3", "B1", "B2", "B4"}},
		{cohort: cohorts[2], records: blocks, want: []string{"B3", "B2"}},
		{cohort: cohorts[3], records: blocks, want: []string{"B3", "B1", "B2", "B4", "B5"}},
		{cohort: cohorts[4], records: blocks, want: []string{}},
		{cohort: cohorts[5], records: records(t, "chat_members"), want: []string{"P2"}},
		{cohort: cohorts[6], records: blocks, want: []string{"B3", "B1", "B2", "B4", "B5"}},
		{cohort: cohorts[7], records: blocks, want: []string{"B3", "B1", "B2", "B4", "B5"}},
		{cohort: cohorts[0], records: nil, want: []string{}},
		{
			cohort: cohorts[8], records: blocks,
			wantErr: `undefined for 5 of 5 records (the first is record 1, id "B3"): a field it reads is missing or of another type; use object.get(record, "field", default) where a field may be absent`,
		},
		{cohort: cohorts[9], records: blocks, want: []string{"B3", "B1", "B2", "B4", "B5"}},
		{cohort: cohorts[10], records: blocks, want: []string{"B3"}},
		{cohort: cohorts[11], records: blocks, want: []string{"B3", "B1", "B2", "B5"}},
		{cohort: cohorts[12], records: blocks, want: []string{"B3", "B5"}},
		{
			cohort: cohorts[7], records: records(t, "bad_times"),
			wantErr: `evaluate: cohort.strict.where:1: eval_builtin_error: time.parse_rfc3339_ns: parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"`,
		},
		{
			cohort: &config.Cohort{Name: "undeclared", Where: "true"}, records: blocks,
			wantErr: `not compiled by New for cohort "undeclared"`,
		},
		{
			cohort: &config.Cohort{Name: "active", Where: "record.status == 2"}, records: blocks,
			wantErr: `not compiled by New for cohort "active"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.cohort.Name, func(t *testing.T) {
			got, err := e.Where(context.Background(), tt.cohort, tt.records, now)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Where error = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Where: %v", err)
			}
			if diff := cmp.Diff(tt.want, ids(got)); diff != "" {
				t.Errorf("Where kept (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewCompileError(t *testing.T) {
	tests := []struct {
		dir  string
		want string
	}{
		{"parse", `3 errors occurred:
testdata/compile/parse/bad.rego:4: rego_parse_error: illegal token
	msg := "unterminated
	       ^
testdata/compile/parse/bad.rego:4: rego_parse_error: non-terminated string
	msg := "unterminated
	       ^
testdata/compile/parse/worse.rego:5: rego_parse_error: unexpected } token
	}
	^`},
		{"several", `2 errors occurred:
testdata/compile/several/a.rego:4: rego_unsafe_var_error: var y is unsafe
testdata/compile/several/sub/b.rego:4: rego_unsafe_var_error: var z is unsafe`},
		// The sandbox: no network, no environment.
		{"http", `1 error occurred: testdata/compile/http/fetch.rego:4: rego_type_error: undefined function http.send`},
		{"net", `2 errors occurred:
testdata/compile/net/lookup.rego:4: rego_type_error: undefined function net.lookup_ip_addr
testdata/compile/net/lookup.rego:8: rego_type_error: undefined function net.cidr_contains`},
		{"runtime", `1 error occurred: testdata/compile/runtime/env.rego:3: rego_type_error: undefined function opa.runtime`},
		{"collide", `1 error occurred: testdata/compile/collide/mine.rego:2: rego_compile_error: package gamepot.blocks.max_duration is a built-in policy; give this package another name`},
		{"function", `1 error occurred: testdata/compile/function/f.rego:3: rego_compile_error: deny of package test.fn is a function; deny and warn must be sets or arrays`},
		{"metadata", `13 errors occurred:
testdata/compile/metadata/datasets.rego:1: rego_compile_error: custom.datasets of package test.datasets_string is not a list
testdata/compile/metadata/datasets_empty.rego:1: rego_compile_error: custom.datasets of package test.datasets_empty is empty; list the datasets it reads, or leave it out to accept any
testdata/compile/metadata/fields.rego:1: rego_compile_error: custom.fields of package test.fields_number is [id 3], not a list of field names
testdata/compile/metadata/fields_whole.rego:1: rego_compile_error: package test.fields_whole declares custom.fields, which only a per-record or partitioned policy may
testdata/compile/metadata/joins.rego:1: rego_compile_error: custom.joins of package test.joins_half holds map[field:user_id] for links, not {field: NAME, to: NAME}
testdata/compile/metadata/params.rego:1: rego_compile_error: custom.params of package test.params_list is not an object of parameter defaults
testdata/compile/metadata/partition.rego:1: rego_compile_error: custom.partition_by of package test.partition_string is user_id, not a list of field names
testdata/compile/metadata/partition_min.rego:1: rego_compile_error: package test.partition_min_alone declares custom.partition_min without custom.partition_by
testdata/compile/metadata/partition_min_cohorts.rego:9: rego_compile_error: least, the partition_min rule of package test.partition_min_cohorts, reads input.cohorts.other: it is evaluated over no records and no cohorts, so it may read only input.params, input.check, input.now and input.now_ns
testdata/compile/metadata/partition_min_deny.rego:1: rego_compile_error: custom.partition_min of package test.partition_min_deny names "deny", which is not a rule of the package giving a number (a string is taken as a rule's name)
testdata/compile/metadata/partition_min_list.rego:1: rego_compile_error: custom.partition_min of package test.partition_min_list is [2], not a number or the name of a rule
testdata/compile/metadata/partition_min_reads.rego:14: rego_compile_error: least, the partition_min rule of package test.partition_min_reads, reads input.records: it is evaluated over no records and no cohorts, so it may read only input.params, input.check, input.now and input.now_ns
testdata/compile/metadata/partition_min_rule.rego:1: rego_compile_error: custom.partition_min of package test.partition_min_rule names "least", which is not a rule of the package giving a number (a string is taken as a rule's name)`},
		{"reserved", `1 error occurred: testdata/compile/reserved/sneaky.rego:1: rego_compile_error: package gpaudit_internal.where.c0 is reserved for gpaudit`},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			// The where is fine: the policies' errors come alone.
			cohorts := []*config.Cohort{{Name: "ok", Where: "record.status == 1"}}
			_, err := New(context.Background(), Options{Builtin: policies.FS, UserDir: filepath.Join("testdata", "compile", tt.dir), Cohorts: cohorts})
			var ce *CompileError
			if !errors.As(err, &ce) {
				t.Fatalf("New error = %T %v, want *CompileError", err, err)
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewWhereError(t *testing.T) {
	cohorts := []*config.Cohort{
		{Name: "parse", Where: "record.x =="},
		{Name: "fine", Where: "record.x == 1"},
		{Name: "unsafe", Where: "y == 1"},
		{Name: "http", Where: `http.send({"method": "GET", "url": "https://example.com"})`},
		{Name: "break_out", Where: "true }\nfoo if { true"},
		{Name: "package", Where: "package x"},
		{Name: "import", Where: "import data.foo"},
		{Name: "comment", Where: "# only a comment"},
		{Name: "second_line", Where: "record.x == 1\nrecord.y ==\n"},
	}
	_, err := New(context.Background(), Options{Builtin: policies.FS, UserDir: filepath.Join("testdata", "policies"), Cohorts: cohorts})
	var first *WhereError
	if !errors.As(err, &first) || first.Cohort != "parse" {
		t.Fatalf("New error = %v, want the first *WhereError for cohort parse", err)
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("New error = %T, want joined errors", err)
	}
	got := map[string]string{}
	for _, err := range joined.Unwrap() {
		var we *WhereError
		if !errors.As(err, &we) {
			t.Fatalf("joined error %T %v, want *WhereError", err, err)
		}
		got[we.Cohort] = we.Error()
	}
	want := map[string]string{
		"parse": `cohort "parse": where: 1 error occurred: cohort.parse.where:1: rego_parse_error: unexpected eof token
	record.x ==
	          ^`,
		"unsafe":    `cohort "unsafe": where: 1 error occurred: cohort.unsafe.where:1: rego_unsafe_var_error: var y is unsafe`,
		"http":      `cohort "http": where: 1 error occurred: cohort.http.where:1: rego_type_error: undefined function http.send`,
		"break_out": "cohort \"break_out\": where: 1 error occurred: cohort.break_out.where:1: rego_parse_error: unexpected } token\n\ttrue }\n\t     ^",
		"package":   `cohort "package": where: 1 error occurred: cohort.package.where:1: rego_parse_error: a where holds only expressions over record, not package x`,
		"import":    `cohort "import": where: 1 error occurred: cohort.import.where:1: rego_parse_error: a where holds only expressions over record, not import data.foo`,
		"comment":   `cohort "comment": where: 1 error occurred: cohort.comment.where:1: rego_parse_error: empty where expression`,
		"second_line": `cohort "second_line": where: 1 error occurred: cohort.second_line.where:3: rego_parse_error: unexpected eof token
	record.y ==
	          ^`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("where errors (-want +got):\n%s", diff)
	}
}

func TestNewWithoutUserDir(t *testing.T) {
	e, err := New(context.Background(), Options{Builtin: policies.FS, UserDir: filepath.Join(t.TempDir(), "policies")})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	names := map[string]bool{}
	for _, p := range e.Policies() {
		names[p.Name] = true
	}
	for pkg, want := range map[string]bool{
		"gamepot.blocks.max_duration":     true,
		"gamepot.linkings.email_required": true,
		"gamepot.blocks":                  false,
		"test.pass":                       false,
	} {
		if got := names[pkg]; got != want {
			t.Errorf("Policies() lists %q: %v, want %v", pkg, got, want)
		}
	}
}

func TestPolicies(t *testing.T) {
	all := newEngine(t).Policies()
	// Of the library, the two policies this test pins down exactly (one of
	// them joins a cohort); README's table test covers the rest.
	pinned := []string{"gamepot.blocks.max_duration", "gamepot.cross.block_consistency", "gamepot.linkings.email_required"}
	var got []Policy
	for _, p := range all {
		if p.Builtin && !slices.Contains(pinned, p.Name) {
			continue
		}
		// The built-in descriptions are the policies' own text; it is enough
		// that they are there.
		if p.Builtin {
			if p.Description == "" {
				t.Errorf("%s has no description", p.Name)
			}
			p.Description = ""
		}
		got = append(got, p)
	}
	// Without METADATA a policy declares no parameters, so takes any.
	user := func(name, file string) Policy {
		return Policy{Name: name, File: filepath.Join("testdata", "policies", "test", file)}
	}
	want := []Policy{
		{
			Name: "gamepot.blocks.max_duration", Title: "Active blocks last no longer than max_days",
			Datasets: []string{"memberblock", "user_block"}, Params: map[string]any{"max_days": n("30"), "type": "manual"},
			PerRecord: true, Builtin: true, File: "builtin:gamepot/blocks/max_duration.rego",
		},
		{
			Name: "gamepot.cross.block_consistency", Title: "Blocks agree between memberblock and the v1 user_block API",
			Datasets: []string{"memberblock"}, With: map[string]string{"v1": "user_block"}, Params: map[string]any{},
			Builtin: true, File: "builtin:gamepot/cross/block_consistency.rego",
		},
		{
			Name: "gamepot.linkings.email_required", Title: "Live linkings of a provider carry an email",
			Datasets: []string{"linkings"}, Params: map[string]any{"provider": "google"},
			PerRecord: true, Fields: []string{"deletedAt", "email", "id", "provider", "user_id"}, Builtin: true, File: "builtin:gamepot/linkings/email_required.rego",
		},
		user("test.array", "array.rego"),
		user("test.check", "check.rego"),
		user("test.clock", "clock.rego"),
		{
			Name: "test.fail", Title: "Findings in every shape",
			Description: "Denies with a plain string and with objects, out of order, to test normalization and sorting.",
			Datasets:    []string{"memberblock"}, File: "testdata/policies/test/fail.rego",
		},
		user("test.join", "join.rego"),
		user("test.malformed.key", "malformed_key.rego"),
		user("test.malformed.nomsg", "malformed_nomsg.rego"),
		user("test.malformed.number", "malformed.rego"),
		user("test.malformed.shape", "malformed_shape.rego"),
		user("test.malformed.subject", "malformed_subject.rego"),
		user("test.malformed.warn", "malformed_warn.rego"),
		{
			Name: "test.params", Title: "Echo params", Description: "Denies once with the params it was given.",
			Datasets: []string{"linkings", "memberblock"},
			Params:   map[string]any{"limit": n("10"), "mode": "strict", "nested": map[string]any{"depth": n("2")}},
			File:     "testdata/policies/test/params.rego",
		},
		user("test.params_none", "params_none.rego"),
		user("test.pass", "pass.rego"),
		user("test.plain_strings", "plain_strings.rego"),
		user("test.random", "random.rego"),
		user("test.runtime", "runtime.rego"),
		user("test.same_id", "same_id.rego"),
		user("test.strict", "strict.rego"),
		user("test.undefined", "undefined.rego"),
		user("test.warn", "warn.rego"),
		user("test.warn_only", "warn_only.rego"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Policies (-want +got):\n%s", diff)
	}
}

func TestRunRecordNotJSON(t *testing.T) {
	e := newEngine(t)
	c := chk("c", "test.pass", "odd")
	got := e.Run(context.Background(), []*config.Check{c},
		[]fetch.Cohort{{Name: "odd", Source: "gamepot.main", Dataset: "linkings", Records: []map[string]any{{"id": make(chan int)}}}}, now, nil)
	want := &Results{
		AsOf:    now,
		Cohorts: []CohortResult{{Name: "odd", Source: "gamepot.main", Dataset: "linkings", Records: 1, Status: "ok"}},
		Checks:  []CheckResult{res(c, StatusError, 0, "cohort odd: convert record 0: ast: interface conversion: json: unsupported type: chan int")},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Run (-want +got):\n%s", diff)
	}
}

// TestRunSeeded: OPA's random built-ins draw from a stream keyed by the
// clock and the check, so a run can be repeated to the byte.
func TestRunSeeded(t *testing.T) {
	e := newEngine(t)
	cohorts := []fetch.Cohort{{Name: "links", Source: "gamepot.main", Dataset: "linkings", Records: records(t, "linkings")}}
	draw := func(check string, at time.Time) string {
		t.Helper()
		res := e.Run(context.Background(), []*config.Check{chk(check, "test.random", "links")}, slices.Clone(cohorts), at, nil)
		c := res.Checks[0]
		if c.Status != StatusFail || len(c.Findings) != 1 {
			t.Fatalf("check %s: status %s, %d findings, error %q", check, c.Status, len(c.Findings), c.Error)
		}
		return c.Findings[0].Message
	}
	first := draw("a", now)
	if again := draw("a", now); again != first {
		t.Errorf("same clock, same check: %q, then %q", first, again)
	}
	if later := draw("a", now.Add(time.Second)); later == first {
		t.Errorf("another clock drew the same: %q", later)
	}
	if other := draw("b", now); other == first {
		t.Errorf("another check drew the same: %q", other)
	}
}

// TestRunDropsConvertedRecords: Run drops a cohort's records once they are
// converted, so a big cohort is not held twice, and still reports their
// number; a cohort no check reads keeps them.
func TestRunDropsConvertedRecords(t *testing.T) {
	e := newEngine(t)
	cohorts := testCohorts(t)
	res := e.Run(context.Background(), []*config.Check{chk("c", "test.pass", "blocks")}, cohorts, now, nil)
	if c := res.Checks[0]; c.Status != StatusPass || c.Records != 5 {
		t.Fatalf("check: status %s, %d records, error %q; want pass over 5", c.Status, c.Records, c.Error)
	}
	if res.Cohorts[0].Records != 5 {
		t.Errorf("cohort blocks reports %d records, want 5", res.Cohorts[0].Records)
	}
	if cohorts[0].Records != nil {
		t.Error("blocks' records are still held after they were converted")
	}
	if cohorts[1].Records == nil {
		t.Error("links' records were dropped though no check read them")
	}
}

// TestRecordsValueInParts: a big cohort converted in parts keeps its order,
// and the error is the first bad record's, whichever part finds it.
func TestRecordsValueInParts(t *testing.T) {
	records := make([]map[string]any, 3*minConvertPart+7)
	for i := range records {
		records[i] = map[string]any{"id": fmt.Sprint(i)}
	}
	v, err := recordsValue(records)
	if err != nil {
		t.Fatal(err)
	}
	arr := v.(*ast.Array)
	if arr.Len() != len(records) {
		t.Fatalf("%d values, want %d", arr.Len(), len(records))
	}
	for i := range records {
		if got := arr.Elem(i).Value.(ast.Object).Get(ast.StringTerm("id")); !got.Equal(ast.StringTerm(fmt.Sprint(i))) {
			t.Fatalf("value %d has id %v", i, got)
		}
	}
	records[len(records)-1]["id"] = make(chan int)
	records[minConvertPart+3]["id"] = make(chan int)
	if _, err := recordsValue(records); err == nil || !strings.HasPrefix(err.Error(), fmt.Sprintf("convert record %d:", minConvertPart+3)) {
		t.Errorf("error = %v, want record %d's", err, minConvertPart+3)
	}
}

// TestPartitions: records that agree on the fields are in one part, a
// field that is missing or not a string counting as "", whatever the
// number of parts; and records are shared out over the parts.
func TestPartitions(t *testing.T) {
	defer func(old int) { recordPart = old }(recordPart)
	recordPart = 3
	lines := []string{
		`{"user_id":"a","provider":"google","id":"1"}`,
		`{"user_id":null,"provider":"google","id":"2"}`,
		`{"provider":"google","id":"3"}`,
		`{"user_id":"","provider":"google","id":"4"}`,
		`{"user_id":5,"provider":"google","id":"5"}`,
		`{"user_id":"a","provider":"google","id":"6"}`,
		`{"user_id":"a","provider":"apple","id":"7"}`,
		`{"user_id":"b","provider":"google","id":"8"}`,
		`{"user_id":"c","provider":"google","id":"9"}`,
		`{"user_id":"d","provider":"google","id":"10"}`,
	}
	records := make([]map[string]any, len(lines))
	for i, l := range lines {
		var err error
		if records[i], err = snapshot.DecodeLine(l); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []*fetch.Cohort{{Lines: lines}, {Records: records}} {
		parts, err := partitions(c, len(lines), []string{"user_id", "provider"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(parts) != 4 {
			t.Fatalf("%d parts, want 4", len(parts))
		}
		partOf := map[int]int{}
		for p, part := range parts {
			for _, i := range part {
				partOf[i] = p
			}
		}
		if len(partOf) != len(lines) {
			t.Fatalf("parts hold %d records, want %d", len(partOf), len(lines))
		}
		for _, same := range [][2]int{{0, 5}, {1, 2}, {1, 3}, {1, 4}} {
			if partOf[same[0]] != partOf[same[1]] {
				t.Errorf("records %d and %d are in parts %d and %d, want one", same[0], same[1], partOf[same[0]], partOf[same[1]])
			}
		}
		used := map[int]bool{}
		for _, p := range partOf {
			used[p] = true
		}
		if len(used) < 2 {
			t.Errorf("every record in one part of %d", len(parts))
		}

		// With a partition_min, only the records of partitions at least
		// that big are shared out, over parts enough for them; and there
		// is one empty part when none is.
		for _, tc := range []struct {
			least float64
			kept  []int
			parts int
		}{
			{1, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 4},
			{2, []int{0, 1, 2, 3, 4, 5}, 2},
			{2.5, []int{1, 2, 3, 4}, 2},
			{4, []int{1, 2, 3, 4}, 2},
			{5, nil, 1},
		} {
			parts, err := partitions(c, len(lines), []string{"user_id", "provider"}, tc.least)
			if err != nil {
				t.Fatal(err)
			}
			var kept []int
			for _, part := range parts {
				kept = append(kept, part...)
			}
			slices.Sort(kept)
			if len(parts) != tc.parts || !slices.Equal(kept, tc.kept) {
				t.Errorf("partition_min %v: %d parts holding %v, want %d holding %v", tc.least, len(parts), kept, tc.parts, tc.kept)
			}
		}
	}
}

// TestLibraryLinkingsNeverWhole: no check of the benchmark library reads
// the linkings whole, so a million of them never exist at once as OPA
// values (README's Performance section counts on it), while the cohorts
// that cross-record checks read are read whole.
func TestLibraryLinkingsNeverWhole(t *testing.T) {
	e, cfg := benchLibrary(t)
	loaded := map[string]*loadedCohort{}
	for _, c := range cfg.Cohorts {
		loaded[c.Name] = &loadedCohort{cohort: &fetch.Cohort{Name: c.Name}}
	}
	e.markWhole(cfg.Checks, loaded, nil)
	for name, want := range map[string]bool{"links": false, "blocks": true, "members": true, "v1_blocks": true} {
		if got := loaded[name].whole; got != want {
			t.Errorf("cohort %s read whole: %v, want %v", name, got, want)
		}
	}
}

// TestRunInParts: every per-record and partitioned built-in policy finds,
// part by part, exactly what it finds over the whole cohort, and every
// policy that joins a with cohort finds over the joined records what it
// finds over all of them, on a set with findings of every kind; and such a
// check over a cohort another check reads whole is evaluated whole.
func TestRunInParts(t *testing.T) {
	e, cfg := benchLibrary(t)
	set := fakedata.Generate(1, fakedata.Sizes{Linkings: 12000, Blocks: 3000, Members: 3000})
	run := func(part int, checks []*config.Check) *Results {
		t.Helper()
		defer func(old int) { recordPart = old }(recordPart)
		recordPart = part
		return e.Run(context.Background(), checks, benchCohorts(t, cfg, set), fakedata.ReviewDate, nil)
	}
	perRecord, partitioned, joins := 0, 0, 0
	for _, chk := range cfg.Checks {
		info := e.policies[chk.Policy].info
		switch {
		case info.PerRecord:
			perRecord++
		case info.PartitionBy != nil:
			partitioned++
		case info.Joins != nil:
			joins++
		default:
			continue
		}
		t.Run(chk.Policy, func(t *testing.T) {
			whole := run(1_000_000, []*config.Check{chk})
			parts := run(7, []*config.Check{chk})
			if got := whole.Checks[0]; got.Status != StatusFail {
				t.Fatalf("status %s (%s), want fail", got.Status, got.Error)
			}
			if diff := cmp.Diff(whole, parts); diff != "" {
				t.Errorf("in parts of 7 (-whole +parts):\n%s", diff)
			}
		})
	}
	// max_per_provider leaves out the records of players with no more
	// links of a provider than its max: whatever the max, in parts it
	// finds what it finds whole.
	for _, max := range []any{n("0"), n("0.5"), n("1.5"), n("-0.5"), n("-1"), n("1e308"), "x"} {
		// Nobody has more than 1e308 links: that check passes.
		fails := max != n("1e308")
		for _, chk := range cfg.Checks {
			if chk.Policy != "gamepot.linkings.max_per_provider" {
				continue
			}
			c := *chk
			c.Params = map[string]any{"max": max}
			whole, parts := run(1_000_000, []*config.Check{&c}), run(7, []*config.Check{&c})
			if got := whole.Checks[0].Status; got != StatusFail && fails || got != StatusPass && !fails {
				t.Errorf("max %v: status %s (%s), want it to fail: %v", max, got, whole.Checks[0].Error, fails)
			}
			if diff := cmp.Diff(whole, parts); diff != "" {
				t.Errorf("max %v in parts of 7 (-whole +parts):\n%s", max, diff)
			}
		}
	}
	if perRecord < 5 || partitioned < 2 || joins < 1 {
		t.Fatalf("%d per-record, %d partitioned and %d joining policies in the library, want the built-in ones", perRecord, partitioned, joins)
	}
	// The whole library: per-record checks share the cohorts the others
	// read whole, and the report is the same.
	if diff := cmp.Diff(run(1_000_000, cfg.Checks), run(7, cfg.Checks)); diff != "" {
		t.Errorf("library in parts of 7 (-whole +parts):\n%s", diff)
	}
}

// TestRunLines: records given as lines of JSON text, as a snapshot gives
// them, evaluate as the same records given as Go values, whole and in
// parts, and where keeps the same ones.
func TestRunLines(t *testing.T) {
	e, cfg := benchLibrary(t)
	set := fakedata.Generate(1, fakedata.Sizes{Linkings: 2000, Blocks: 2000, Members: 2000})
	asLines := func(cohorts []fetch.Cohort) []fetch.Cohort {
		out := slices.Clone(cohorts)
		for i := range out {
			for _, r := range out[i].Records {
				b, err := json.Marshal(r)
				if err != nil {
					t.Fatal(err)
				}
				out[i].Lines = append(out[i].Lines, string(b))
			}
			out[i].Records = nil
		}
		return out
	}
	for _, part := range []int{1_000_000, 300} {
		old := recordPart
		recordPart = part
		values := e.Run(context.Background(), cfg.Checks, benchCohorts(t, cfg, set), fakedata.ReviewDate, nil)
		lines := e.Run(context.Background(), cfg.Checks, asLines(benchCohorts(t, cfg, set)), fakedata.ReviewDate, nil)
		recordPart = old
		if diff := cmp.Diff(values, lines); diff != "" {
			t.Errorf("parts of %d: lines (-values +lines):\n%s", part, diff)
		}
	}

	cohort := &config.Cohort{Name: "started", Where: "time.parse_rfc3339_ns(record.startedAt) < input.now_ns - 90 * 86400000000000"}
	we := newEngine(t, cohort)
	blocks := benchCohorts(t, cfg, set)[0]
	want, err := we.WhereKeep(context.Background(), cohort, blocks.Records, nil, fakedata.ReviewDate)
	if err != nil {
		t.Fatal(err)
	}
	got, err := we.WhereKeep(context.Background(), cohort, nil, asLines([]fetch.Cohort{blocks})[0].Lines, fakedata.ReviewDate)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(want, got) || !slices.Contains(got, true) || !slices.Contains(got, false) {
		t.Errorf("where over lines keeps %v, over values %v", got, want)
	}
}

// TestFNV64a: fnv64a is FNV-1a over the values, each ended by a zero byte.
func TestFNV64a(t *testing.T) {
	h := fnv.New64a()
	h.Write([]byte("user\x00google\x00"))
	if got, want := fnv64a([]string{"user", "google"}), h.Sum64(); got != want {
		t.Errorf("fnv64a = %#x, want %#x", got, want)
	}
	if fnv64a([]string{"ab", ""}) == fnv64a([]string{"a", "b"}) {
		t.Error("fnv64a does not tell the fields apart")
	}
}

// TestPartitionMin: over parts, a policy's partition_min (a number, or its
// rule's answer for the check's params) leaves out the records of smaller
// partitions, and only for its own checks: a per-record check of the same
// cohort still sees every record, and checks sharing parts get the records
// the smallest partition_min among them keeps. A rule that gives no number, or fails,
// is the check's error, over a small cohort as over a big one.
func TestPartitionMin(t *testing.T) {
	e, err := New(context.Background(), Options{Builtin: policies.FS, UserDir: filepath.Join("testdata", "partition_min")})
	if err != nil {
		t.Fatal(err)
	}
	users := []any{"a", "b", "a", "c", "b", "d", "b", nil, 5, "e"}
	var records []map[string]any
	for i, u := range users {
		records = append(records, map[string]any{"id": fmt.Sprint("r", i), "user_id": u})
	}
	withParams := func(c *config.Check, params map[string]any) *config.Check {
		c.Params = params
		return c
	}
	checks := []*config.Check{
		chk("seen", "test.seen", "links"),
		withParams(chk("seen_max_1", "test.seen_by_rule", "links"), map[string]any{"max": n("1")}),
		withParams(chk("seen_max_2", "test.seen_by_rule", "links"), map[string]any{"max": n("2")}),
		withParams(chk("seen_max_x", "test.seen_by_rule", "links"), map[string]any{"max": "x"}),
		chk("least_string", "test.least_string", "links"),
		withParams(chk("least_fails", "test.least_fails", "links"), map[string]any{"max": "x"}),
		chk("each", "test.each", "links"),
	}
	all := []string{"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9"}
	pairs := []string{"r0", "r1", "r2", "r4", "r6", "r7", "r8"} // users a, b and "" (nil and 5)
	errors := map[string]string{
		"least_string": `least, the partition_min of policy test.least_string, is a string, not a number`,
		"least_fails":  `evaluate least, the partition_min of policy test.least_fails: testdata/partition_min/least_fails.rego:9: eval_builtin_error: to_number: strconv.ParseFloat: parsing "x": invalid syntax`,
	}
	for _, tc := range []struct {
		part int
		want map[string][]string
	}{
		{3, map[string][]string{"seen": pairs, "seen_max_1": pairs, "seen_max_2": {"r1", "r4", "r6"}, "seen_max_x": all, "each": all}},
		// Whole, nothing is left out.
		{1_000_000, map[string][]string{"seen": all, "seen_max_1": all, "seen_max_2": all, "seen_max_x": all, "each": all}},
	} {
		func() {
			defer func(old int) { recordPart = old }(recordPart)
			recordPart = tc.part
			run := func(checks ...*config.Check) []CheckResult {
				cohorts := []fetch.Cohort{{Name: "links", Source: "gamepot.main", Dataset: "linkings", Records: slices.Clone(records)}}
				return e.Run(context.Background(), checks, cohorts, fakedata.ReviewDate, nil).Checks
			}
			var results []CheckResult
			for _, c := range checks[:len(checks)-1] {
				// Alone, but for the per-record check, which joins no unit
				// that leaves records out.
				r := run(c, checks[len(checks)-1])
				if got := len(r[1].Findings); got != len(all) {
					t.Errorf("parts of %d: each beside %s found %d, want %d", tc.part, c.Name, got, len(all))
				}
				results = append(results, r[0])
			}
			// Together, the checks get the records of the smallest
			// partition_min among them.
			for _, cr := range run(checks[1], checks[2]) {
				if got := len(cr.Findings); got != len(tc.want["seen_max_1"]) {
					t.Errorf("parts of %d: %s beside another found %d, want %d", tc.part, cr.Name, got, len(tc.want["seen_max_1"]))
				}
			}
			for _, cr := range append(results, run(checks...)[len(checks)-1]) {
				if want, ok := errors[cr.Name]; ok {
					if cr.Status != StatusError || cr.Error != want {
						t.Errorf("parts of %d: %s: %s %q, want error %q", tc.part, cr.Name, cr.Status, cr.Error, want)
					}
					continue
				}
				var got []string
				for _, f := range cr.Findings {
					got = append(got, f.Message)
				}
				if !slices.Equal(got, tc.want[cr.Name]) {
					t.Errorf("parts of %d: %s found %v, want %v (%s)", tc.part, cr.Name, got, tc.want[cr.Name], cr.Error)
				}
			}
		}()
	}
}

// TestLibraryLeavesOut: the library's group-bys, with the benchmark
// library's params, leave out all but a few of the linkings, which is what
// makes them cheap over a million (README, Performance).
func TestLibraryLeavesOut(t *testing.T) {
	e, cfg := benchLibrary(t)
	set := fakedata.Generate(1, fakedata.Sizes{Linkings: 12000, Blocks: 10, Members: 10})
	c := &fetch.Cohort{Records: set.Linkings}
	clock := newClock(fakedata.ReviewDate)
	declared := 0
	for _, chk := range cfg.Checks {
		p := e.policies[chk.Policy]
		if !p.info.leavesOut() {
			continue
		}
		declared++
		input, err := inputOf(chk, p, clock)
		if err != nil {
			t.Fatal(err)
		}
		least, err := partitionMin(context.Background(), chk, p, input(ast.ArrayTerm(), ast.ObjectTerm()), clock)
		if err != nil || least != 2 {
			t.Fatalf("%s: partition_min %v (%v), want 2", chk.Name, least, err)
		}
		parts, err := partitions(c, len(c.Records), p.info.PartitionBy, least)
		if err != nil {
			t.Fatal(err)
		}
		kept := 0
		for _, part := range parts {
			kept += len(part)
		}
		if kept == 0 || kept > len(c.Records)/20 {
			t.Errorf("%s keeps %d of %d linkings, want a few", chk.Name, kept, len(c.Records))
		}
	}
	if declared != 2 {
		t.Errorf("%d checks of the library declare a partition_min, want duplicate_account and max_per_provider", declared)
	}
}

// TestFields: over parts, the records keep only the fields their checks'
// policies declare (custom.fields), with those the parts are shared out by,
// and every field as soon as one of the checks declares none; whole, they
// keep every field.
func TestFields(t *testing.T) {
	e, err := New(context.Background(), Options{Builtin: policies.FS, UserDir: filepath.Join("testdata", "fields")})
	if err != nil {
		t.Fatal(err)
	}
	var records []map[string]any
	for i := range 10 {
		records = append(records, map[string]any{"id": fmt.Sprint("r", i), "a": i, "b": "x", "user_id": fmt.Sprint("u", i%3)})
	}
	keys := chk("keys", "test.keys", "links")
	all := chk("all", "test.keys_all", "links")
	byUser := chk("by_user", "test.keys_by_user", "links")
	join := chk("join", "test.keys_join", "links")
	join.With = map[string]string{"users": "users"}
	for _, tc := range []struct {
		part   int
		checks []*config.Check
		want   []string // the fields each check's records have
	}{
		{3, []*config.Check{keys}, []string{"a,id"}},
		{3, []*config.Check{keys, all}, []string{"a,b,id,user_id", "a,b,id,user_id"}},
		// The per-record check shares the partitioned check's parts.
		{3, []*config.Check{keys, byUser}, []string{"a,id,user_id", "a,id,user_id"}},
		// A join's to field is kept: the policy matches the with cohort on it.
		{3, []*config.Check{join}, []string{"id,user_id"}},
		{1_000_000, []*config.Check{keys}, []string{"a,b,id,user_id"}},
	} {
		func() {
			defer func(old int) { recordPart = old }(recordPart)
			recordPart = tc.part
			cohorts := []fetch.Cohort{
				{Name: "links", Source: "gamepot.main", Dataset: "linkings", Records: slices.Clone(records)},
				{Name: "users", Source: "ncloud_chat.main", Dataset: "chat_members", Records: []map[string]any{{"id": "u1"}}},
			}
			res := e.Run(context.Background(), tc.checks, cohorts, fakedata.ReviewDate, nil)
			for k, cr := range res.Checks {
				if len(cr.Findings) != len(records) {
					t.Fatalf("parts of %d: %s: %d findings (%s), want %d", tc.part, cr.Name, len(cr.Findings), cr.Error, len(records))
				}
				for _, f := range cr.Findings {
					if f.Message != tc.want[k] {
						t.Errorf("parts of %d: %s beside %d checks: record %s has %s, want %s", tc.part, cr.Name, len(tc.checks), f.RecordID, f.Message, tc.want[k])
						break
					}
				}
			}
		}()
	}
}
