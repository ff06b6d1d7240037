package config

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const variablesHCL = `variable "name" {
  default = "d"
}

variable "days" {
  type        = number
  default     = 1
  description = "Days."
}

variable "ids" {
  type    = list(string)
  default = []
}

variable "label" {
  type    = string
  default = "x"
}
`

// TestVariablePrecedence follows Terraform: default < GPAUDIT_VAR_<name> <
// each --var-file in order < each --var in order; text from the environment
// and --var is the value itself for string and untyped variables and HCL for
// any other type.
func TestVariablePrecedence(t *testing.T) {
	defaults := map[string]any{"name": "d", "days": json.Number("1"), "ids": []any{}, "label": "x"}
	with := func(changes map[string]any) map[string]any {
		m := map[string]any{}
		for k, v := range defaults {
			m[k] = v
		}
		for k, v := range changes {
			m[k] = v
		}
		return m
	}
	files := map[string]string{
		"a.vars":    "days = 8\nname = 5\n",
		"b.vars":    "days = 9\n",
		"list.json": `{"ids": ["x", "y"], "days": 3}`,
	}
	tests := []struct {
		name string
		opts Options
		want map[string]any
	}{
		{"defaults", Options{}, defaults},
		{
			"environment, parsed for typed variables only",
			Options{Environ: []string{
				"GPAUDIT_VAR_days=7", `GPAUDIT_VAR_ids=["a"]`, "GPAUDIT_VAR_name=[1]",
				"GPAUDIT_VAR_undeclared=1", "days=99",
			}},
			with(map[string]any{"days": json.Number("7"), "ids": []any{"a"}, "name": "[1]"}),
		},
		{
			"the later of two environment entries wins",
			Options{Environ: []string{"GPAUDIT_VAR_days=7", "GPAUDIT_VAR_days=6"}},
			with(map[string]any{"days": json.Number("6")}),
		},
		{
			"var-file over environment, keeping HCL types for untyped variables",
			Options{Environ: []string{"GPAUDIT_VAR_days=7"}, VarFiles: []string{"a.vars"}},
			with(map[string]any{"days": json.Number("8"), "name": json.Number("5")}),
		},
		{
			"later var-file wins",
			Options{VarFiles: []string{"a.vars", "b.vars"}},
			with(map[string]any{"days": json.Number("9"), "name": json.Number("5")}),
		},
		{
			"JSON var-file",
			Options{VarFiles: []string{"list.json"}},
			with(map[string]any{"days": json.Number("3"), "ids": []any{"x", "y"}}),
		},
		{
			"--var over var-file and environment",
			Options{Environ: []string{"GPAUDIT_VAR_days=7"}, VarFiles: []string{"b.vars"}, Vars: []string{"days=10"}},
			with(map[string]any{"days": json.Number("10")}),
		},
		{
			"later --var wins",
			Options{Vars: []string{"days=10", "days=11"}},
			with(map[string]any{"days": json.Number("11")}),
		},
		{
			"--var text is raw for string and untyped variables",
			Options{Vars: []string{"label=007", "name=[1, 2]", `ids=["a", "b"]`}},
			with(map[string]any{"label": "007", "name": "[1, 2]", "ids": []any{"a", "b"}}),
		},
		{
			"--var value may hold =",
			Options{Vars: []string{"label=a=b"}},
			with(map[string]any{"label": "a=b"}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mustLoad(t, variablesHCL, files, tt.opts)
			got := map[string]any{}
			for _, v := range cfg.Variables {
				got[v.Name] = v.Value
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("values mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestVariableDeclaration(t *testing.T) {
	cfg := mustLoad(t, variablesHCL+`
variable "token" {
  sensitive = true
}
`, nil, Options{Environ: []string{"GPAUDIT_VAR_token=abc"}})
	var got []string
	for _, v := range cfg.Variables {
		got = append(got, v.Name+"|"+v.Description+"|"+map[bool]string{true: "sensitive"}[v.Sensitive]+"|"+v.DeclRange.String())
	}
	want := []string{
		"name|||main.hcl:1,1-16",
		"days|Days.||main.hcl:5,1-16",
		"ids|||main.hcl:11,1-15",
		"label|||main.hcl:16,1-17",
		"token||sensitive|main.hcl:21,1-17",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("variables mismatch (-want +got):\n%s", diff)
	}
}

// TestSensitiveValuesHidden gives a sensitive variable a wrong value in
// every way there is and checks the value never shows in what is printed.
func TestSensitiveValuesHidden(t *testing.T) {
	const secret = "s3cr3t"
	const hcl = `variable "token" {
  type      = number
  sensitive = true
}

variable "keys" {
  type      = list(string)
  sensitive = true
  default   = []
}

variable "fallback" {
  type      = number
  sensitive = true
  default   = "s3cr3t"
}
`
	tests := []struct {
		name string
		opts Options
		want string // empty: only check the secret is absent
	}{
		{
			name: "var-file",
			opts: Options{Vars: []string{"token=1"}, VarFiles: []string{"secret.vars"}},
			want: `main.hcl:15,15-23: Invalid default value for variable; The default is not a valid number: a number is required.

secret.vars:1,9-17: Invalid value for input variable; The value for var.token in secret.vars is not a valid number: a number is required.
`,
		},
		{name: "--var", opts: Options{Vars: []string{"token=" + secret}}},
		{name: "--var with an unfinished string", opts: Options{Vars: []string{"token=1", `keys=["` + secret}}},
		{name: "--var with a bad escape", opts: Options{Vars: []string{"token=1", `keys=["\q` + secret + `"]`}}},
		{name: "--var without =", opts: Options{Vars: []string{"token=1", secret}}},
		{name: "environment", opts: Options{Environ: []string{"GPAUDIT_VAR_token=\"" + secret + "\""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, diags := loadMain(t, hcl, map[string]string{"secret.vars": `token = "` + secret + `"`}, tt.opts)
			got := diagText(t, cfg.Files, diags)
			if !diags.HasErrors() {
				t.Fatal("no error diagnostic")
			}
			if strings.Contains(got, secret) {
				t.Errorf("the secret shows in:\n%s", got)
			}
			if tt.want != "" && got != tt.want {
				t.Errorf("mismatch (-want +got):\n%s", cmp.Diff(tt.want, got))
			}
		})
	}
}

// TestSensitiveValuesRedactedInUse covers a sensitive value that is valid
// but fails where it is used: functions quote their arguments when they fail.
func TestSensitiveValuesRedactedInUse(t *testing.T) {
	const secret = "hunter2-SECRET"
	const text = `variable "secret" {
  type      = string
  sensitive = true
}

locals {
  n = tonumber(var.secret)
  m = parseint(var.secret, 10)
}

check "c" {
  title  = "uses ${local.n} and ${local.m}"
  cohort = cohort.x
  policy = "p"
}
`
	cfg, diags := loadMain(t, text, nil, Options{Vars: []string{"secret=" + secret}})
	got := diagText(t, cfg.Files, diags)
	if !diags.HasErrors() {
		t.Fatal("no error diagnostic")
	}
	if strings.Contains(got, secret) {
		t.Errorf("the secret shows in:\n%s", got)
	}
	if !strings.Contains(got, "(sensitive value)") {
		t.Errorf("no redaction marker in:\n%s", got)
	}
}

// TestEnvValuesRedacted: a value env() read is a secret like a sensitive
// variable's; a function that fails quotes its argument, and the
// diagnostic must not show it, escaped or not.
func TestEnvValuesRedacted(t *testing.T) {
	tests := []struct {
		name string
		key  string
		main string
		want string
	}{
		{
			name: "in a source",
			key:  "sk-live-7f3a9c",
			main: `source "gamepot" "x" {
  project_id = tonumber(env("GAMEPOT_API_KEY"))
  api_key    = env("GAMEPOT_API_KEY")
}
`,
			want: `main.hcl:2,25-29: Invalid function argument; Invalid value for "v" parameter: cannot convert "(sensitive value)" to number; given string must be a decimal representation of a number.
  2 |   project_id = tonumber(env("GAMEPOT_API_KEY"))
    |                         ^^^^
`,
		},
		{
			name: "in params, with characters Go escapes",
			key:  "sk\"\tlive\\7f",
			main: `check "c" {
  cohort = cohort.blocks
  policy = "p"
  params = { n = tonumber(env("GAMEPOT_API_KEY")) }
}
`,
			want: `main.hcl:4,27-31: Invalid function argument; Invalid value for "v" parameter: cannot convert "(sensitive value)" to number; given string must be a decimal representation of a number.
  4 |   params = { n = tonumber(env("GAMEPOT_API_KEY")) }
    |                           ^^^^
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, diags := loadMain(t, tt.main, nil, Options{Environ: []string{"GAMEPOT_API_KEY=" + tt.key}})
			got := diagText(t, cfg.Files, diags)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("diagnostics mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
