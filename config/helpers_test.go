package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// sourcesHCL declares what most test configurations refer to; it is written
// as sources.hcl beside each test's main.hcl.
const sourcesHCL = `source "gamepot" "main" {
  project_id = env("GAMEPOT_PROJECT_ID")
  api_key    = env("GAMEPOT_API_KEY")
}

source "ncloud_chat" "main" {
  project_id = env("NCLOUD_CHAT_PROJECT_ID")
  api_key    = env("NCLOUD_CHAT_API_KEY")
}

cohort "blocks" {
  source  = source.gamepot.main
  dataset = "memberblock"
}
`

// writeFiles writes files (name → content) into a new temporary folder and
// makes it the working directory, so that Load(".") names files as a user
// in that folder sees them: "main.hcl".
func writeFiles(t *testing.T, files map[string]string) {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
}

// loadMain loads main.hcl beside sources.hcl, plus any other files.
func loadMain(t *testing.T, main string, other map[string]string, opts Options) (*Config, hcl.Diagnostics) {
	t.Helper()
	files := map[string]string{"main.hcl": main, "sources.hcl": sourcesHCL}
	for name, content := range other {
		files[name] = content
	}
	writeFiles(t, files)
	return Load(".", opts)
}

// diagText renders diags as the CLI prints them, without colour.
func diagText(t *testing.T, files map[string]*hcl.File, diags hcl.Diagnostics) string {
	t.Helper()
	var b strings.Builder
	if err := WriteDiagnostics(&b, files, diags, false); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// mustLoad loads main.hcl beside sources.hcl and fails on any diagnostic.
func mustLoad(t *testing.T, main string, other map[string]string, opts Options) *Config {
	t.Helper()
	cfg, diags := loadMain(t, main, other, opts)
	if len(diags) > 0 {
		t.Fatalf("unexpected diagnostics:\n%s", diagText(t, cfg.Files, diags))
	}
	return cfg
}
