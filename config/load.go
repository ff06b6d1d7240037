package config

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// rootSchema is what a configuration file may hold at its top level.
var rootSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "source", LabelNames: []string{"kind", "name"}},
		{Type: "cohort", LabelNames: []string{"name"}},
		{Type: "check", LabelNames: []string{"name"}},
		{Type: "waiver", LabelNames: []string{"name"}},
	},
}

// loader holds what Load has learnt so far; each phase reads what the
// previous ones declared.
type loader struct {
	dir    string
	parser *hclparse.Parser
	env    map[string]string
	read   *secrets // the values env() has read
	files  *fileLog // the files read
	ev     *evaluator
	diags  hcl.Diagnostics

	localOrder   []string           // locals, each after those it refers to
	localRefs    map[string][]ref   // local → the locals it refers to
	sourceLocals []ref              // the locals that source attributes refer to
	sources      map[string]*Source // by ID
	cohortNames  map[string]bool
}

// Load reads every *.hcl file in dir (not its subfolders) as one
// configuration, resolving variables from defaults, the environment
// (GPAUDIT_VAR_<name>), var-files and --var, in Terraform's order.
//
// The returned Config is never nil: when the diagnostics hold errors it is
// partial, but its Files still let WriteDiagnostics show the source. Sources
// are checked but not evaluated; see Source.Resolve.
func Load(dir string, opts Options) (*Config, hcl.Diagnostics) {
	l := &loader{
		dir:    dir,
		parser: hclparse.NewParser(),
		env:    environ(opts.Environ),
		read:   &secrets{},
		files:  &fileLog{},
	}
	cfg := &Config{Dir: dir, files: l.files}
	files := l.parse()
	if len(files) > 0 {
		blocks := l.content(files)
		l.ev = &evaluator{funcs: functions(dir, l.env, l.read, l.files)}
		cfg.Variables = l.variables(blocks["variable"], opts)
		l.locals(blocks["locals"])
		cfg.Sources = l.sourceBlocks(blocks["source"])
		cfg.Cohorts = l.cohortBlocks(blocks["cohort"])
		cfg.Checks = l.checkBlocks(blocks["check"])
		cfg.Waivers = l.waiverBlocks(blocks["waiver"], cfg.Checks)
		l.unusedLocals()
	}
	cfg.Files = l.parser.Files()
	sensitive := sensitiveTexts(cfg.Variables)
	for _, src := range cfg.Sources {
		if resolve := src.resolve; resolve != nil {
			// After resolve: it reads the source's env() values.
			src.resolve = func() hcl.Diagnostics {
				diags := resolve()
				return redact(diags, slices.Concat(sensitive, l.read.texts()))
			}
		}
	}
	return cfg, redact(l.diags, slices.Concat(sensitive, l.read.texts()))
}

// sensitiveTexts lists the values of sensitive variables as they would be
// quoted in a message.
func sensitiveTexts(vars []*Variable) []string {
	var texts []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			texts = append(texts, x)
		case json.Number:
			texts = append(texts, string(x))
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	for _, v := range vars {
		if v.Sensitive {
			walk(v.Value)
		}
	}
	return texts
}

// redact replaces every sensitive value in diags, as it is and as Go quotes
// it: a function such as tonumber or parseint quotes its argument when it
// fails, escaping what is not printable.
func redact(diags hcl.Diagnostics, secrets []string) hcl.Diagnostics {
	var forms []string
	for _, s := range secrets {
		// Very short values would blank out ordinary words; a secret that
		// short protects nothing anyway.
		if len(s) < 4 {
			continue
		}
		forms = append(forms, s)
		if q := strconv.Quote(s); q[1:len(q)-1] != s {
			forms = append(forms, q[1:len(q)-1])
		}
	}
	if len(forms) == 0 {
		return diags
	}
	// Longest first, so no part of a longer secret is left after a shorter
	// one inside it was replaced.
	slices.SortFunc(forms, func(a, b string) int { return len(b) - len(a) })
	for _, d := range diags {
		for _, s := range forms {
			d.Summary = strings.ReplaceAll(d.Summary, s, "(sensitive value)")
			d.Detail = strings.ReplaceAll(d.Detail, s, "(sensitive value)")
		}
	}
	return diags
}

// environ turns KEY=VALUE pairs into a map; a later pair wins, as in os/exec.
func environ(pairs []string) map[string]string {
	env := make(map[string]string, len(pairs))
	for _, kv := range pairs {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	return env
}

// parse reads and parses the *.hcl files of the folder, sorted by name, and
// returns them. Dot-files are skipped: editors leave lock and backup files so.
func (l *loader) parse() []*hcl.File {
	entries, err := os.ReadDir(l.dir)
	if err != nil {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Cannot read configuration folder",
			Detail:   fmt.Sprintf("%s.", err),
		})
		return nil
	}
	var files []*hcl.File
	for _, e := range entries {
		if e.IsDir() || filepath.Ext(e.Name()) != ".hcl" || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		name := filepath.Join(l.dir, e.Name())
		src, err := l.files.read(name)
		if err != nil {
			l.diags = append(l.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Cannot read configuration file",
				Detail:   fmt.Sprintf("%s.", err),
			})
			continue
		}
		if f := l.parseHCL(src, name); f != nil {
			files = append(files, f)
		}
	}
	if len(files) == 0 && !l.diags.HasErrors() {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "No configuration files",
			Detail:   fmt.Sprintf("The folder %s holds no *.hcl file.", l.dir),
		})
	}
	return files
}

// parseHCL parses one HCL file, or reports in one diagnostic that it is not
// text at all. Of the syntax errors, the first few are kept, and a file
// with more is not read further: a file of garbage would otherwise give
// thousands.
func (l *loader) parseHCL(src []byte, name string) *hcl.File {
	if d := textDiagnostic(name, src); d != nil {
		l.diags = append(l.diags, d)
		return nil
	}
	f, diags := l.parser.ParseHCL(src, name)
	if len(diags) > maxFileDiagnostics {
		more := len(diags) - maxFileDiagnostics
		l.diags = append(l.diags, diags[:maxFileDiagnostics]...)
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Too many errors",
			Detail:   fmt.Sprintf("%s has %d more problems; fix the ones above first.", name, more),
		})
		return nil
	}
	l.diags = append(l.diags, diags...)
	return f
}

// content returns the top-level blocks of all files by type, files in name
// order and blocks in file order.
func (l *loader) content(files []*hcl.File) map[string][]*hcl.Block {
	blocks := map[string][]*hcl.Block{}
	for _, f := range files {
		for _, b := range l.bodyContent(f.Body, rootSchema).Blocks {
			blocks[b.Type] = append(blocks[b.Type], b)
		}
	}
	return blocks
}

// bodyContent is body.Content with the diagnostics in source order, so that
// the output is the same on every run: HCL reports unsupported arguments in
// map order.
func (l *loader) bodyContent(body hcl.Body, schema *hcl.BodySchema) *hcl.BodyContent {
	content, diags := body.Content(schema)
	slices.SortStableFunc(diags, func(a, b *hcl.Diagnostic) int {
		return startByte(a) - startByte(b)
	})
	l.diags = append(l.diags, diags...)
	return content
}

func startByte(d *hcl.Diagnostic) int {
	if d.Subject == nil {
		return -1
	}
	return d.Subject.Start.Byte
}

// declarations remembers the first declaration of each name of one kind, so
// that a second one can be reported with where the first is.
type declarations struct {
	what  string // "Cohort", "Local value", …: starts the diagnostic's detail
	first map[string]hcl.Range
}

func newDeclarations(what string) *declarations {
	return &declarations{what: what, first: map[string]hcl.Range{}}
}

// add records name as declared at decl and reports whether it is new; a
// duplicate is reported at subject.
func (d *declarations) add(l *loader, name string, decl, subject hcl.Range) bool {
	if first, dup := d.first[name]; dup {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Duplicate " + strings.ToLower(d.what),
			Detail:   fmt.Sprintf("%s %q was already declared at %s:%d.", d.what, name, first.Filename, first.Start.Line),
			Subject:  subject.Ptr(),
		})
		return false
	}
	d.first[name] = decl
	return true
}

// validName reports whether a block's name label is an identifier, which a
// reference like cohort.NAME needs.
func (l *loader) validName(b *hcl.Block, what string) bool {
	i := len(b.Labels) - 1
	if hclsyntax.ValidIdentifier(b.Labels[i]) {
		return true
	}
	l.diags = append(l.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid " + what + " name",
		Detail:   "A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes.",
		Subject:  b.LabelRanges[i].Ptr(),
	})
	return false
}

// Cohort returns the cohort called name, or nil.
func (c *Config) Cohort(name string) *Cohort {
	for _, x := range c.Cohorts {
		if x.Name == name {
			return x
		}
	}
	return nil
}

// Source returns the source whose ID (e.g. "gamepot.main") is id, or nil.
func (c *Config) Source(id string) *Source {
	for _, s := range c.Sources {
		if s.ID() == id {
			return s
		}
	}
	return nil
}
