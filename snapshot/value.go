package snapshot

import (
	"encoding/json"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
)

// LineValue decodes one line of a data file, as CohortLines gives them,
// straight into the OPA value that ast.InterfaceToValue makes of
// DecodeLine's record, without the Go values in between. It reads the
// JSON of the line as DecodeLine does, with the same errors. A
// LineDecoder does the same for many lines at less cost.
func LineValue(line string) (ast.Value, error) {
	var d LineDecoder
	return d.Value(line)
}

// LineDecoder decodes lines as LineValue does, or with only some of their
// top-level fields (Fields). The engine converts millions
// of records a part at a time, each part with its own decoder, which shares
// one term among all the records it decodes for each key and for each short
// string value ("google", "manual"): records of one dataset repeat them, and
// a term per record would be most of a record's memory. OPA never modifies
// the terms of its input, so they can be shared. A LineDecoder is not safe
// for use by several goroutines at once.
type LineDecoder struct {
	// Fields, when not nil, are the only top-level fields a record keeps:
	// the others are read, with the same errors, and left out.
	Fields []string
	p      recordParser
}

// Value decodes one line.
func (d *LineDecoder) Value(line string) (ast.Value, error) {
	p := &d.p
	if err := p.start(line); err != nil {
		return nil, err
	}
	v, err := p.objectValue(d.Fields)
	if err != nil {
		return nil, err
	}
	if err := p.end(); err != nil {
		return nil, err
	}
	return v.Value, nil
}

// Strings at most this long are shared by a LineDecoder, and no more than
// maxShared of them: longer ones (ids, timestamps, emails) rarely repeat.
const (
	maxSharedLen = 16
	maxShared    = 4096
)

// stringTerm gives the term of a string value, shared when it is short.
func (p *recordParser) stringTerm(s string) *ast.Term {
	if len(s) > maxSharedLen {
		return ast.StringTerm(s)
	}
	return p.keyTerm(s)
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
		return p.stringTerm(s), nil
	case c == '{':
		p.i++
		return p.objectValue(nil)
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
		return ast.InternedNullTerm, nil
	}
}

// objectValue is object for LineValue, after the opening brace, keeping
// only the members named in fields, or every one when fields is nil. The
// members of the objects being read are stacked in p.items, so that a
// record's objects cost no slices of their own.
func (p *recordParser) objectValue(fields []string) (*ast.Term, error) {
	start := len(p.items)
	err := p.members('}', func() error {
		k, err := p.key()
		if err != nil {
			return err
		}
		if fields != nil && !slices.Contains(fields, k) {
			return p.skip()
		}
		v, err := p.termValue()
		p.items = append(p.items, [2]*ast.Term{p.keyTerm(k), v})
		return err
	})
	items := p.items[start:]
	p.items = p.items[:start]
	if err != nil {
		return nil, err
	}
	return objectTerm(items), nil
}

// keyTerm gives the term of an object's key, shared whatever its length:
// the records of a dataset have the same few keys. No more than maxShared
// terms are kept.
func (p *recordParser) keyTerm(k string) *ast.Term {
	if t, ok := p.shared[k]; ok {
		return t
	}
	t := ast.StringTerm(k)
	if p.shared == nil {
		p.shared = make(map[string]*ast.Term)
	}
	if len(p.shared) < maxShared {
		p.shared[k] = t
	}
	return t
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

// LineStrings reads the top-level fields names of one line, as CohortLines
// gives them, into out (len(out) == len(names)): a field's string value, or
// "" when it is missing or not a string. It reads the line as DecodeLine
// does, with the same errors, without decoding the rest of it: the engine
// reads a field or two of a million records to share them out.
func LineStrings(line string, names []string, out []string) error {
	clear(out)
	var p recordParser
	if err := p.start(line); err != nil {
		return err
	}
	err := p.members('}', func() error {
		k, err := p.key()
		if err != nil {
			return err
		}
		i := slices.Index(names, k)
		if i < 0 {
			return p.skip()
		}
		// A repeated key's last value wins, as in DecodeLine's map.
		out[i] = ""
		if p.i < len(p.s) && p.s[p.i] == '"' {
			p.i++
			out[i], err = p.str()
			return err
		}
		return p.skip()
	})
	if err != nil {
		return err
	}
	return p.end()
}
