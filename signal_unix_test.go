//go:build unix

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gpaudit/gpaudit/fetch/sandbox"
	"github.com/gpaudit/gpaudit/fetch/sandbox/sandboxtest"
)

// signalTimeout bounds every wait of the signal tests: generous for a busy
// machine, and never reached when gpaudit does what it should.
const signalTimeout = 30 * time.Second

// TestSignals runs gpaudit as a process of its own (TestMain makes the test
// binary answer to the name gpaudit) and signals it as a terminal (SIGINT)
// and a CI runner or container engine (SIGTERM) do. The first signal ends a
// run as Ctrl-C does: exit 3, nothing written. A second one ends it at once
// with exit 3, even when the run is stuck where no context reaches it, in
// a write to a pipe that nobody reads.
func TestSignals(t *testing.T) {
	bin, err := exec.LookPath("gpaudit")
	if err != nil {
		t.Fatalf("gpaudit is not on PATH, as TestMain puts it: %v", err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String()+"/first", func(t *testing.T) {
			const latency = time.Minute // far longer than the run may take
			srv := sandboxtest.New(t, sandbox.Options{Data: "examples/quickstart/snapshot", APIKey: "k", Latency: latency})
			dir := sandboxConfig(t, "gamepot.blocks.max_duration")
			out := t.TempDir()
			p := startGpaudit(t, bin, srv.URL(), nil, "check", "--progress", "none",
				"--out", "json="+filepath.Join(out, "r.json"), "--save-snapshot", filepath.Join(out, "snap"), dir)
			deadline := time.After(signalTimeout)
			for srv.Stats().Requests == 0 { // the request is in flight at the sandbox
				select {
				case <-deadline:
					t.Fatalf("no request reached the sandbox; stderr:\n%s", p.stderr.String())
				case <-time.After(5 * time.Millisecond):
				}
			}
			p.signal(t, sig)
			if code := p.wait(t); code != exitRuntime {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, exitRuntime, p.stderr.String())
			}
			if got := p.stderr.String(); !strings.Contains(got, "gpaudit: check: interrupted; nothing written\n") {
				t.Errorf("stderr does not say the run was interrupted:\n%s", got)
			}
			if p.stdout.Len() > 0 {
				t.Errorf("a report was printed:\n%s", p.stdout.String())
			}
			entries, err := os.ReadDir(out)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				t.Errorf("left behind: %s", e.Name())
			}
		})

		t.Run(sig.String()+"/second", func(t *testing.T) {
			srv := sandboxtest.New(t, sandbox.Options{Data: "examples/quickstart/snapshot", APIKey: "k"})
			dir := sandboxConfig(t, "big.report")
			// A report of megabytes, to a pipe read one byte: gpaudit is
			// left writing the rest, where cancelling reaches nothing.
			writeFile(t, filepath.Join(dir, "policies", "big.rego"), `package big.report

pad := concat("", [s | some _ in numbers.range(1, 50); s := "padding"])

deny contains {"msg": sprintf("finding %d: %s", [i, pad]), "key": sprintf("%d", [i])} if {
	some i in numbers.range(1, 5000)
}
`)
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { r.Close() })
			p := startGpaudit(t, bin, srv.URL(), w, "check", "--progress", "none", "--format", "json", dir)
			w.Close() // the child holds its own copy
			if _, err := r.Read(make([]byte, 1)); err != nil {
				t.Fatalf("no report began: %v; stderr:\n%s", err, p.stderr.String())
			}
			p.signal(t, sig)
			p.stderr.waitFor(t, "received; stopping (another one stops at once)\n")
			select {
			case <-p.done:
				t.Fatalf("the run ended on the first signal, its report unwritten; stderr:\n%s", p.stderr.String())
			default:
			}
			p.signal(t, sig)
			if code := p.wait(t); code != exitRuntime {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, exitRuntime, p.stderr.String())
			}
			if got := p.stderr.String(); !strings.Contains(got, "gpaudit: stopped at once") {
				t.Errorf("stderr does not say the run stopped at once:\n%s", got)
			}
		})
	}
}

// process is a gpaudit started by a test.
type process struct {
	cmd    *exec.Cmd
	stdout bytes.Buffer // unless the test gave its own
	stderr *watched
	done   chan struct{} // closed when the process has ended
	err    error         // of Wait, once done is closed
}

// startGpaudit starts bin as gpaudit with args, against the sandbox at url.
// stdout, when not nil, receives the standard output instead of a buffer.
func startGpaudit(t *testing.T, bin, url string, stdout *os.File, args ...string) *process {
	t.Helper()
	p := &process{stderr: newWatched(), done: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = append(os.Environ(), "SANDBOX_URL="+url, "GAMEPOT_API_KEY=k", "NO_COLOR=1")
	p.cmd.Stdout = &p.stdout
	if stdout != nil {
		p.cmd.Stdout = stdout
	}
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill() // the test failed with it still running
			<-p.done
		}
	})
	return p
}

func (p *process) signal(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %v: %v", sig, err)
	}
}

// wait returns the exit code once the process has ended, -1 when a signal
// killed it.
func (p *process) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(signalTimeout):
		t.Fatalf("gpaudit did not end within %s; stderr:\n%s", signalTimeout, p.stderr.String())
	}
	return p.cmd.ProcessState.ExitCode()
}

// watched is a writer that a test can wait on for a text to appear.
type watched struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func newWatched() *watched { return &watched{changed: make(chan struct{}, 1)} }

func (w *watched) Write(b []byte) (int, error) {
	w.mu.Lock()
	w.buf.Write(b)
	w.mu.Unlock()
	select {
	case w.changed <- struct{}{}:
	default:
	}
	return len(b), nil
}

func (w *watched) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// waitFor returns once text has been written, and fails the test if it
// is not within signalTimeout.
func (w *watched) waitFor(t *testing.T, text string) {
	t.Helper()
	deadline := time.After(signalTimeout)
	for !strings.Contains(w.String(), text) {
		select {
		case <-w.changed:
		case <-deadline:
			t.Fatalf("waited %s for %q; got:\n%s", signalTimeout, text, w.String())
		}
	}
}
