package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/fetch"
	"github.com/gpaudit/gpaudit/policies"
)

func personalRecords() []map[string]any {
	return []map[string]any{
		{"id": "R2", "user_id": "P2", "email": "zoe+games@example.com", "remoteip": "2001:db8:4::17", "token": "ff00aa", "adid": "d541c044-4e65-4510-8dd7-bcb407314831"},
		{"id": "R1", "user_id": "P1", "email": "amy@例え.jp", "remoteip": "203.0.113.16", "token": "0e0198", "adid": "c0a7c173-8e81-4c82-9b63-13c78d16c3ef"},
	}
}

// TestRunMasksPersonalData: Run masks the personal data in findings,
// warnings and errors, and ShowPII gives it as the policy returned it;
// subjects and record ids stay either way.
func TestRunMasksPersonalData(t *testing.T) {
	e, err := New(context.Background(), Options{UserDir: filepath.Join("testdata", "personal")})
	if err != nil {
		t.Fatal(err)
	}
	cite := chk("cite", "personal.cite", "members")
	strict := chk("strict", "personal.strict", "members")
	run := func(e *Engine) *Results {
		return e.Run(context.Background(), []*config.Check{cite, strict}, []fetch.Cohort{
			{Name: "members", Source: "ncloud_chat.main", Dataset: "chat_members", Records: personalRecords()},
			{Name: "broken", Source: "gamepot.main", Dataset: "linkings", Err: errors.New("fetch linkings: a body that is not JSON: \"no user zoe@example.com at 198.51.100.7\"")},
		}, now, nil)
	}

	masked := run(e)
	if masked.ShowsPII {
		t.Error("Run: ShowsPII is true, want masked results")
	}
	wantCite := res(cite, StatusFail, 2, "")
	wantCite.Findings = []Finding{
		{Subject: "P1", RecordID: "R1", Message: "a***@例え.jp signed in from 203.x.x.x", Details: map[string]any{
			"email": "***", "adid": "***", "notifications": map[string]any{"token": "***", "device": "FCM"},
			"seen": []any{"203.x.x.x", "1.5.1"},
		}},
		{Subject: "P2", RecordID: "R2", Message: "z***@example.com signed in from 2001:db8:x:…", Details: map[string]any{
			"email": "***", "adid": "***", "notifications": map[string]any{"token": "***", "device": "FCM"},
			"seen": []any{"2001:db8:x:…", "1.5.1"},
		}},
	}
	// Sorted as masked: a*** before z***, although "amy" < "zoe" anyway;
	// the warnings' order is that of the masked messages too.
	wantCite.Warnings = []Finding{
		{RecordID: "R1", Message: "warned a***@例え.jp", Details: map[string]any{}},
		{RecordID: "R2", Message: "warned z***@example.com", Details: map[string]any{}},
	}
	// Ids are made of unmasked ids; TestFindingID holds them.
	if diff := cmp.Diff(wantCite, masked.Checks[0], cmpopts.IgnoreFields(Finding{}, "ID")); diff != "" {
		t.Errorf("masked cite (-want +got):\n%s", diff)
	}
	if got, want := masked.Checks[1].Error, `evaluate policy personal.strict: testdata/personal/strict.rego:6: eval_builtin_error: time.parse_rfc3339_ns: parsing time "z***@example.com" as "2006-01-02T15:04:05Z07:00": cannot parse "z***@example.com" as "2006"`; got != want {
		t.Errorf("masked strict error:\n got %s\nwant %s", got, want)
	}
	if got, want := masked.Cohorts[1].Error, `fetch linkings: a body that is not JSON: "no user z***@example.com at 198.x.x.x"`; got != want {
		t.Errorf("masked cohort error:\n got %s\nwant %s", got, want)
	}

	shown := run(e.ShowPII())
	if !shown.ShowsPII {
		t.Error("ShowPII().Run: ShowsPII is false")
	}
	c := shown.Checks[0]
	if len(c.Findings) != 2 {
		t.Fatalf("shown cite: %d findings, want 2", len(c.Findings))
	}
	if got, want := c.Findings[1].Message, "zoe+games@example.com signed in from 2001:db8:4::17"; got != want {
		t.Errorf("shown message %q, want %q", got, want)
	}
	if diff := cmp.Diff(map[string]any{
		"email": "zoe+games@example.com", "adid": "d541c044-4e65-4510-8dd7-bcb407314831",
		"notifications": map[string]any{"token": "ff00aa", "device": "FCM"},
		"seen":          []any{"2001:db8:4::17", "1.5.1"},
	}, c.Findings[1].Details); diff != "" {
		t.Errorf("shown details (-want +got):\n%s", diff)
	}
	if got := shown.Cohorts[1].Error; got != "fetch linkings: a body that is not JSON: \"no user zoe@example.com at 198.51.100.7\"" {
		t.Errorf("shown cohort error %q", got)
	}
	// e itself still masks.
	if again := run(e); again.ShowsPII || again.Checks[0].Findings[0].Message != masked.Checks[0].Findings[0].Message {
		t.Error("ShowPII changed the engine it was called on")
	}
}

// TestPolicyFiles: the engine names every policy file it compiled, built-in
// and the user's, with the SHA-256 of its text, and no test file.
func TestPolicyFiles(t *testing.T) {
	e := newEngine(t)
	files := e.PolicyFiles()
	byPath := map[string]string{}
	for _, f := range files {
		byPath[f.Path] = f.SHA256
		if strings.HasSuffix(f.Path, "_test.rego") {
			t.Errorf("PolicyFiles lists the test file %s", f.Path)
		}
	}
	user := filepath.Join("testdata", "policies", "test", "pass.rego")
	text, err := os.ReadFile(user)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(text)
	if got := byPath[user]; got != hex.EncodeToString(sum[:]) {
		t.Errorf("PolicyFiles: %s has sha256 %q, want %x", user, got, sum)
	}
	builtin, err := fs.ReadFile(policies.FS, "gamepot/blocks/max_duration.rego")
	if err != nil {
		t.Fatal(err)
	}
	sum = sha256.Sum256(builtin)
	if got := byPath["builtin:gamepot/blocks/max_duration.rego"]; got != hex.EncodeToString(sum[:]) {
		t.Errorf("PolicyFiles: builtin:gamepot/blocks/max_duration.rego has sha256 %q, want %x", got, sum)
	}
	if _, ok := byPath[filepath.Join("testdata", "policies", "test", "lib_test.rego")]; ok || len(files) != len(byPath) {
		t.Errorf("PolicyFiles lists a test file or one file twice: %v", files)
	}
}
