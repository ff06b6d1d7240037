package engine

import (
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gpaudit/gpaudit/config"
)

// triageResults is a run with two failing checks and a warning, ids given.
func triageResults() *Results {
	r := &Results{
		AsOf: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC),
		Checks: []CheckResult{
			{Name: "blocks", Policy: "p.blocks", Status: StatusFail, Findings: []Finding{
				{Subject: "P1", RecordID: "B1", Message: "one"},
				{Subject: "P2", RecordID: "B2", Message: "two"},
				{Subject: "P3", RecordID: "B3", Message: "three"},
			}, Warnings: []Finding{{Subject: "P1", RecordID: "B1", Message: "a warning"}}},
			{Name: "links", Policy: "p.links", Status: StatusFail, Findings: []Finding{
				{Subject: "P1", RecordID: "L1", Message: "link"},
			}},
			{Name: "skipped", Policy: "p.skip", Status: StatusSkip, Findings: []Finding{}},
		},
	}
	for i := range r.Checks {
		if err := identify(&r.Checks[i]); err != nil {
			panic(err)
		}
	}
	return r
}

func TestWaive(t *testing.T) {
	later := time.Date(2027, 1, 31, 23, 59, 59, 0, time.UTC)
	past := time.Date(2026, 11, 21, 23, 59, 59, 0, time.UTC)
	waiver := func(name, check string, expires time.Time, subjects, records, findings []string) *config.Waiver {
		return &config.Waiver{Name: name, Check: check, Owner: "o@example.com", Reason: "r " + name, Expires: expires,
			Subjects: subjects, Records: records, Findings: findings}
	}
	ids := triageResults()
	idOf := func(check, finding int) string { return ids.Checks[check].Findings[finding].ID }

	type want struct {
		statuses []string   // of the checks
		waivedBy [][]string // of each check's findings
		waivers  []string   // status:matched of each waiver
	}
	tests := []struct {
		name    string
		waivers []*config.Waiver
		want    want
	}{
		{
			name: "none",
			want: want{statuses: []string{"fail", "fail", "skip"}, waivedBy: [][]string{{"", "", ""}, {""}, {}}},
		},
		{
			name: "by subject, record id and finding id; only in the waiver's check",
			waivers: []*config.Waiver{
				waiver("by_subject", "blocks", later, []string{"P1"}, nil, nil),
				waiver("by_record", "blocks", later, nil, []string{"B2"}, nil),
				waiver("by_id", "blocks", later, nil, nil, []string{idOf(0, 2)}),
			},
			want: want{
				statuses: []string{"pass", "fail", "skip"},
				waivedBy: [][]string{{"by_subject", "by_record", "by_id"}, {""}, {}},
				waivers:  []string{"active:1", "active:1", "active:1"},
			},
		},
		{
			name: "a finding two waivers name is waived by the first; both are active",
			waivers: []*config.Waiver{
				waiver("first", "links", later, []string{"P1"}, nil, nil),
				waiver("second", "links", later, nil, []string{"L1"}, nil),
			},
			want: want{
				statuses: []string{"fail", "pass", "skip"},
				waivedBy: [][]string{{"", "", ""}, {"first"}, {}},
				waivers:  []string{"active:1", "active:1"},
			},
		},
		{
			name: "expired: its findings count again; unused: matches nothing, also in a skipped check",
			waivers: []*config.Waiver{
				waiver("expired", "blocks", past, []string{"P1", "P2"}, nil, nil),
				waiver("unused", "blocks", later, []string{"P9"}, []string{"L1"}, []string{idOf(1, 0)}),
				waiver("skipped", "skipped", later, []string{"P1"}, nil, nil),
				waiver("partly", "blocks", later, []string{"P3"}, nil, nil),
			},
			want: want{
				statuses: []string{"fail", "fail", "skip"},
				waivedBy: [][]string{{"", "", "partly"}, {""}, {}},
				waivers:  []string{"expired:2", "unused:0", "unused:0", "active:1"},
			},
		},
		{
			name:    "expiry is inclusive: a waiver that ends at the clock still holds",
			waivers: []*config.Waiver{waiver("today", "links", time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC), []string{"P1"}, nil, nil)},
			want: want{
				statuses: []string{"fail", "pass", "skip"},
				waivedBy: [][]string{{"", "", ""}, {"today"}, {}},
				waivers:  []string{"active:1"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := triageResults()
			r.Waive(tt.waivers)
			var got want
			for _, c := range r.Checks {
				got.statuses = append(got.statuses, c.Status)
				by := []string{}
				for _, f := range c.Findings {
					by = append(by, f.WaivedBy)
				}
				got.waivedBy = append(got.waivedBy, by)
				for _, w := range c.Warnings {
					if w.WaivedBy != "" {
						t.Errorf("warning of %s waived by %s: warnings are never waived", c.Name, w.WaivedBy)
					}
				}
			}
			for _, w := range r.Waivers {
				got.waivers = append(got.waivers, w.Status+":"+strconv.Itoa(w.Matched))
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("Waive (-want +got):\n%s", diff)
			}
			if len(r.Waivers) != len(tt.waivers) {
				t.Fatalf("%d waivers reported, want %d", len(r.Waivers), len(tt.waivers))
			}
			for i, w := range tt.waivers {
				wr := r.Waivers[i]
				if wr.Name != w.Name || wr.Check != w.Check || wr.Owner != w.Owner || wr.Reason != w.Reason || !wr.Expires.Equal(w.Expires) {
					t.Errorf("waiver %d reported as %+v, declared as %+v", i, wr, *w)
				}
			}
		})
	}
}

func TestCompareBaseline(t *testing.T) {
	r := triageResults()
	ids := triageResults()
	r.Checks = append(r.Checks, CheckResult{Name: "errored", Status: StatusError, Findings: []Finding{}})
	b := Baseline{
		"blocks": {
			{ID: ids.Checks[0].Findings[1].ID, Subject: "P2", RecordID: "B2"},
			{ID: "f-00000000000000bb", Subject: "P9", RecordID: "B9"},
			{ID: "f-00000000000000aa", Subject: "P9", RecordID: "B9"},
			{ID: "f-00000000000000aa", Subject: "P9", RecordID: "B9"}, // listed twice, resolved once
			{ID: "f-00000000000000cc", Subject: "P0", RecordID: "B0"},
		},
		// The same finding id under another check is not the same finding.
		"links":   {{ID: ids.Checks[0].Findings[0].ID}},
		"skipped": {{ID: "f-0000000000000001"}},
		"errored": {{ID: "f-0000000000000002"}},
	}
	r.Waive([]*config.Waiver{{Name: "w", Check: "blocks", Subjects: []string{"P3"}, Expires: r.AsOf}})
	r.CompareBaseline(b)
	if !r.Baseline {
		t.Error("Baseline not set")
	}
	var marks [][]string
	for _, c := range r.Checks {
		m := []string{}
		for _, f := range c.Findings {
			m = append(m, f.Baseline)
		}
		marks = append(marks, m)
	}
	wantMarks := [][]string{{"new", "existing", "new"}, {"new"}, {}, {}}
	if diff := cmp.Diff(wantMarks, marks); diff != "" {
		t.Errorf("marks (-want +got):\n%s", diff)
	}
	wantResolved := [][]Resolved{
		{{ID: "f-00000000000000cc", Subject: "P0", RecordID: "B0"}, {ID: "f-00000000000000aa", Subject: "P9", RecordID: "B9"}, {ID: "f-00000000000000bb", Subject: "P9", RecordID: "B9"}},
		{{ID: ids.Checks[0].Findings[0].ID}},
		{}, // skipped and errored checks resolve nothing
		{},
	}
	for i, c := range r.Checks {
		if diff := cmp.Diff(wantResolved[i], c.Resolved); diff != "" {
			t.Errorf("%s resolved (-want +got):\n%s", c.Name, diff)
		}
	}
	// blocks: P1 new, P2 existing, P3 new but waived. links: new.
	for i, want := range []bool{true, true, false, false} {
		if got := r.Checks[i].FailsRun(true); got != want {
			t.Errorf("%s FailsRun(baseline) = %v, want %v", r.Checks[i].Name, got, want)
		}
	}
}

func TestFailsRun(t *testing.T) {
	tests := []struct {
		name           string
		c              CheckResult
		plain, against bool // without and with a baseline
	}{
		{"pass", CheckResult{Status: StatusPass}, false, false},
		{"error", CheckResult{Status: StatusError}, false, false},
		{"fail, only existing", CheckResult{Status: StatusFail, Findings: []Finding{{Baseline: BaselineExisting}}}, true, false},
		{"fail, a new one", CheckResult{Status: StatusFail, Findings: []Finding{{Baseline: BaselineExisting}, {Baseline: BaselineNew}}}, true, true},
		{"fail, the new one waived", CheckResult{Status: StatusFail, Findings: []Finding{{Baseline: BaselineExisting}, {Baseline: BaselineNew, WaivedBy: "w"}}}, true, false},
	}
	for _, tt := range tests {
		if got := tt.c.FailsRun(false); got != tt.plain {
			t.Errorf("%s: FailsRun(false) = %v, want %v", tt.name, got, tt.plain)
		}
		if got := tt.c.FailsRun(true); got != tt.against {
			t.Errorf("%s: FailsRun(true) = %v, want %v", tt.name, got, tt.against)
		}
	}
}
