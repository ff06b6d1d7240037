//go:build unix

package config

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestSpecialFiles makes each file the configuration reads a named pipe or
// a device in turn. Reading one would block until something writes to the
// pipe, or never end: each is a diagnostic instead, given at once.
func TestSpecialFiles(t *testing.T) {
	tests := []struct {
		name    string
		main    string
		special map[string]string // file name → "fifo" or the device it links to
		opts    Options
		want    string
	}{
		{
			name:    "a *.hcl file that is a named pipe",
			special: map[string]string{"pipe.hcl": "fifo"},
			want: `Error: Cannot read configuration file; read pipe.hcl: a named pipe, not a regular file.
`,
		},
		{
			name:    "a *.hcl file that is a device",
			special: map[string]string{"zero.hcl": "/dev/zero"},
			want: `Error: Cannot read configuration file; read zero.hcl: a character device, not a regular file.
`,
		},
		{
			name:    "a var-file that is a named pipe",
			special: map[string]string{"prod.vars": "fifo"},
			opts:    Options{VarFiles: []string{"prod.vars"}},
			want: `Error: Cannot read variables file; read prod.vars: a named pipe, not a regular file.
`,
		},
		{
			name: "a file() argument that is a named pipe",
			main: `check "c" {
  cohort = cohort.blocks
  policy = "p"
  params = { v = file("pipe.txt") }
}
`,
			special: map[string]string{"pipe.txt": "fifo"},
			want: `main.hcl:4,18-23: Error in function call; Call to function "file" failed: read pipe.txt: a named pipe, not a regular file.
  4 |   params = { v = file("pipe.txt") }
    |                  ^^^^^
`,
		},
		{
			name: "a users_file that is a named pipe",
			main: `cohort "user_blocks" {
  source     = source.gamepot.main
  dataset    = "user_block"
  users_file = "ids.txt"
}
`,
			special: map[string]string{"ids.txt": "fifo"},
			want: `main.hcl:4,16-25: Cannot read users_file; read ids.txt: a named pipe, not a regular file.
  4 |   users_file = "ids.txt"
    |                ^^^^^^^^^
`,
		},
		{
			name: "a users_file that is a device",
			main: `cohort "user_blocks" {
  source     = source.gamepot.main
  dataset    = "user_block"
  users_file = "/dev/zero"
}
`,
			want: `main.hcl:4,16-27: Cannot read users_file; read /dev/zero: a character device, not a regular file.
  4 |   users_file = "/dev/zero"
    |                ^^^^^^^^^^^
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			main := tt.main
			if main == "" {
				main = "variable \"v\" {\n  default = 1\n}\n"
			}
			writeFiles(t, map[string]string{"main.hcl": main, "sources.hcl": sourcesHCL})
			for name, kind := range tt.special {
				var err error
				if kind == "fifo" {
					err = syscall.Mkfifo(name, 0o644)
				} else {
					err = os.Symlink(kind, name)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			type loaded struct {
				cfg *Config
				got string
			}
			done := make(chan loaded, 1)
			go func() {
				cfg, diags := Load(".", tt.opts)
				var b strings.Builder
				_ = WriteDiagnostics(&b, cfg.Files, diags, false)
				done <- loaded{cfg, b.String()}
			}()
			select {
			case l := <-done:
				if diff := cmp.Diff(tt.want, l.got); diff != "" {
					t.Errorf("diagnostics mismatch (-want +got):\n%s", diff)
				}
			case <-time.After(10 * time.Second):
				// Unblock the reader, so the test ends.
				for name := range tt.special {
					if f, err := os.OpenFile(filepath.Clean(name), os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
						f.Close()
					}
				}
				t.Fatal("Load blocked on a special file")
			}
		})
	}
}
