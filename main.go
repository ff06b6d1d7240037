// Command gpaudit is a declarative audit and policy checker for game-player
// data in NAVER Cloud GAMEPOT and Ncloud Chat.
//
// HCL files declare sources, cohorts and checks; gpaudit reads the cohorts
// (from the APIs or a snapshot), evaluates each check's Rego policy with OPA
// and reports findings as text, JSON or JUnit. main wires config → fetch →
// engine → report and is the only place that exits.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/pflag"
	"golang.org/x/term"
)

// version is gpaudit's version; release builds set it with -ldflags.
var version = "0.1.0"

// Exit codes, as SPEC.md fixes them for every command.
const (
	exitOK      = 0
	exitFailed  = 1
	exitUsage   = 2
	exitRuntime = 3
)

// env is what a command may touch of the outside world. Commands never
// reach for os.Stdout, os.Environ or time.Now themselves, so tests can run
// them in-process with fixed inputs.
type env struct {
	stdout, stderr io.Writer
	environ        []string
	now            func() time.Time
	// stdoutTTY and stderrTTY say whether colour and progress make sense.
	stdoutTTY, stderrTTY bool
	// flagsOf, when set, is handed a command's flag set in place of its
	// help on --help: completion scripts are made from the flag sets so.
	flagsOf func(*pflag.FlagSet)
	// stdoutWidth is the width in columns of the terminal stdout is, 0 when
	// it is none or its size is unknown; stderrWidth and stderrHeight are the
	// size of stderr's, for the progress bars.
	stdoutWidth, stderrWidth, stderrHeight int
}

// exitError carries an exit code up to main, with the message already
// printed (silent) or still to print.
type exitError struct {
	code   int
	err    error
	silent bool
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageErrorf is a bad flag, argument or configuration: exit 2.
func usageErrorf(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// runtimeErrorf is a failure while running: exit 3.
func runtimeErrorf(format string, args ...any) error {
	return &exitError{code: exitRuntime, err: fmt.Errorf(format, args...)}
}

// exitCode ends a command with a code whose cause has been reported already.
func exitCode(code int) error {
	if code == exitOK {
		return nil
	}
	return &exitError{code: code, silent: true}
}

func main() {
	ctx, stop := interruptible(os.Stderr)
	e := &env{
		stdout:    os.Stdout,
		stderr:    os.Stderr,
		environ:   os.Environ(),
		now:       time.Now,
		stdoutTTY: isatty.IsTerminal(os.Stdout.Fd()) || isatty.IsCygwinTerminal(os.Stdout.Fd()),
		stderrTTY: isatty.IsTerminal(os.Stderr.Fd()) || isatty.IsCygwinTerminal(os.Stderr.Fd()),
	}
	if e.stdoutTTY {
		e.stdoutWidth, _ = terminalSize(os.Stdout)
	}
	if e.stderrTTY {
		e.stderrWidth, e.stderrHeight = terminalSize(os.Stderr)
	}
	code := run(ctx, os.Args[1:], e)
	stop()
	os.Exit(code)
}

// terminalSize is the width and height of the terminal f is, or zeros
// when they cannot be read.
func terminalSize(f *os.File) (width, height int) {
	width, height, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0, 0
	}
	return width, height
}

// interruptible returns a context that the first SIGINT (Ctrl-C) or
// SIGTERM (what CI runners and container engines send to cancel a job)
// cancels: the run winds down, writes nothing and exits 3. A second signal
// ends the process at once with exit 3, whatever it is doing, even in a
// write that no context reaches, such as to a pipe nobody reads. That is
// handled here rather than left to the default action of the signal: a
// SIGINT that the parent ignored (a background job of a script) would stay
// ignored, and a process that runs as PID 1 in a container gets no default
// action at all. stop undoes the handling.
func interruptible(stderr io.Writer) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig, ok := <-signals
		if !ok {
			return
		}
		fmt.Fprintf(stderr, "gpaudit: %s received; stopping (another one stops at once)\n", signalName(sig))
		cancel()
		if _, ok := <-signals; ok {
			fmt.Fprintln(stderr, "gpaudit: stopped at once; a report or snapshot being written may be left as a temporary file")
			os.Exit(exitRuntime)
		}
	}()
	return ctx, func() {
		signal.Stop(signals)
		close(signals)
		cancel()
	}
}

// signalName names a signal as a user sent it.
func signalName(sig os.Signal) string {
	if sig == os.Interrupt {
		return "interrupt"
	}
	return "SIGTERM"
}

// run dispatches to a command and turns its error into an exit code.
func run(ctx context.Context, args []string, e *env) int {
	err := dispatch(ctx, args, e)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if !errors.As(err, &ee) {
		ee = &exitError{code: exitRuntime, err: err}
	}
	if !ee.silent && ee.err != nil {
		fmt.Fprintf(e.stderr, "gpaudit: %v\n", ee.err)
	}
	return ee.code
}
