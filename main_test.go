package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite golden files and testscript expectations")

// TestMain lets the test binary run as the gpaudit command, so the scripts
// in testdata/script exercise the real main: flags, exit codes, stdout and
// stderr exactly as a user sees them.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"gpaudit": main})
}

// TestScripts runs the end-to-end scripts in testdata/script.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Setup: func(e *testscript.Env) error {
			// A clean environment: no colour, no credentials.
			e.Setenv("NO_COLOR", "")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits":      cmdExits,
			"mkmanifest": cmdMkmanifest,
			"cmpreport":  cmdCmpreport,
			"freeport":   cmdFreeport,
			"waitserve":  cmdWaitserve,
		},
	})
}

// cmdExits runs a command and asserts its exact exit code:
//
//	exits 2 gpaudit check --format nope
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("exits does not support negation")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exits CODE COMMAND [ARG...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad code %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exits: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit code %d, want %d", got, want)
	}
}

// cmdCmpreport compares two JSON reports as evidence: equal but for how
// their cohorts were read (via, requests, retries, and the snapshot named
// in inputs), so that a run over the
// sandbox can be held against one over its snapshot. "stdout" names the
// last command's output:
//
//	cmpreport stdout live.json
func cmdCmpreport(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: cmpreport FILE1 FILE2")
	}
	a, _, err := omitHowRead([]byte(ts.ReadFile(args[0])))
	ts.Check(err)
	b, _, err := omitHowRead([]byte(ts.ReadFile(args[1])))
	ts.Check(err)
	if (a == b) == neg {
		if neg {
			ts.Fatalf("%s and %s are the same report", args[0], args[1])
		}
		ts.Fatalf("%s and %s are different reports:\n--- %s\n%s\n--- %s\n%s", args[0], args[1], args[0], a, args[1], b)
	}
}

// cmdMkmanifest writes DIR/manifest.json for the JSON-lines files under
// DIR/<source>/<dataset>.jsonl, independently of gpaudit's own snapshot
// writer, so the scripts test the reader against a hand-made snapshot:
//
//	mkmanifest snap
//
// List datasets are recorded as fetched with the filter {}; user_block as
// every player in the file looked up, plus the ids in an optional
// DIR/<source>/user_block.notfound (looked up, not blocked).
func cmdMkmanifest(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: mkmanifest DIR")
	}
	dir := ts.MkAbs(args[0])
	paths, err := filepath.Glob(filepath.Join(dir, "*", "*.jsonl"))
	ts.Check(err)
	slices.Sort(paths)
	type file struct {
		Source  string           `json:"source"`
		Dataset string           `json:"dataset"`
		Path    string           `json:"path"`
		Records int              `json:"records"`
		SHA256  string           `json:"sha256"`
		Filters []map[string]any `json:"filters,omitempty"`
		Users   []string         `json:"users,omitempty"`
	}
	var files []file
	for _, p := range paths {
		data, err := os.ReadFile(p)
		ts.Check(err)
		sum := sha256.Sum256(data)
		f := file{
			Source:  filepath.Base(filepath.Dir(p)),
			Dataset: strings.TrimSuffix(filepath.Base(p), ".jsonl"),
			SHA256:  hex.EncodeToString(sum[:]),
		}
		f.Path = f.Source + "/" + f.Dataset + ".jsonl"
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			f.Records++
			if f.Dataset == "user_block" {
				var rec struct {
					MemberID string `json:"member_id"`
				}
				_ = json.Unmarshal(sc.Bytes(), &rec)
				f.Users = append(f.Users, rec.MemberID)
			}
		}
		if f.Dataset == "user_block" {
			if extra, err := os.ReadFile(strings.TrimSuffix(p, ".jsonl") + ".notfound"); err == nil {
				f.Users = append(f.Users, strings.Fields(string(extra))...)
			}
		} else {
			f.Filters = []map[string]any{{}}
		}
		files = append(files, f)
	}
	out, err := json.MarshalIndent(map[string]any{
		"schema_version": 1, "created_at": "2026-11-01T00:00:00Z", "tool_version": "test", "files": files,
	}, "", "  ")
	ts.Check(err)
	ts.Check(os.WriteFile(filepath.Join(dir, "manifest.json"), append(out, '\n'), 0o644))
}

// cmdFreeport sets the environment variable NAME to a port of 127.0.0.1
// that was free a moment before, for a server the script starts in the
// background (gpaudit sandbox --addr 127.0.0.1:$NAME):
//
//	freeport PORT
func cmdFreeport(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: freeport NAME")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	port := ln.Addr().(*net.TCPAddr).Port
	ts.Check(ln.Close())
	ts.Setenv(args[0], strconv.Itoa(port))
}

// waitserveLimit bounds how long waitserve waits for a server to start.
const waitserveLimit = 30 * time.Second

// cmdWaitserve waits until a server started in the background accepts
// connections on ADDRESS, and fails the script if none does in time:
//
//	waitserve 127.0.0.1:$PORT
func cmdWaitserve(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitserve ADDRESS")
	}
	deadline := time.Now().Add(waitserveLimit)
	for {
		conn, err := net.DialTimeout("tcp", args[0], time.Second)
		if err == nil {
			conn.Close()
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("nothing accepts connections on %s after %s: %v", args[0], waitserveLimit, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
