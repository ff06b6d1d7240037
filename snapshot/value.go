package snapshot

import (
	"encoding/json"

	"github.com/open-policy-agent/opa/v1/ast"
)

// LineValue decodes one line of a data file, as CohortLines gives them,
// straight into the OPA value that ast.InterfaceToValue makes of
// DecodeLine's record, without the Go values in between: the engine
// converts millions of records this way, a part at a time. It reads the
// JSON of the line as DecodeLine does, with the same errors.
func LineValue(line string) (ast.Value, error) {
	var p recordParser
	if err := p.start(line); err != nil {
		return nil, err
	}
	v, err := p.objectValue()
	if err != nil {
		return nil, err
	}
	if err := p.end(); err != nil {
		return nil, err
	}
	return v.Value, nil
}

// termValue is value for LineValue.
func (p *recordParser) termValue() (*ast.Term, error) {
	if p.i >= len(p.s) {
		return nil, p.errorf("unexpected end of line, want a value")
	}
	switch c := p.s[p.i]; {
	case c == '"':
		p.i++
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return ast.StringTerm(s), nil
	case c == '{':
		p.i++
		return p.objectValue()
	case c == '[':
		p.i++
		return p.arrayValue()
	case c == '-' || ('0' <= c && c <= '9'):
		n, err := p.number()
		if err != nil {
			return nil, err
		}
		text := string(n.(json.Number))
		if t := ast.InternedIntNumberTermFromString(text); t != nil {
			return t, nil
		}
		return ast.NumberTerm(json.Number(text)), nil
	default:
		// true, false or null, or an error.
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		switch v {
		case true:
			return ast.InternedTerm(true), nil
		case false:
			return ast.InternedTerm(false), nil
		}
		return ast.NullTerm(), nil
	}
}

// objectValue is object for LineValue, after the opening brace.
func (p *recordParser) objectValue() (*ast.Term, error) {
	var items [][2]*ast.Term
	err := p.members('}', func() error {
		k, err := p.key()
		if err != nil {
			return err
		}
		v, err := p.termValue()
		items = append(items, [2]*ast.Term{ast.StringTerm(k), v})
		return err
	})
	if err != nil {
		return nil, err
	}
	return objectTerm(items), nil
}

// arrayValue is array for LineValue, after the opening bracket.
func (p *recordParser) arrayValue() (*ast.Term, error) {
	var elems []*ast.Term
	err := p.members(']', func() error {
		v, err := p.termValue()
		elems = append(elems, v)
		return err
	})
	if err != nil {
		return nil, err
	}
	return ast.ArrayTerm(elems...), nil
}

// objectTerm makes the object of items, the last value of a repeated key
// winning as it does in a Go map: ast.NewObject would keep both.
func objectTerm(items [][2]*ast.Term) *ast.Term {
	for i := 1; i < len(items); i++ {
		for j := range i {
			if items[j][0].Equal(items[i][0]) {
				obj := ast.NewObject()
				for _, kv := range items {
					obj.Insert(kv[0], kv[1])
				}
				return ast.NewTerm(obj)
			}
		}
	}
	return ast.ObjectTerm(items...)
}
