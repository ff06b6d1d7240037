package config

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "type"},
		{Name: "default"},
		{Name: "description"},
		{Name: "sensitive"},
	},
}

// envVarPrefix starts the environment variables that set input variables.
const envVarPrefix = "GPAUDIT_VAR_"

// hiddenSource marks a diagnostic (in its Extra) whose source line may hold
// a secret, such as the value of a sensitive variable: WriteDiagnostics shows
// its range but not the line.
type hiddenSource struct{}

// variable is a declared variable while its value is being settled.
type variable struct {
	*Variable
	ty    cty.Type
	value cty.Value // cty.NilVal until something sets it
}

// variables reads the variable blocks and settles each value in Terraform's
// order: default < GPAUDIT_VAR_<name> < each --var-file < each --var.
func (l *loader) variables(blocks []*hcl.Block, opts Options) []*Variable {
	var list []*variable
	byName := map[string]*variable{}
	seen := newDeclarations("Variable")
	for _, b := range blocks {
		name := b.Labels[0]
		if !l.validName(b, "variable") || !seen.add(l, name, b.DefRange, b.LabelRanges[0]) {
			continue
		}
		v := l.variable(b)
		list = append(list, v)
		byName[name] = v
	}

	for _, v := range list {
		if text, ok := l.env[envVarPrefix+v.Name]; ok {
			l.assignText(v, text, "from the environment variable "+envVarPrefix+v.Name)
		}
	}
	for _, path := range opts.VarFiles {
		l.varFile(path, byName)
	}
	for i, arg := range opts.Vars {
		name, text, ok := strings.Cut(arg, "=")
		if !ok || !hclsyntax.ValidIdentifier(name) {
			l.diags = append(l.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid --var option",
				Detail:   fmt.Sprintf("Each --var must be NAME=VALUE, like --var max_days=30; --var number %d is not.", i+1),
			})
			continue
		}
		v := byName[name]
		if v == nil {
			l.diags = append(l.diags, undeclaredVariable(name, "with --var", nil))
			continue
		}
		l.assignText(v, text, "given with --var")
	}

	l.ev.vars = make(map[string]cty.Value, len(list))
	l.ev.sensitive = map[string]bool{}
	vars := make([]*Variable, len(list))
	for i, v := range list {
		l.ev.sensitive[v.Name] = v.Sensitive
		if v.value == cty.NilVal {
			l.diags = append(l.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "No value for required variable",
				Detail: fmt.Sprintf("The variable %q has no default; set it with --var %s=VALUE, a --var-file or the environment variable %s%s.",
					v.Name, v.Name, envVarPrefix, v.Name),
				Subject: v.DeclRange.Ptr(),
			})
			v.value = cty.DynamicVal
		}
		v.Value = goValue(v.value)
		l.ev.vars[v.Name] = v.value
		vars[i] = v.Variable
	}
	return vars
}

// variable reads one variable block: its type, description, sensitivity and
// default, all constants.
func (l *loader) variable(b *hcl.Block) *variable {
	v := &variable{
		Variable: &Variable{Name: b.Labels[0], DeclRange: b.DefRange},
		ty:       cty.DynamicPseudoType,
	}
	attrs := l.bodyContent(b.Body, variableSchema).Attributes
	if a := attrs["type"]; a != nil {
		ty, diags := typeexpr.TypeConstraint(a.Expr)
		l.diags = append(l.diags, diags...)
		if !diags.HasErrors() {
			v.ty = ty
		}
	}
	if val := l.constant(attrs["description"], cty.String); val.IsKnown() && !val.IsNull() {
		v.Description = val.AsString()
	}
	if val := l.constant(attrs["sensitive"], cty.Bool); val.IsKnown() && !val.IsNull() {
		v.Sensitive = val.True()
	}
	a := attrs["default"]
	if a == nil {
		return v
	}
	val, diags := a.Expr.Value(nil)
	l.diags = append(l.diags, diags...)
	if diags.HasErrors() {
		v.failed()
		return v
	}
	c, err := convert.Convert(val, v.ty)
	if err != nil {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid default value for variable",
			Detail:   fmt.Sprintf("The default is not a valid %s: %s.", typeexpr.TypeString(v.ty), err),
			Subject:  a.Expr.Range().Ptr(),
			Extra:    v.hideSource(),
		})
		v.failed()
		return v
	}
	v.value = c
	return v
}

// constant evaluates an optional attribute that may not refer to anything,
// converted to ty; the value is null when attr is absent and unknown when it
// is wrong.
func (l *loader) constant(attr *hcl.Attribute, ty cty.Type) cty.Value {
	if attr == nil {
		return cty.NullVal(ty)
	}
	val, diags := attr.Expr.Value(nil)
	l.diags = append(l.diags, diags...)
	if diags.HasErrors() {
		return cty.UnknownVal(ty)
	}
	c, err := convert.Convert(val, ty)
	if err != nil {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Incorrect attribute value type",
			Detail:   fmt.Sprintf("Inappropriate value for attribute %q: %s.", attr.Name, err),
			Subject:  attr.Expr.Range().Ptr(),
		})
		return cty.UnknownVal(ty)
	}
	return c
}

// failed notes that a value was given but was wrong, so that v is not also
// reported as having no value.
func (v *variable) failed() {
	if v.value == cty.NilVal {
		v.value = cty.DynamicVal
	}
}

// hideSource returns the Extra for a diagnostic about v's value.
func (v *variable) hideSource() any {
	if v.Sensitive {
		return hiddenSource{}
	}
	return nil
}

// varFile applies a --var-file: HCL attributes, or JSON when its name ends
// in .json. Its values are constants; none may name an undeclared variable.
func (l *loader) varFile(path string, vars map[string]*variable) {
	src, err := l.files.read(path)
	if err != nil {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Cannot read variables file",
			Detail:   fmt.Sprintf("%s.", err),
		})
		return
	}
	var f *hcl.File
	switch d := textDiagnostic(path, src); {
	case d != nil:
		l.diags = append(l.diags, d)
	case strings.HasSuffix(path, ".json"):
		var diags hcl.Diagnostics
		f, diags = l.parser.ParseJSON(src, path)
		l.diags = append(l.diags, diags...)
	default:
		f = l.parseHCL(src, path)
	}
	if f == nil {
		return
	}
	attrs, diags := f.Body.JustAttributes()
	l.diags = append(l.diags, diags...)
	for _, a := range sortedAttributes(attrs) {
		v := vars[a.Name]
		if v == nil {
			l.diags = append(l.diags, undeclaredVariable(a.Name, "in "+path, a.NameRange.Ptr()))
			continue
		}
		val, diags := a.Expr.Value(nil)
		for _, d := range diags {
			d.Extra = v.hideSource()
		}
		l.diags = append(l.diags, diags...)
		if diags.HasErrors() {
			v.failed()
			continue
		}
		l.assign(v, val, a.Expr.Range(), "in "+path)
	}
}

func undeclaredVariable(name, where string, subject *hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Undeclared variable",
		Detail:   fmt.Sprintf("A variable named %q is set %s but is not declared in the configuration.", name, where),
		Subject:  subject,
	}
}

// assignText sets v from the text of an environment variable or a --var.
// As in Terraform, the text is the value itself for a string (or untyped)
// variable, and an HCL expression for any other type. from says where the
// text came from, for diagnostics; they point into a synthetic file named
// "<value for var.NAME>", which has no source to show.
func (l *loader) assignText(v *variable, text, from string) {
	if v.ty == cty.String || v.ty == cty.DynamicPseudoType {
		v.value = cty.StringVal(text)
		return
	}
	filename := fmt.Sprintf("<value for var.%s>", v.Name)
	expr, diags := hclsyntax.ParseExpression([]byte(text), filename, hcl.InitialPos)
	var val cty.Value
	if !diags.HasErrors() {
		val, diags = expr.Value(nil)
	}
	if diags.HasErrors() {
		// HCL's own details may quote the text; only the summary and range
		// are kept, so that a sensitive value never shows.
		first := diags.Errs()[0].(*hcl.Diagnostic)
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for input variable",
			Detail: fmt.Sprintf("The value for var.%s %s is not a valid %s: %s. A value of this type is written in HCL syntax, like 30, true or [\"a\", \"b\"].",
				v.Name, from, typeexpr.TypeString(v.ty), strings.ToLower(first.Summary)),
			Subject: first.Subject,
		})
		v.failed()
		return
	}
	l.assign(v, val, hcl.Range{
		Filename: filename,
		Start:    hcl.InitialPos,
		End:      hcl.Pos{Line: 1, Column: 1 + utf8.RuneCountInString(text), Byte: len(text)},
	}, from)
}

// assign converts val to v's type and makes it v's value.
func (l *loader) assign(v *variable, val cty.Value, subject hcl.Range, from string) {
	c, err := convert.Convert(val, v.ty)
	if err != nil {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for input variable",
			Detail:   fmt.Sprintf("The value for var.%s %s is not a valid %s: %s.", v.Name, from, typeexpr.TypeString(v.ty), err),
			Subject:  subject.Ptr(),
			Extra:    v.hideSource(),
		})
		v.failed()
		return
	}
	v.value = c
}
