package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gpaudit/gpaudit/fetch/sandbox"
	"github.com/gpaudit/gpaudit/fetch/sandbox/sandboxtest"
)

// TestKeyNeverWritten runs whole live sessions against the sandbox with a
// distinctive API key taken from the environment, as in production, and
// searches every byte gpaudit wrote (stdout, stderr, reports, snapshot) for it.
func TestKeyNeverWritten(t *testing.T) {
	const key = "sk-live-7f3a9c-DO-NOT-LEAK"
	srv := sandboxtest.New(t, sandbox.Options{Data: "examples/quickstart/snapshot", APIKey: key})

	dir := t.TempDir()
	hclText := `
source "gamepot" "main" {
  endpoint   = env("SANDBOX_URL")
  project_id = env("GAMEPOT_PROJECT_ID")
  api_key    = env("GAMEPOT_API_KEY")
}
source "ncloud_chat" "main" {
  endpoint   = env("SANDBOX_URL")
  project_id = env("NCLOUD_CHAT_PROJECT_ID")
  api_key    = env("NCLOUD_CHAT_API_KEY")
}
cohort "blocks" {
  source  = source.gamepot.main
  dataset = "memberblock"
}
cohort "chat" {
  source  = source.ncloud_chat.main
  dataset = "chat_members"
  users   = cohort.blocks
}
check "long_blocks" {
  cohort = cohort.blocks
  policy = "gamepot.blocks.max_duration"
}
check "chat_links" {
  cohort = cohort.chat
  policy = "test.keys"
}
`
	writeFile(t, filepath.Join(dir, "main.hcl"), hclText)
	// A policy that writes its whole input into the report: were the key
	// anywhere in what policies see, the search below would find it.
	writeFile(t, filepath.Join(dir, "policies", "keys.rego"), "package test.keys\n\ndeny contains json.marshal(input)\n")

	tests := []struct {
		name    string
		project string // the chat project id; a wrong one makes the chat cohort fail
		want    int
	}{
		{"ok", "ncloud_chat.main", exitFailed},
		{"wrong project", "no-such-project", exitRuntime},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			environ := []string{
				"SANDBOX_URL=" + srv.URL(),
				"GAMEPOT_PROJECT_ID=gamepot.main",
				"GAMEPOT_API_KEY=" + key,
				"NCLOUD_CHAT_PROJECT_ID=" + tt.project,
				"NCLOUD_CHAT_API_KEY=" + key,
			}
			code, stdout, stderr := runCLIEnv(t, environ, "check", "--verbose", "--progress", "plain", "--rate-limit", "0",
				"--out", "json="+filepath.Join(out, "r.json"), "--out", "junit="+filepath.Join(out, "r.xml"),
				"--save-snapshot", filepath.Join(out, "snap"), dir)
			if code != tt.want {
				t.Fatalf("exit %d, want %d\n%s", code, tt.want, stderr)
			}
			for what, text := range map[string]string{"stdout": stdout, "stderr": stderr} {
				if strings.Contains(text, key) {
					t.Errorf("the API key appears on %s", what)
				}
			}
			files := 0
			err := filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				files++
				data, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				if bytes.Contains(data, []byte(key)) {
					t.Errorf("the API key appears in %s", path)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if files < 4 { // two reports, a manifest and at least one data file
				t.Fatalf("only %d files written; the test searched too little", files)
			}
		})
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
