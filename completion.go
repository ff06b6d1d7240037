package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/english"
	"github.com/gpaudit/gpaudit/report"
)

// shell is a shell `gpaudit completion` writes a script for.
type shell struct {
	name  string
	write func(w io.Writer, cmds []commandInfo)
}

// shells are the shells, in the order help and errors name them; set in
// init, since the scripts name the shells too.
var shells []shell

func init() {
	shells = []shell{{"bash", writeBash}, {"zsh", writeZsh}, {"fish", writeFish}}
}

func shellNames() []string {
	names := make([]string, len(shells))
	for i, s := range shells {
		names[i] = s.name
	}
	return names
}

const completionUsage = `completion bash|zsh|fish

Prints a completion script for the shell: the commands, each command's flags,
the values of flags that take one of a few, and folders and files where a
command or flag takes one. Load it in the shell's start-up file:

  bash:  source <(gpaudit completion bash)            # in ~/.bashrc
  zsh:   source <(gpaudit completion zsh)             # in ~/.zshrc; uses bashcompinit
  fish:  gpaudit completion fish > ~/.config/fish/completions/gpaudit.fish`

func runCompletion(_ context.Context, name string, args []string, e *env) error {
	fs := newFlagSet(name, completionUsage, e)
	if _, done, err := parseFlags(fs, args); err != nil || done {
		return err
	}
	if fs.NArg() != 1 {
		return usageErrorf("completion: name one shell: %s", english.Or(shellNames()))
	}
	shell := fs.Arg(0)
	for _, s := range shells {
		if s.name == shell {
			cmds, err := describeCommands()
			if err != nil {
				return runtimeErrorf("completion: %v", err)
			}
			s.write(e.stdout, cmds)
			return nil
		}
	}
	return usageErrorf("completion: unknown shell %q; gpaudit writes completion for %s", shell, english.Or(shellNames()))
}

// commandInfo is one command as a completion script offers it.
type commandInfo struct {
	name, summary string
	flags         []flagInfo
	// args is what the command's arguments are: "dir" (a config folder),
	// "command" (help), "shell" (completion) or "" (none).
	args string
}

// flagInfo is one flag as a completion script offers it.
type flagInfo struct {
	name, short, usage string
	// value is what the flag's value is: "" for a flag that takes none,
	// "dir", "file", "choice" (one of choices) or "text" (anything).
	value   string
	choices []string
}

// describeCommands reads every command's flags from its own flag set, so
// the scripts offer exactly the flags each command parses: each command is
// run with --help under an env that hands its flag set over instead of
// printing it.
func describeCommands() ([]commandInfo, error) {
	var out []commandInfo
	for _, c := range commands {
		ci := commandInfo{name: c.name, summary: c.summary, args: "dir"}
		switch c.name {
		case "help":
			ci.args = "command"
		case "completion":
			ci.args = "shell"
		case "version", "sandbox":
			ci.args = ""
		}
		var fs *pflag.FlagSet
		e := &env{stdout: io.Discard, stderr: io.Discard, flagsOf: func(f *pflag.FlagSet) { fs = f }}
		if err := c.run(context.Background(), c.name, []string{"--help"}, e); err != nil {
			return nil, fmt.Errorf("read the flags of %s: %w", c.name, err)
		}
		if fs != nil {
			fs.VisitAll(func(f *pflag.Flag) { ci.flags = append(ci.flags, describeFlag(c.name, f)) })
		}
		ci.flags = append(ci.flags, flagInfo{name: "help", short: "h", usage: "print the help of " + c.name})
		out = append(out, ci)
	}
	return out, nil
}

// describeFlag says what f's value is: a bool takes none; a fixed few are
// choices; a placeholder naming a folder or a file (`DIR`, `FILE`, `PATH`,
// as in FORMAT=PATH) completes folders or files.
func describeFlag(cmd string, f *pflag.Flag) flagInfo {
	placeholder, usage := pflag.UnquoteUsage(f)
	fi := flagInfo{name: f.Name, short: f.Shorthand, usage: usage}
	switch {
	case f.NoOptDefVal != "":
		return fi // --flag alone is a value (a bool)
	case choicesOf(cmd, f.Name) != nil:
		fi.value, fi.choices = "choice", choicesOf(cmd, f.Name)
	case strings.Contains(placeholder, "DIR"):
		fi.value = "dir"
	case strings.Contains(placeholder, "FILE"), strings.Contains(placeholder, "PATH"):
		fi.value = "file"
	default:
		fi.value = "text"
	}
	return fi
}

// choicesOf lists the values of a flag that takes one of a fixed few, from
// the tables the commands check them against.
func choicesOf(cmd, flag string) []string {
	switch {
	case flag == "format" && cmd == "check":
		return report.Formats()
	case flag == "format" && cmd == "test":
		return report.TestFormats()
	case flag == "format" && cmd == "policies":
		return policiesFormats
	case flag == "fail-on":
		return append(slices.Clone(config.Severities), "none")
	case flag == "progress":
		return progressModes
	}
	return nil
}

// bashScript is the bash completion function; %s are the parts
// writeBash makes from the commands.
const bashScript = `# bash completion for gpaudit, written by 'gpaudit completion bash'.
# Load it with: source <(gpaudit completion bash)

_gpaudit_reply() {
  local line
  COMPREPLY=()
  while IFS= read -r line; do
    COMPREPLY+=("$line")
  done < <(compgen "$@")
  return 0
}

_gpaudit() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= i words= args=
  if ((COMP_CWORD > 0)); then prev=${COMP_WORDS[COMP_CWORD-1]}; fi
  # bash splits --flag=value at the "=".
  if [[ $cur == = ]]; then
    cur=
  elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
    prev=${COMP_WORDS[COMP_CWORD-2]}
  fi
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
    -* | =) ;;
    *)
      cmd=${COMP_WORDS[i]}
      break
      ;;
    esac
  done
  COMPREPLY=()
  case $cmd in
  "")
    _gpaudit_reply -W "%s" -- "$cur"
    return 0
    ;;
%s  *) return 0 ;;
  esac
  if [[ $cur == -* ]]; then
    _gpaudit_reply -W "$words" -- "$cur"
    return 0
  fi
  case $args in
  dir)
    compopt -o filenames 2>/dev/null
    _gpaudit_reply -d -- "$cur"
    ;;
  command) _gpaudit_reply -W "%s" -- "$cur" ;;
  shell) _gpaudit_reply -W "%s" -- "$cur" ;;
  esac
  return 0
}

complete -F _gpaudit gpaudit
`

// writeBash writes the bash script: per command, the values of its flags
// after the flag, its flags after a "-", else its arguments.
func writeBash(w io.Writer, cmds []commandInfo) {
	var cases strings.Builder
	for _, c := range cmds {
		fmt.Fprintf(&cases, "  %s)\n    case $prev in\n", c.name)
		byValue := map[string][]string{}
		var words []string
		for _, f := range c.flags {
			words = append(words, "--"+f.name)
			names := "--" + f.name
			if f.short != "" {
				words = append(words, "-"+f.short)
				names += " | -" + f.short
			}
			switch f.value {
			case "choice":
				fmt.Fprintf(&cases, "    %s)\n      _gpaudit_reply -W %q -- \"$cur\"\n      return 0\n      ;;\n", names, strings.Join(f.choices, " "))
			case "dir", "file", "text":
				byValue[f.value] = append(byValue[f.value], names)
			}
		}
		if names := byValue["dir"]; names != nil {
			fmt.Fprintf(&cases, "    %s)\n      compopt -o filenames 2>/dev/null\n      _gpaudit_reply -d -- \"$cur\"\n      return 0\n      ;;\n", strings.Join(names, " | "))
		}
		if names := byValue["file"]; names != nil {
			fmt.Fprintf(&cases, "    %s)\n      compopt -o filenames 2>/dev/null\n      _gpaudit_reply -f -- \"$cur\"\n      return 0\n      ;;\n", strings.Join(names, " | "))
		}
		if names := byValue["text"]; names != nil {
			// A value nobody can guess: offer nothing rather than flags.
			fmt.Fprintf(&cases, "    %s) return 0 ;;\n", strings.Join(names, " | "))
		}
		fmt.Fprintf(&cases, "    esac\n    words=%q\n    args=%s\n    ;;\n", strings.Join(words, " "), c.args)
	}
	top := append(commandNames(cmds), "-h", "--help", "-V", "--version")
	fmt.Fprintf(w, bashScript, strings.Join(top, " "), cases.String(), strings.Join(commandNames(cmds), " "), strings.Join(shellNames(), " "))
}

func commandNames(cmds []commandInfo) []string {
	names := make([]string, len(cmds))
	for i, c := range cmds {
		names[i] = c.name
	}
	return names
}

// writeZsh writes the bash script behind zsh's bashcompinit, which runs
// bash completion functions in zsh, so both shells complete alike.
func writeZsh(w io.Writer, cmds []commandInfo) {
	fmt.Fprint(w, "# zsh completion for gpaudit, written by 'gpaudit completion zsh'.\n"+
		"# Load it with: source <(gpaudit completion zsh)   (after compinit)\n"+
		"autoload -U +X bashcompinit && bashcompinit\n\n")
	writeBash(w, cmds)
}

// writeFish writes fish `complete` commands: the commands with their
// summaries, then per command its flags with their usage, values and what
// its arguments are.
func writeFish(w io.Writer, cmds []commandInfo) {
	fmt.Fprint(w, "# fish completion for gpaudit, written by 'gpaudit completion fish'.\n"+
		"# Save it as ~/.config/fish/completions/gpaudit.fish\n"+
		"complete -c gpaudit -f\n"+
		"complete -c gpaudit -n __fish_use_subcommand -s h -l help -d 'print the help'\n"+
		"complete -c gpaudit -n __fish_use_subcommand -s V -l version -d \"print gpaudit's version and revision\"\n")
	for _, c := range cmds {
		fmt.Fprintf(w, "complete -c gpaudit -n __fish_use_subcommand -a %s -d %s\n", c.name, fishQuote(c.summary))
	}
	for _, c := range cmds {
		cond := fishQuote("__fish_seen_subcommand_from " + c.name)
		for _, f := range c.flags {
			line := "complete -c gpaudit -n " + cond + " -l " + f.name
			if f.short != "" {
				line += " -s " + f.short
			}
			switch f.value {
			case "choice":
				line += " -x -a " + fishQuote(strings.Join(f.choices, " "))
			case "dir":
				line += " -x -a '(__fish_complete_directories)'"
			case "file":
				line += " -r -F"
			case "text":
				line += " -x"
			}
			fmt.Fprintln(w, line+" -d "+fishQuote(f.usage))
		}
		switch c.args {
		case "dir":
			fmt.Fprintf(w, "complete -c gpaudit -n %s -a '(__fish_complete_directories)'\n", cond)
		case "command":
			fmt.Fprintf(w, "complete -c gpaudit -n %s -a %s\n", cond, fishQuote(strings.Join(commandNames(cmds), " ")))
		case "shell":
			fmt.Fprintf(w, "complete -c gpaudit -n %s -a %s\n", cond, fishQuote(strings.Join(shellNames(), " ")))
		}
	}
}

// fishQuote quotes s for fish: single quotes, with \ and ' escaped.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
