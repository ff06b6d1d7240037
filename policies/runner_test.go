package policies_test

import (
	"context"
	"testing"

	"github.com/gpaudit/gpaudit/engine"
	"github.com/gpaudit/gpaudit/policies"
)

// TestRegoAsGpauditTest runs the library's Rego tests as `gpaudit test` does,
// with gpaudit's own runner rather than OPA's (which TestRego uses): they must
// pass there too. engine's TestRunTestsAsOPA holds the two runners to the same
// verdicts on tests that fail.
func TestRegoAsGpauditTest(t *testing.T) {
	rep, err := engine.RunTests(context.Background(), engine.TestOptions{Builtin: policies.FS})
	if err != nil {
		t.Fatalf("RunTests: %v", err)
	}
	if len(rep.Results) == 0 {
		t.Fatal("the embedded policies hold no Rego tests")
	}
	for _, r := range rep.Results {
		if r.Status != engine.TestPass {
			t.Errorf("%s:%d: %s.%s: %s %s\n%s", r.File, r.Row, r.Package, r.Name, r.Status, r.Message, r.Output)
		}
	}
}
