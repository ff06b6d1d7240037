package config

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCheckPolicyParams holds one check's params against a policy per row
// and compares the whole printed diagnostic: a parameter the policy does not
// take, or one whose JSON type differs from its default's, must be reported
// at the params attribute, never pass unseen.
func TestCheckPolicyParams(t *testing.T) {
	n := func(s string) json.Number { return json.Number(s) }
	emailRequired := PolicyInfo{Name: "gamepot.linkings.email_required", Datasets: []string{"linkings"}, Params: map[string]any{"provider": "google"}}
	typed := PolicyInfo{Name: "p.typed", Params: map[string]any{
		"max":     n("30"),
		"mode":    "strict",
		"allowed": []any{"apple", "google"},
		"strict":  true,
		"limits":  map[string]any{"google": n("1")},
		"mixed":   []any{"a", n("1")},
		"anyway":  nil,
	}}
	tests := []struct {
		name   string
		params string // the check's params attribute, or "" for none
		policy PolicyInfo
		want   string
	}{
		{
			name:   "a number for a string",
			params: `{ provider = 5 }`,
			policy: emailRequired,
			want: `main.hcl:9,25-26: Wrong type for policy parameter; Policy "gamepot.linkings.email_required" takes a string for provider (its default is "google"); provider is a number.
  9 |   params = { provider = 5 }
    |                         ^
`,
		},
		{
			name:   "a name the policy does not take",
			params: `{ provder = "apple" }`,
			policy: emailRequired,
			want: `main.hcl:9,14-21: Unknown policy parameter; Policy "gamepot.linkings.email_required" has no parameter "provder"; it takes provider. Did you mean "provider"?
  9 |   params = { provder = "apple" }
    |              ^^^^^^^
`,
		},
		{
			name:   "a string for a list",
			params: `{ allowed = "google" }`,
			policy: typed,
			want: `main.hcl:9,24-32: Wrong type for policy parameter; Policy "p.typed" takes a list of strings for allowed (its default is ["apple","google"]); allowed is a string.
  9 |   params = { allowed = "google" }
    |                        ^^^^^^^^
`,
		},
		{
			name:   "a list element of the wrong type",
			params: `{ allowed = ["google", 7] }`,
			policy: typed,
			want: `main.hcl:9,24-37: Wrong type for policy parameter; Policy "p.typed" takes a list of strings for allowed (its default is ["apple","google"]); allowed[1] is a number.
  9 |   params = { allowed = ["google", 7] }
    |                        ^^^^^^^^^^^^^
`,
		},
		{
			name:   "a string for a boolean, a number for an object",
			params: `{ strict = "yes", limits = 3 }`,
			policy: typed,
			want: `main.hcl:9,23-28: Wrong type for policy parameter; Policy "p.typed" takes a boolean for strict (its default is true); strict is a string.
  9 |   params = { strict = "yes", limits = 3 }
    |                       ^^^^^

main.hcl:9,39-40: Wrong type for policy parameter; Policy "p.typed" takes an object for limits (its default is {"google":1}); limits is a number.
  9 |   params = { strict = "yes", limits = 3 }
    |                                       ^
`,
		},
		{
			name:   "an object value of the wrong type",
			params: `{ limits = { google = "one", apple = 2 } }`,
			policy: typed,
			want: `main.hcl:9,23-52: Wrong type for policy parameter; Policy "p.typed" takes an object for limits (its default is {"google":1}); limits.google is a string.
  9 |   params = { limits = { google = "one", apple = 2 } }
    |                       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
`,
		},
		{
			name:   "null hides the default",
			params: `{ max = null }`,
			policy: typed,
			want: `main.hcl:9,20-24: Wrong type for policy parameter; Policy "p.typed" takes a number for max (its default is 30); max is null. Leave max out to use the default.
  9 |   params = { max = null }
    |                    ^^^^
`,
		},
		{
			name:   "not an object literal: the whole attribute",
			params: `merge({ max = "30" }, {})`,
			policy: typed,
			want: `main.hcl:9,12-37: Wrong type for policy parameter; Policy "p.typed" takes a number for max (its default is 30); max is a string.
  9 |   params = merge({ max = "30" }, {})
    |            ^^^^^^^^^^^^^^^^^^^^^^^^^
`,
		},
		{
			name:   "declared with no parameters",
			params: `{ max = 1 }`,
			policy: PolicyInfo{Name: "p.none", Params: map[string]any{}},
			want: `main.hcl:9,14-17: Unknown policy parameter; Policy "p.none" has no parameter "max"; it takes no parameters.
  9 |   params = { max = 1 }
    |              ^^^
`,
		},
		{
			name:   "the right types, a mixed list and a null default take anything",
			params: `{ max = 7.5, mode = "lax", allowed = [], strict = false, limits = { apple = "x" }, mixed = [true], anyway = [1] }`,
			policy: typed,
		},
		{
			name:   "no custom.params: any parameter, any type",
			params: `{ provider = 5, anything = ["x"] }`,
			policy: PolicyInfo{Name: "p.open"},
		},
		{
			name:   "no params given",
			policy: emailRequired,
		},
		{
			name:   "no custom.datasets: any dataset",
			params: `{ provider = "google" }`,
			policy: PolicyInfo{Name: "gamepot.linkings.email_required"},
		},
		{
			name:   "custom.datasets declared: enforced",
			policy: PolicyInfo{Name: "gamepot.linkings.email_required", Datasets: []string{"memberblock"}},
			want: `main.hcl:8,12-45: Policy does not read this dataset; Policy "gamepot.linkings.email_required" reads memberblock; cohort "links" is linkings.
  8 |   policy = "gamepot.linkings.email_required"
    |            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			params := ""
			if tt.params != "" {
				params = "  params = " + tt.params + "\n"
			}
			cfg := mustLoad(t, `cohort "links" {
  source  = source.gamepot.main
  dataset = "linkings"
}

check "c" {
  cohort = cohort.links
  policy = "`+tt.policy.Name+`"
`+params+"}\n", nil, Options{})
			got := diagText(t, cfg.Files, cfg.CheckPolicies([]PolicyInfo{tt.policy}, "policies"))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("diagnostics mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
