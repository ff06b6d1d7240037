package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/dependencies"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/gpaudit/gpaudit/config"
)

// Options are what New compiles.
type Options struct {
	// Builtin is the built-in policy library, policies.FS in the binary.
	Builtin fs.FS
	// UserDir is the user's policy folder, DIR/policies. It may not exist.
	UserDir string
	// Cohorts are the declared cohorts; New compiles their where expressions.
	Cohorts []*config.Cohort
}

// Policy describes one policy: a package that defines deny or warn.
type Policy struct {
	// Name is the package path without "data.", e.g. "gamepot.blocks.max_duration".
	Name        string
	Title       string
	Description string
	// Datasets are the datasets the policy is written for (custom.datasets);
	// nil when it declares none, and then it reads any.
	Datasets []string
	// Params are the declared parameters with their defaults (custom.params),
	// as plain Go values with json.Number for numbers. Nil when the policy
	// declares none: like most OPA policies, it then takes any parameters,
	// while a declared empty object takes none.
	Params map[string]any
	// With are the other cohorts the policy reads (custom.with): the key of
	// input.cohorts → the dataset that cohort must be. Nil when none.
	With map[string]string
	// PerRecord (custom.per_record: true) declares that each finding
	// depends on one record of input.records at a time (and on params and
	// input.cohorts): the engine may then evaluate the policy over parts of
	// a big cohort at once and join the findings, so that the whole cohort
	// never has to exist as OPA values.
	PerRecord bool
	// PartitionBy (custom.partition_by: a list of fields) declares that the
	// findings about a record depend only on the records that agree with it
	// on these top-level fields, a field's value being its string, or ""
	// when it is missing or not a string (and on params and input.cohorts):
	// the engine may then evaluate the policy over parts of a big cohort
	// that each hold all the records of the values they hold. It is how a
	// group-by policy is evaluated in parts.
	PartitionBy []string
	// PartitionMin (custom.partition_min) declares, for a partitioned
	// policy, that a record whose partition (the records that agree with
	// it on every PartitionBy field) holds fewer than this many records
	// leads to no finding: the engine may leave such records out. It is a
	// number, or PartitionMinRule names the rule of the package that gives
	// it from input.params; 0 when neither is declared.
	PartitionMin     float64
	PartitionMinRule string
	// Fields (custom.fields) declares the only top-level fields of a
	// record of input.records the policy reads, or whose presence it
	// tests: the engine may then leave the others out of the records it
	// gives the policy in parts. Nil when it declares none.
	Fields []string
	// Joins (custom.joins) declares, for a key of input.cohorts, that the
	// policy reads a record of that cohort only when its Field is a
	// non-empty string equal to the To field of some record of
	// input.records: the engine may then give it those records only.
	Joins map[string]Join
	// Builtin reports whether the policy comes from the built-in library.
	Builtin bool
	// File is the file that holds the package's METADATA, or its first file.
	// Built-in files are named "builtin:" followed by their path in the library.
	File string
}

// leavesOut reports whether the policy declares a partition_min, and so
// may have records left out of its parts.
func (p Policy) leavesOut() bool { return p.PartitionMin != 0 || p.PartitionMinRule != "" }

// Join is how a policy reads the records of one of its with cohorts: those
// whose Field equals the To field of one of the cohort's own records.
type Join struct {
	Field string
	To    string
}

// Engine evaluates checks and where expressions with policies compiled once.
// Its methods are safe for concurrent use.
type Engine struct {
	policies map[string]*policy // by name
	// libraries are packages that define neither deny nor warn: helpers other
	// policies import, which a check cannot name.
	libraries map[string]bool
	wheres    map[string]*where // by cohort name
	// files are the policy files compiled, for the report's inputs.
	files []InputFile
	// showPII leaves personal data in results unmasked (ShowPII).
	showPII bool
}

type policy struct {
	info  Policy
	query rego.PreparedEvalQuery
	// minQuery evaluates info.PartitionMinRule, when the policy declares one.
	minQuery *rego.PreparedEvalQuery
}

// CompileError reports every parse and compile problem of the policies.
type CompileError struct {
	// Errors are OPA's, sorted by file and line.
	Errors ast.Errors
}

// Error lists each problem as OPA does, "FILE:LINE: CODE: MESSAGE".
func (e *CompileError) Error() string { return e.Errors.Error() }

// builtinPrefix names the built-in files in locations, so they never read as
// a path in the user's folder.
const builtinPrefix = "builtin:"

// internalRoot is the package root of the modules gpaudit generates; no user
// package may live under it.
const internalRoot = "gpaudit_internal"

var parserOptions = ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true}

// Capabilities returns OPA's capabilities without the built-ins a policy must
// not reach: http.send and net.* (network) and opa.runtime (the environment,
// which holds API keys). A policy calling one fails to compile with
// "undefined function".
func Capabilities() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	caps.Builtins = slices.DeleteFunc(slices.Clone(caps.Builtins), func(b *ast.Builtin) bool {
		return b.Name == "http.send" || b.Name == "opa.runtime" || strings.HasPrefix(b.Name, "net.")
	})
	return caps
}

// New compiles every policy of opts.Builtin and opts.UserDir (test files
// excluded) and every cohort's where expression, and prepares one query per
// policy. Rego problems give a *CompileError; a where that does not compile
// gives a *WhereError (several are joined with errors.Join).
func New(ctx context.Context, opts Options) (*Engine, error) {
	files, err := readRego(opts.Builtin, opts.UserDir, isPolicyFile)
	if err != nil {
		return nil, err
	}
	modules, builtin, errs := parsePolicies(files)
	wheres, whereErrs := parseWheres(opts.Cohorts)
	if len(errs) == 0 {
		everything := maps.Clone(modules)
		for _, w := range wheres {
			everything[w.file] = w.module
		}
		compiler := newCompiler()
		if compiler.Compile(everything); !compiler.Failed() && len(whereErrs) == 0 {
			e, err := prepare(ctx, compiler, builtin, wheres)
			if err != nil {
				return nil, err
			}
			e.files = digests(files)
			return e, nil
		}
		errs = diagnose(modules, wheres, whereErrs)
		if len(errs) == 0 && len(whereErrs) == 0 {
			errs = compiler.Errors
		}
	}
	var all []error
	if len(errs) > 0 {
		errs.Sort()
		all = append(all, &CompileError{Errors: errs})
	}
	for _, c := range opts.Cohorts {
		if werrs, ok := whereErrs[c.Name]; ok {
			werrs.Sort()
			all = append(all, &WhereError{Cohort: c.Name, Err: werrs})
		}
	}
	if len(all) == 1 {
		return nil, all[0]
	}
	return nil, errors.Join(all...)
}

func newCompiler() *ast.Compiler {
	return ast.NewCompiler().
		WithCapabilities(Capabilities()).
		WithEnablePrintStatements(false).
		WithDefaultRegoVersion(ast.RegoV1)
}

// diagnose finds every compile problem once compiling everything together
// failed. OPA stops at the first compiler stage that fails, so one bad where
// could hide another's problems, and all would read as policy errors: the
// policies are compiled alone, then each where with them. It returns the
// policies' errors and adds each where's to whereErrs.
func diagnose(modules map[string]*ast.Module, wheres []*where, whereErrs map[string]ast.Errors) ast.Errors {
	compiler := newCompiler()
	if compiler.Compile(modules); compiler.Failed() {
		return compiler.Errors
	}
	for _, w := range wheres {
		with := maps.Clone(modules)
		// The keep rule alone: the decided rule repeats the same
		// expressions and would report every problem twice.
		keepOnly := w.module.Copy()
		keepOnly.Rules = keepOnly.Rules[:1]
		with[w.file] = keepOnly
		compiler := newCompiler()
		if compiler.Compile(with); compiler.Failed() {
			whereErrs[w.cohort] = append(whereErrs[w.cohort], compiler.Errors...)
		}
	}
	return nil
}

type regoFile struct {
	name    string // as shown in errors
	text    string
	builtin bool
}

// readRego reads the .rego files that keep accepts, built-in first, each
// group in lexical order.
func readRego(builtin fs.FS, userDir string, keep func(fs.DirEntry) bool) ([]regoFile, error) {
	var files []regoFile
	if builtin != nil {
		err := fs.WalkDir(builtin, ".", func(path string, d fs.DirEntry, err error) error {
			if err != nil || !keep(d) {
				return err
			}
			text, err := fs.ReadFile(builtin, path)
			if err != nil {
				return err
			}
			files = append(files, regoFile{name: builtinPrefix + path, text: string(text), builtin: true})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read built-in policies: %w", err)
		}
	}
	if userDir == "" {
		return files, nil
	}
	if _, err := os.Stat(userDir); errors.Is(err, fs.ErrNotExist) {
		return files, nil
	}
	err := filepath.WalkDir(userDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !keep(d) {
			return err
		}
		// Only regular files, within a size limit: a named pipe called
		// x.rego would block the run.
		text, err := config.ReadFile(path)
		if err != nil {
			return err
		}
		files = append(files, regoFile{name: path, text: string(text)})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read policies: %w", err)
	}
	return files, nil
}

func isPolicyFile(d fs.DirEntry) bool {
	return isRegoFile(d) && !strings.HasSuffix(d.Name(), "_test.rego")
}

func isRegoFile(d fs.DirEntry) bool {
	return !d.IsDir() && strings.HasSuffix(d.Name(), ".rego")
}

// parsePolicies parses files into modules keyed by file name, and reports
// which packages are built in. A user package that reuses a built-in one, or
// lives under gpaudit's own root, is an error at its package line.
func parsePolicies(files []regoFile) (map[string]*ast.Module, map[string]bool, ast.Errors) {
	modules := make(map[string]*ast.Module, len(files))
	builtin := map[string]bool{}
	var errs ast.Errors
	for _, f := range files {
		m, err := ast.ParseModuleWithOpts(f.name, f.text, parserOptions)
		if err != nil {
			errs = append(errs, asErrors(err, f.name)...)
			continue
		}
		modules[f.name] = m
		if f.builtin {
			builtin[packageName(m.Package)] = true
		}
	}
	for _, f := range files {
		m := modules[f.name]
		if f.builtin || m == nil {
			continue
		}
		name := packageName(m.Package)
		switch {
		case builtin[name]:
			errs = append(errs, ast.NewError(ast.CompileErr, m.Package.Location,
				"package %s is a built-in policy; give this package another name", name))
		case name == internalRoot || strings.HasPrefix(name, internalRoot+"."):
			errs = append(errs, ast.NewError(ast.CompileErr, m.Package.Location,
				"package %s is reserved for gpaudit", name))
		}
	}
	return modules, builtin, errs
}

// asErrors returns err as OPA errors; the parser always gives ast.Errors, but
// an error of another kind is still reported with its file.
func asErrors(err error, file string) ast.Errors {
	var errs ast.Errors
	if errors.As(err, &errs) {
		return errs
	}
	return ast.Errors{ast.NewError(ast.ParseErr, &ast.Location{File: file}, "%v", err)}
}

func packageName(p *ast.Package) string {
	return strings.TrimPrefix(p.Path.String(), "data.")
}

// prepare builds the Engine from a compiled compiler: one prepared query per
// policy and per where.
func prepare(ctx context.Context, compiler *ast.Compiler, builtin map[string]bool, wheres []*where) (*Engine, error) {
	e := &Engine{
		policies:  map[string]*policy{},
		libraries: map[string]bool{},
		wheres:    map[string]*where{},
	}
	// Modules of one package, in file order.
	byPackage := map[string][]*ast.Module{}
	var names []string
	for _, key := range slices.Sorted(maps.Keys(compiler.Modules)) {
		m := compiler.Modules[key]
		name := packageName(m.Package)
		if name == internalRoot || strings.HasPrefix(name, internalRoot+".") {
			continue
		}
		if _, seen := byPackage[name]; !seen {
			names = append(names, name)
		}
		byPackage[name] = append(byPackage[name], m)
	}
	annotations := compiler.GetAnnotationSet()
	var bad ast.Errors
	for _, name := range names {
		mods := byPackage[name]
		if !definesDenyOrWarn(mods) {
			e.libraries[name] = true
			continue
		}
		if problems := functionRules(name, mods); len(problems) > 0 {
			bad = append(bad, problems...)
			continue
		}
		info, problem := describe(name, mods, annotations, builtin[name])
		if problem != nil {
			bad = append(bad, problem)
			continue
		}
		query, err := prepareQuery(ctx, compiler, mods[0].Package.Path)
		if err != nil {
			return nil, fmt.Errorf("prepare policy %s: %w", name, err)
		}
		p := &policy{info: info, query: query}
		if info.PartitionMinRule != "" {
			if problem := minRuleReads(compiler, name, mods, info.PartitionMinRule); problem != nil {
				bad = append(bad, problem)
				continue
			}
			q, err := prepareRule(ctx, compiler, mods[0].Package.Path, info.PartitionMinRule)
			if err != nil {
				return nil, fmt.Errorf("prepare policy %s: %w", name, err)
			}
			p.minQuery = &q
		}
		e.policies[name] = p
	}
	if len(bad) > 0 {
		bad.Sort()
		return nil, &CompileError{Errors: bad}
	}
	for _, w := range wheres {
		if err := w.prepare(ctx, compiler); err != nil {
			return nil, err
		}
		e.wheres[w.cohort] = w
	}
	return e, nil
}

func definesDenyOrWarn(mods []*ast.Module) bool {
	for _, m := range mods {
		if slices.ContainsFunc(m.Rules, isDenyOrWarn) {
			return true
		}
	}
	return false
}

// minInputs are the parts of the input a partition_min rule may read: it
// is evaluated over no records and no cohorts, and an answer that depends on
// them could leave out records that make findings.
var minInputs = []ast.Ref{
	ast.MustParseRef("input.params"),
	ast.MustParseRef("input.check"),
	ast.MustParseRef("input.now"),
	ast.MustParseRef("input.now_ns"),
}

// minRuleReads reports a partition_min rule that reads more of the input
// than minInputs, through the rules and functions it calls as well.
func minRuleReads(compiler *ast.Compiler, name string, mods []*ast.Module, rule string) *ast.Error {
	ref := mods[0].Package.Path.Append(ast.StringTerm(rule))
	refs, err := dependencies.Base(compiler, ast.NewBody(ast.NewExpr(ast.NewTerm(ref))))
	if err != nil {
		return ast.NewError(ast.CompileErr, mods[0].Package.Location, "partition_min rule %s of package %s: %v", rule, name, err)
	}
	for _, r := range refs {
		if !r.HasPrefix(ast.InputRootRef) || slices.ContainsFunc(minInputs, r.HasPrefix) {
			continue
		}
		loc := mods[0].Package.Location
		if rules := compiler.GetRules(ref); len(rules) > 0 {
			loc = rules[0].Location
		}
		return ast.NewError(ast.CompileErr, loc,
			"%s, the partition_min rule of package %s, reads %v: it is evaluated over no records and no cohorts, so it may read only input.params, input.check, input.now and input.now_ns", rule, name, r)
	}
	return nil
}

// definesRule reports whether the modules define a rule (not a function)
// of the one-word name.
func definesRule(mods []*ast.Module, name string) bool {
	for _, m := range mods {
		for _, r := range m.Rules {
			ref := r.Head.Ref()
			if v, ok := ref[0].Value.(ast.Var); ok && len(ref) == 1 && string(v) == name && len(r.Head.Args) == 0 {
				return true
			}
		}
	}
	return false
}

func isDenyOrWarn(r *ast.Rule) bool {
	name, ok := r.Head.Ref()[0].Value.(ast.Var)
	return ok && (name == "deny" || name == "warn")
}

// functionRules reports a deny or warn that is a function: the query could
// only name it, never call it.
func functionRules(name string, mods []*ast.Module) ast.Errors {
	var errs ast.Errors
	for _, m := range mods {
		for _, r := range m.Rules {
			if len(r.Head.Args) > 0 && isDenyOrWarn(r) {
				errs = append(errs, ast.NewError(ast.CompileErr, r.Location,
					"%v of package %s is a function; deny and warn must be sets or arrays", r.Head.Ref()[0], name))
			}
		}
	}
	return errs
}

// describe reads a policy's package METADATA. A package without it is still
// a policy, with no title, datasets or parameter defaults. A custom.datasets
// or custom.params of the wrong shape is an error at the METADATA comment.
func describe(name string, mods []*ast.Module, set *ast.AnnotationSet, builtin bool) (Policy, *ast.Error) {
	p := Policy{Name: name, Builtin: builtin, File: mods[0].Package.Location.File}
	var a *ast.Annotations
	for _, m := range mods {
		if a = set.GetPackageScope(m.Package); a != nil {
			p.File = a.Location.File
			break
		}
	}
	if a == nil {
		return p, nil
	}
	p.Title = a.Title
	p.Description = a.Description
	bad := func(format string, args ...any) (Policy, *ast.Error) {
		return Policy{}, ast.NewError(ast.CompileErr, a.Location, format, args...)
	}
	if v, ok := a.Custom["datasets"]; ok {
		list, ok := v.([]any)
		if !ok {
			return bad("custom.datasets of package %s is not a list", name)
		}
		if len(list) == 0 {
			// Enforced, an empty list would refuse every cohort.
			return bad("custom.datasets of package %s is empty; list the datasets it reads, or leave it out to accept any", name)
		}
		for _, d := range list {
			s, ok := d.(string)
			if !ok {
				return bad("custom.datasets of package %s holds %v, not a dataset name", name, d)
			}
			p.Datasets = append(p.Datasets, s)
		}
	}
	if v, ok := a.Custom["with"]; ok {
		with, ok := v.(map[string]any)
		if !ok {
			return bad("custom.with of package %s is not an object of cohort key → dataset", name)
		}
		p.With = map[string]string{}
		for k, d := range with {
			s, ok := d.(string)
			if !ok {
				return bad("custom.with of package %s holds %v for %s, not a dataset name", name, d, k)
			}
			p.With[k] = s
		}
	}
	if v, ok := a.Custom["per_record"]; ok {
		b, ok := v.(bool)
		if !ok {
			return bad("custom.per_record of package %s is %v, not true or false", name, v)
		}
		p.PerRecord = b
	}
	if v, ok := a.Custom["partition_by"]; ok {
		if p.PartitionBy = fieldNames(v); p.PartitionBy == nil {
			return bad("custom.partition_by of package %s is %v, not a list of field names", name, v)
		}
		if p.PerRecord {
			return bad("package %s declares both custom.per_record and custom.partition_by; a per-record policy needs no partition", name)
		}
	}
	if v, ok := a.Custom["partition_min"]; ok {
		if p.PartitionBy == nil {
			return bad("package %s declares custom.partition_min without custom.partition_by", name)
		}
		n, _ := plain(v)
		switch least := n.(type) {
		case string:
			// deny and warn are sets, never a number.
			if !definesRule(mods, least) || least == "deny" || least == "warn" {
				return bad("custom.partition_min of package %s names %q, which is not a rule of the package giving a number (a string is taken as a rule's name)", name, least)
			}
			p.PartitionMinRule = least
		case json.Number:
			// 1 or less leaves nothing out: as if not declared.
			if v, _ := least.Float64(); v > 1 { // a JSON number always reads
				p.PartitionMin = v
			}
		default:
			return bad("custom.partition_min of package %s is %v, not a number or the name of a rule", name, v)
		}
	}
	if v, ok := a.Custom["fields"]; ok {
		if p.Fields = fieldNames(v); p.Fields == nil {
			return bad("custom.fields of package %s is %v, not a list of field names", name, v)
		}
		if !p.PerRecord && p.PartitionBy == nil {
			return bad("package %s declares custom.fields, which only a per-record or partitioned policy may", name)
		}
	}
	if v, ok := a.Custom["joins"]; ok {
		joins, _ := v.(map[string]any)
		if len(joins) == 0 {
			return bad("custom.joins of package %s is %v, not an object of with key → {field, to}", name, v)
		}
		p.Joins = map[string]Join{}
		for k, j := range joins {
			m, _ := j.(map[string]any)
			field, _ := m["field"].(string)
			to, _ := m["to"].(string)
			if len(m) != 2 || field == "" || to == "" {
				return bad("custom.joins of package %s holds %v for %s, not {field: NAME, to: NAME}", name, j, k)
			}
			if _, ok := p.With[k]; !ok && p.With != nil {
				return bad("custom.joins of package %s names %s, which custom.with does not", name, k)
			}
			p.Joins[k] = Join{Field: field, To: to}
		}
	}
	if v, ok := a.Custom["params"]; ok {
		params, err := plain(v)
		m, ok := params.(map[string]any)
		if err != nil || !ok {
			return bad("custom.params of package %s is not an object of parameter defaults", name)
		}
		p.Params = m
	}
	return p, nil
}

// fieldNames reads a METADATA list of field names, or gives nil when v is
// not a non-empty list of non-empty strings.
func fieldNames(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, f := range list {
		s, ok := f.(string)
		if !ok || s == "" {
			return nil
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// plain turns a METADATA value, as the YAML decoder left it, into the plain
// values the rest of gpaudit uses: numbers become json.Number.
func plain(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	var out any
	if err := d.Decode(&out); err != nil {
		return nil, err
	}
	return out, nil
}

// prepareQuery prepares the one query a policy is evaluated with. Wrapping each
// rule in an array comprehension keeps the query defined when deny or warn is
// not, and evaluating both in one query shares the rules they depend on.
func prepareQuery(ctx context.Context, compiler *ast.Compiler, pkg ast.Ref) (rego.PreparedEvalQuery, error) {
	text := fmt.Sprintf("deny := [x | x := %v]; warn := [x | x := %v]",
		pkg.Append(ast.StringTerm("deny")), pkg.Append(ast.StringTerm("warn")))
	body, err := ast.ParseBodyWithOpts(text, ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		return rego.PreparedEvalQuery{}, err
	}
	return prepareBody(ctx, compiler, body)
}

// prepareRule prepares the query of one rule of a package, bound to x.
func prepareRule(ctx context.Context, compiler *ast.Compiler, pkg ast.Ref, rule string) (rego.PreparedEvalQuery, error) {
	return prepareBody(ctx, compiler, ast.NewBody(ast.Equality.Expr(ast.VarTerm("x"), ast.NewTerm(pkg.Append(ast.StringTerm(rule))))))
}

// prepareBody prepares a query as every policy query is evaluated: strict
// built-in errors, Rego v1.
func prepareBody(ctx context.Context, compiler *ast.Compiler, body ast.Body) (rego.PreparedEvalQuery, error) {
	return rego.New(
		rego.Compiler(compiler),
		rego.ParsedQuery(body),
		rego.StrictBuiltinErrors(true),
		rego.SetRegoVersion(ast.RegoV1),
	).PrepareForEval(ctx)
}

// Policies returns every policy, built-in and the user's, sorted by name.
func (e *Engine) Policies() []Policy {
	out := make([]Policy, 0, len(e.policies))
	for _, p := range e.policies {
		info := p.info
		info.Datasets = slices.Clone(info.Datasets)
		info.With = maps.Clone(info.With)
		info.Params = maps.Clone(info.Params)
		info.Fields = slices.Clone(info.Fields)
		out = append(out, info)
	}
	slices.SortFunc(out, func(a, b Policy) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// PolicyFiles returns every policy file New compiled (tests are not
// compiled) with the SHA-256 of its text: the built-in ones named
// "builtin:" and their path in the library, the user's by their path on
// disk, in the order read.
func (e *Engine) PolicyFiles() []InputFile {
	return slices.Clone(e.files)
}

func digests(files []regoFile) []InputFile {
	out := make([]InputFile, len(files))
	for i, f := range files {
		sum := sha256.Sum256([]byte(f.text))
		out[i] = InputFile{Path: f.name, SHA256: hex.EncodeToString(sum[:])}
	}
	return out
}
