package config

import (
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
)

// resolved is what Resolve fills in, for comparison.
type resolved struct{ Endpoint, ProjectID, APIKey, Language string }

func TestSourceResolve(t *testing.T) {
	const key = "k3y-value"
	main := `variable "chat_key" {
  type      = string
  sensitive = true
}

locals {
  gamepot_key = env("GAMEPOT_API_KEY")
}

source "gamepot" "eu" {
  endpoint   = "http://127.0.0.1:8080"
  project_id = "proj-${var.chat_key == "" ? "x" : "eu"}"
  api_key    = local.gamepot_key
  language   = "ko"
}

source "ncloud_chat" "eu" {
  project_id = env("CHAT_PROJECT_ID", "chat-proj")
  api_key    = var.chat_key
}
`
	tests := []struct {
		name    string
		environ []string
		want    map[string]resolved
		diags   string // all Resolve diagnostics, in source order
	}{
		{
			name: "everything set",
			environ: []string{
				"GAMEPOT_PROJECT_ID=gp", "GAMEPOT_API_KEY=" + key,
				"NCLOUD_CHAT_PROJECT_ID=ncp", "NCLOUD_CHAT_API_KEY=" + key,
				"GPAUDIT_VAR_chat_key=" + key,
			},
			want: map[string]resolved{
				"gamepot.main":     {"https://dashboard-api.gamepot.ntruss.com", "gp", key, ""},
				"ncloud_chat.main": {"https://dashboard-api.ncloudchat.naverncp.com", "ncp", key, ""},
				"gamepot.eu":       {"http://127.0.0.1:8080", "proj-eu", key, "ko"},
				"ncloud_chat.eu":   {"https://dashboard-api.ncloudchat.naverncp.com", "chat-proj", key, ""},
			},
		},
		{
			name:    "environment unset",
			environ: []string{"GPAUDIT_VAR_chat_key=" + key, "GAMEPOT_PROJECT_ID="},
			want: map[string]resolved{
				"gamepot.main":     {"https://dashboard-api.gamepot.ntruss.com", "", "", ""},
				"ncloud_chat.main": {"https://dashboard-api.ncloudchat.naverncp.com", "", "", ""},
				"gamepot.eu":       {"http://127.0.0.1:8080", "proj-eu", "", "ko"},
				"ncloud_chat.eu":   {"https://dashboard-api.ncloudchat.naverncp.com", "chat-proj", key, ""},
			},
			// Diagnostics from evaluating an api_key show no source line,
			// even when it comes from a local.
			diags: `main.hcl:7,17-21: Error in function call; Call to function "env" failed: environment variable "GAMEPOT_API_KEY" is not set.

sources.hcl:2,16-41: Missing project_id; Fetching from source.gamepot.main needs project_id, like project_id = env("GAMEPOT_PROJECT_ID").
  2 |   project_id = env("GAMEPOT_PROJECT_ID")
    |                ^^^^^^^^^^^^^^^^^^^^^^^^^

sources.hcl:3,16-20: Error in function call; Call to function "env" failed: environment variable "GAMEPOT_API_KEY" is not set.

sources.hcl:7,16-20: Error in function call; Call to function "env" failed: environment variable "NCLOUD_CHAT_PROJECT_ID" is not set.
  7 |   project_id = env("NCLOUD_CHAT_PROJECT_ID")
    |                ^^^^

sources.hcl:8,16-20: Error in function call; Call to function "env" failed: environment variable "NCLOUD_CHAT_API_KEY" is not set.
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mustLoad(t, main, nil, Options{Environ: tt.environ})
			got := map[string]resolved{}
			var diags hcl.Diagnostics
			for _, s := range cfg.Sources {
				if s.Endpoint != "" || s.APIKey != "" {
					t.Errorf("%s is resolved before Resolve", s.ID())
				}
				diags = append(diags, s.Resolve()...)
				got[s.ID()] = resolved{s.Endpoint, s.ProjectID, s.APIKey, s.Language}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("sources mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.diags, diagText(t, cfg.Files, diags)); diff != "" {
				t.Errorf("diagnostics mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSourceResolveMistakes(t *testing.T) {
	const key = "k3y-value"
	tests := []struct {
		name string
		main string
		want string
	}{
		{
			name: "missing attributes",
			main: `source "gamepot" "x" {}
`,
			want: `main.hcl:1,1-21: Missing project_id; Fetching from source.gamepot.x needs project_id, like project_id = env("GAMEPOT_PROJECT_ID").
  1 | source "gamepot" "x" {}
    | ^^^^^^^^^^^^^^^^^^^^

main.hcl:1,1-21: Missing api_key; Fetching from source.gamepot.x needs api_key, like api_key = env("GAMEPOT_API_KEY").
  1 | source "gamepot" "x" {}
    | ^^^^^^^^^^^^^^^^^^^^
`,
		},
		{
			name: "null and empty",
			main: `source "ncloud_chat" "x" {
  project_id = null
  api_key    = env("EMPTY")
}
`,
			want: `main.hcl:2,16-20: Missing project_id; Fetching from source.ncloud_chat.x needs project_id, like project_id = env("NCLOUD_CHAT_PROJECT_ID").
  2 |   project_id = null
    |                ^^^^

main.hcl:3,16-28: Missing api_key; Fetching from source.ncloud_chat.x needs api_key, like api_key = env("NCLOUD_CHAT_API_KEY").
  3 |   api_key    = env("EMPTY")
    |                ^^^^^^^^^^^^
`,
		},
		{
			name: "a key of the wrong type hides its line",
			main: `source "gamepot" "x" {
  endpoint   = "dashboard-api.gamepot.ntruss.com"
  project_id = "p"
  api_key    = ["` + key + `"]
}
`,
			want: `main.hcl:2,16-50: Invalid endpoint; The endpoint of source.gamepot.x must be an http or https URL, like https://dashboard-api.gamepot.ntruss.com.
  2 |   endpoint   = "dashboard-api.gamepot.ntruss.com"
    |                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^

main.hcl:4,16-29: Incorrect attribute value type; Inappropriate value for attribute "api_key": string required, but have tuple.
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Mistakes in the expressions themselves show at load time
			// already, as validate needs; missing credentials only when
			// the source is resolved.
			cfg, diags := loadMain(t, tt.main, nil, Options{Environ: []string{"EMPTY="}})
			for _, s := range cfg.Sources {
				if s.Name == "x" && !diags.HasErrors() {
					diags = append(diags, s.Resolve()...)
				}
			}
			got := diagText(t, cfg.Files, diags)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("diagnostics mismatch (-want +got):\n%s", diff)
			}
			if strings.Contains(got, key) {
				t.Errorf("the key shows in:\n%s", got)
			}
		})
	}
}

// TestSourceResolveOnce checks that concurrent Resolve calls agree and that
// Resolve evaluates once (run with -race to see the writes are safe).
func TestSourceResolveOnce(t *testing.T) {
	cfg := mustLoad(t, "", nil, Options{Environ: []string{"GAMEPOT_PROJECT_ID=gp", "GAMEPOT_API_KEY=k"}})
	s := cfg.Source("gamepot.main")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if diags := s.Resolve(); len(diags) > 0 {
				t.Errorf("Resolve: %v", diags)
			}
		})
	}
	wg.Wait()
	if s.APIKey != "k" || s.ProjectID != "gp" {
		t.Errorf("got key %q, project %q", s.APIKey, s.ProjectID)
	}
}
