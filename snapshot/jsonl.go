package snapshot

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
)

// maxJSONDepth bounds nesting the way encoding/json does, so a hostile file
// cannot exhaust the stack.
const maxJSONDepth = 10000

// parseJSONL parses text as one JSON object per line; a final newline is
// allowed, an empty line is not, nor two records with one ID (see
// RecordID): the file would not be what the client fetched. Errors read
// "name:LINE: …".
//
// Snapshot files hold millions of records, so this is a purpose-built
// parser rather than encoding/json: it decodes straight into the plain values
// gpaudit uses (map[string]any, []any, string, bool, nil, json.Number) and
// takes keys, string values and numbers as substrings of text, so the only
// per-value work is boxing. Records therefore keep text alive; it is cached
// with them anyway.
func parseJSONL(name, text string) ([]map[string]any, error) {
	records, _, err := parseParts(name, splitLines(text, runtime.GOMAXPROCS(0), minParsePart), false)
	return records, err
}

// checkJSONL checks text as parseJSONL does and returns its lines, one
// record each, instead of the records: as JSON text, a record costs a
// fraction of its Go values.
func checkJSONL(name, text string) ([]string, error) {
	_, lines, err := parseParts(name, splitLines(text, runtime.GOMAXPROCS(0), minParsePart), true)
	return lines, err
}

// parseParts parses the parts of a data file at the same time and joins
// them, as parseJSONL says: their records, or with lines their lines.
func parseParts(name string, parts []linePart, lines bool) ([]map[string]any, []string, error) {
	chunks := make([]parsedPart, len(parts))
	var wg sync.WaitGroup
	for i, part := range parts {
		wg.Go(func() { chunks[i] = parsePart(part, lines) })
	}
	wg.Wait()

	n := 0
	for i, c := range chunks {
		if c.err != nil {
			// The first part with an error holds the first bad line.
			return nil, nil, fmt.Errorf("%s:%d: %w", name, parts[i].line+c.errLine, c.err)
		}
		n += len(c.records) + len(c.lines)
	}
	var records []map[string]any
	var texts []string
	hashes := make(idHashes, 0, n)
	for _, c := range chunks {
		records = append(records, c.records...)
		texts = append(texts, c.lines...)
		hashes = append(hashes, c.hashes...)
	}
	if records == nil && !lines {
		records = []map[string]any{}
	}
	if hashes.mayRepeat() {
		all := records
		if lines {
			// Rare: parse again to see whether an id repeats.
			all = make([]map[string]any, 0, len(texts))
			var p recordParser
			for _, l := range texts {
				r, _ := p.record(l)
				all = append(all, r)
			}
		}
		if first, second, id, dup := repeatedID(all); dup {
			// Record i is on line i+1. Only the id is named: the rest of
			// a record may be a player's email.
			return nil, nil, fmt.Errorf("%s:%d: a second record with id %s (the first is on line %d)", name, second+1, id, first+1)
		}
	}
	return records, texts, nil
}

// minParsePart is the fewest bytes of a data file worth a goroutine of
// their own: a million records are parsed in as many parts as there are
// CPUs, a small file in one.
const minParsePart = 4 << 20

// linePart is a run of whole lines of a data file; line is the number of
// its first line.
type linePart struct {
	text string
	line int
}

// splitLines cuts text into at most n parts of at least least bytes, each
// ending after a newline (the last one at the end of text).
func splitLines(text string, n, least int) []linePart {
	n = max(1, min(n, len(text)/max(least, 1)))
	parts := make([]linePart, 0, n)
	line := 1
	for len(parts) < n-1 {
		cut := len(text) / (n - len(parts))
		i := strings.IndexByte(text[cut:], '\n')
		if i < 0 {
			break
		}
		cut += i + 1
		parts = append(parts, linePart{text: text[:cut], line: line})
		line += strings.Count(text[:cut], "\n")
		text = text[cut:]
	}
	return append(parts, linePart{text: text, line: line})
}

// parsedPart is what parsePart found in one linePart: its records (or
// lines) and their id hashes, or the first error and its line within the
// part (counting from 0).
type parsedPart struct {
	records []map[string]any
	lines   []string
	hashes  idHashes
	err     error
	errLine int
}

// parsePart parses the lines of part; with lines it keeps the lines and
// lets each record go once its id is hashed.
func parsePart(part linePart, lines bool) parsedPart {
	text := part.text
	var out parsedPart
	n := strings.Count(text, "\n") + 1
	if lines {
		out.lines = make([]string, 0, n)
	} else {
		out.records = make([]map[string]any, 0, n)
	}
	out.hashes = make(idHashes, 0, n)
	var p recordParser
	for line, rest := 0, text; rest != ""; line++ {
		var l string
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			l, rest = rest[:i], rest[i+1:]
		} else {
			l, rest = rest, ""
		}
		if lines {
			// Only the id is kept: checking the line allocates nothing.
			id, ok, err := p.check(l)
			if err != nil {
				out.err, out.errLine = err, line
				return out
			}
			out.hashes.addID(id, ok)
			out.lines = append(out.lines, l)
			continue
		}
		r, err := p.record(l)
		if err != nil {
			out.err, out.errLine = err, line
			return out
		}
		out.hashes.add(r)
		out.records = append(out.records, r)
	}
	return out
}

// DecodeJSON decodes one JSON value, numbers as json.Number, and nothing
// after it. A truncated value gives an error that wraps io.ErrUnexpectedEOF.
//
// The client decodes API answers with it, so that a record fetched and the
// same record read back from a snapshot are the same Go values, and because
// it keeps keys and strings as substrings of one copy of body instead of
// allocating each: list pages are most of what a fetch allocates. The
// parser reads one line, so newlines become spaces first; in valid JSON a
// raw newline can only be whitespace.
func DecodeJSON(body []byte) (any, error) {
	text := string(body)
	if strings.IndexByte(text, '\n') >= 0 {
		text = strings.ReplaceAll(text, "\n", " ")
	}
	p := recordParser{s: text}
	p.skipSpace()
	if p.i == len(p.s) {
		return nil, io.ErrUnexpectedEOF
	}
	v, err := p.value()
	if err != nil {
		if p.i >= len(p.s) {
			return nil, fmt.Errorf("%w: %v", io.ErrUnexpectedEOF, err)
		}
		return nil, err
	}
	p.skipSpace()
	if p.i != len(p.s) {
		return nil, p.errorf("unexpected data after the JSON value")
	}
	return v, nil
}

// recordParser parses one line at a time; it is reused across lines.
type recordParser struct {
	s     string
	i     int
	depth int
	// width is the previous record's key count: records of one dataset are
	// alike, so it sizes the next record's map without regrowth.
	width int
	// shared holds the terms of keys and short strings that LineDecoder
	// shares among records.
	shared map[string]*ast.Term
	items  [][2]*ast.Term
}

func (p *recordParser) record(line string) (map[string]any, error) {
	if err := p.start(line); err != nil {
		return nil, err
	}
	m, err := p.object(p.width)
	if err != nil {
		return nil, err
	}
	if err := p.end(); err != nil {
		return nil, err
	}
	p.width = len(m)
	return m, nil
}

// check reads a line as record does, with the same errors, and keeps of it
// only its id, as RecordID would give it: a data file read as lines is
// checked without building its records.
func (p *recordParser) check(line string) (ID, bool, error) {
	if err := p.start(line); err != nil {
		return ID{}, false, err
	}
	var id ID
	var has bool
	err := p.members('}', func() error {
		k, err := p.key()
		if err != nil {
			return err
		}
		if k != "id" {
			return p.skip()
		}
		// A repeated key's last value wins, as in record's map.
		v, err := p.value()
		switch v := v.(type) {
		case string:
			id, has = ID{text: v}, true
		case json.Number:
			id, has = ID{text: string(v), number: true}, true
		default:
			id, has = ID{}, false
		}
		return err
	})
	if err != nil {
		return ID{}, false, err
	}
	if err := p.end(); err != nil {
		return ID{}, false, err
	}
	return id, has, nil
}

// skip reads a value as value does, with the same errors, and drops it.
func (p *recordParser) skip() error {
	if p.i >= len(p.s) {
		return p.errorf("unexpected end of line, want a value")
	}
	var err error
	switch c := p.s[p.i]; {
	case c == '"':
		p.i++
		_, err = p.str()
	case c == '{':
		p.i++
		err = p.members('}', func() error {
			if _, err := p.key(); err != nil {
				return err
			}
			return p.skip()
		})
	case c == '[':
		p.i++
		err = p.members(']', p.skip)
	case c == 't':
		_, err = p.literal("true", true)
	case c == 'f':
		_, err = p.literal("false", false)
	case c == 'n':
		_, err = p.literal("null", nil)
	case c == '-' || ('0' <= c && c <= '9'):
		_, err = p.number()
	default:
		err = p.errorf("unexpected %s, want a value", p.what())
	}
	return err
}

// start begins a line, which must hold one JSON object: it leaves p after
// the object's opening brace.
func (p *recordParser) start(line string) error {
	p.s, p.i, p.depth = line, 0, 0
	p.skipSpace()
	if p.i == len(p.s) {
		return errors.New("empty line")
	}
	if p.s[p.i] != '{' {
		return p.errorf("want a JSON object, found %s", p.what())
	}
	p.i++
	return nil
}

// end checks that nothing but space follows the line's object.
func (p *recordParser) end() error {
	p.skipSpace()
	if p.i != len(p.s) {
		return p.errorf("unexpected %s after the object", p.what())
	}
	return nil
}

func (p *recordParser) value() (any, error) {
	if p.i >= len(p.s) {
		return nil, p.errorf("unexpected end of line, want a value")
	}
	switch c := p.s[p.i]; {
	case c == '"':
		p.i++
		return p.str()
	case c == '{':
		p.i++
		return p.object(0)
	case c == '[':
		p.i++
		return p.array()
	case c == 't':
		return p.literal("true", true)
	case c == 'f':
		return p.literal("false", false)
	case c == 'n':
		return p.literal("null", nil)
	case c == '-' || ('0' <= c && c <= '9'):
		return p.number()
	default:
		return nil, p.errorf("unexpected %s, want a value", p.what())
	}
}

// object parses after the opening brace.
func (p *recordParser) object(hint int) (map[string]any, error) {
	m := make(map[string]any, hint)
	err := p.members('}', func() error {
		k, err := p.key()
		if err != nil {
			return err
		}
		v, err := p.value()
		m[k] = v
		return err
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// array parses after the opening bracket.
func (p *recordParser) array() ([]any, error) {
	// Non-nil even when empty, so that writing it back gives [] and not null.
	a := []any{}
	err := p.members(']', func() error {
		v, err := p.value()
		a = append(a, v)
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// members parses the members of an object or an array, after its opening
// bracket and up to its closing one, close; member parses one member.
func (p *recordParser) members(close byte, member func() error) error {
	if p.depth++; p.depth > maxJSONDepth {
		p.i-- // point at the bracket
		return p.errorf("nested too deeply")
	}
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == close {
		p.i++
		p.depth--
		return nil
	}
	for {
		p.skipSpace()
		if err := member(); err != nil {
			return err
		}
		p.skipSpace()
		if p.i < len(p.s) {
			switch p.s[p.i] {
			case ',':
				p.i++
				continue
			case close:
				p.i++
				p.depth--
				return nil
			}
		}
		return p.errorf("unexpected %s, want ',' or '%c'", p.what(), close)
	}
}

// key parses an object member's key and the colon after it.
func (p *recordParser) key() (string, error) {
	if p.i >= len(p.s) || p.s[p.i] != '"' {
		return "", p.errorf("unexpected %s, want a string key", p.what())
	}
	p.i++
	k, err := p.str()
	if err != nil {
		return "", err
	}
	p.skipSpace()
	if p.i >= len(p.s) || p.s[p.i] != ':' {
		return "", p.errorf("unexpected %s, want ':'", p.what())
	}
	p.i++
	p.skipSpace()
	return k, nil
}

// plainStringByte marks the bytes a string can hold with no further thought:
// not a quote, a backslash, a control character or part of a multi-byte rune.
var plainStringByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str parses after the opening quote.
func (p *recordParser) str() (string, error) {
	// Most strings are plain ASCII up to their closing quote: found with
	// IndexByte and checked eight bytes at a time, they skip the loop.
	if q := strings.IndexByte(p.s[p.i:], '"'); q >= 0 && plainASCII(p.s[p.i:p.i+q]) {
		s := p.s[p.i : p.i+q]
		p.i += q + 1
		return s, nil
	}
	start := p.i
	ascii := true
	for p.i < len(p.s) {
		for p.i < len(p.s) && plainStringByte[p.s[p.i]] {
			p.i++
		}
		if p.i >= len(p.s) {
			break
		}
		switch c := p.s[p.i]; {
		case c == '"':
			s := p.s[start:p.i]
			p.i++
			if !ascii && !utf8.ValidString(s) {
				return "", p.errorf("invalid UTF-8 in string")
			}
			return s, nil
		case c == '\\':
			return p.escapedStr(start)
		case c < 0x20:
			return "", p.errorf("control character 0x%02x in string", c)
		default:
			ascii = false
			p.i++
		}
	}
	return "", p.errorf("unexpected end of line in string")
}

// plainASCII reports whether every byte of s is one plainStringByte allows.
func plainASCII(s string) bool {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	for len(s) >= 8 {
		w := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		// A byte of 0x80 or more; then, all bytes below 0x80, one below
		// 0x20 (a control character), or one equal to a backslash or a
		// quote.
		if w&highs != 0 || (w-0x20*ones)&^w&highs != 0 {
			return false
		}
		if b := w ^ '\\'*ones; (b-ones)&^b&highs != 0 {
			return false
		}
		if b := w ^ '"'*ones; (b-ones)&^b&highs != 0 {
			return false
		}
		s = s[8:]
	}
	for i := 0; i < len(s); i++ {
		if !plainStringByte[s[i]] {
			return false
		}
	}
	return true
}

// escapedStr finishes a string that has escapes, from its first backslash;
// only such strings are copied.
func (p *recordParser) escapedStr(start int) (string, error) {
	buf := make([]byte, 0, 2*(p.i-start)+16)
	buf = append(buf, p.s[start:p.i]...)
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			if !utf8.Valid(buf) {
				return "", p.errorf("invalid UTF-8 in string")
			}
			return string(buf), nil
		case c < 0x20:
			return "", p.errorf("control character 0x%02x in string", c)
		case c != '\\':
			buf = append(buf, c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.s) {
			break
		}
		p.i++
		switch e := p.s[p.i]; e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := p.hex4(p.i + 1)
			if !ok {
				return "", p.errorf("invalid \\u escape in string")
			}
			p.i += 4
			if utf16.IsSurrogate(r) {
				// A lone surrogate becomes U+FFFD, as in encoding/json.
				r2, ok := p.lowSurrogate(p.i + 1)
				if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
					r = dec
					p.i += 6
				} else {
					r = utf8.RuneError
				}
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return "", p.errorf("invalid escape %q in string", "\\"+string(e))
		}
		p.i++
	}
	return "", p.errorf("unexpected end of line in string")
}

// lowSurrogate reads a `\uXXXX` escape at i.
func (p *recordParser) lowSurrogate(i int) (rune, bool) {
	if i+1 >= len(p.s) || p.s[i] != '\\' || p.s[i+1] != 'u' {
		return 0, false
	}
	return p.hex4(i + 2)
}

func (p *recordParser) hex4(i int) (rune, bool) {
	if i+4 > len(p.s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(p.s[i : i+4]) {
		var d byte
		switch {
		case '0' <= c && c <= '9':
			d = c - '0'
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}

// number checks the JSON number grammar and keeps the text as a json.Number.
func (p *recordParser) number() (any, error) {
	start := p.i
	if p.s[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(p.s) && p.s[p.i] == '0':
		p.i++
	case p.i < len(p.s) && '1' <= p.s[p.i] && p.s[p.i] <= '9':
		p.skipDigits()
	default:
		return nil, p.errorf("invalid number")
	}
	if p.i < len(p.s) && p.s[p.i] == '.' {
		p.i++
		if !p.skipDigits() {
			return nil, p.errorf("invalid number")
		}
	}
	if p.i < len(p.s) && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		p.i++
		if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
			p.i++
		}
		if !p.skipDigits() {
			return nil, p.errorf("invalid number")
		}
	}
	return json.Number(p.s[start:p.i]), nil
}

// skipDigits skips a run of digits and reports whether there was one.
func (p *recordParser) skipDigits() bool {
	start := p.i
	for p.i < len(p.s) && '0' <= p.s[p.i] && p.s[p.i] <= '9' {
		p.i++
	}
	return p.i > start
}

func (p *recordParser) literal(word string, v any) (any, error) {
	if !strings.HasPrefix(p.s[p.i:], word) {
		return nil, p.errorf("unexpected %s, want a value", p.what())
	}
	p.i += len(word)
	return v, nil
}

func (p *recordParser) skipSpace() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\r':
			p.i++
		default:
			return
		}
	}
}

// what names the byte at the current position for an error message. It
// never quotes more than one character: records hold player data.
func (p *recordParser) what() string {
	if p.i >= len(p.s) {
		return "end of line"
	}
	switch c := p.s[p.i]; {
	case c == '[':
		return "an array"
	case c == '"':
		return "a string"
	case c >= 0x20 && c < 0x7f:
		return fmt.Sprintf("%q", c)
	default:
		return fmt.Sprintf("byte 0x%02x", c)
	}
}

func (p *recordParser) errorf(format string, args ...any) error {
	return fmt.Errorf("column %d: "+format, append([]any{p.i + 1}, args...)...)
}

// DecodeLine decodes one line of a data file, as CohortLines gives them,
// into the plain values Cohort gives: numbers as json.Number, keys and
// strings as substrings of line.
func DecodeLine(line string) (map[string]any, error) {
	var p recordParser
	return p.record(line)
}
