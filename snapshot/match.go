package snapshot

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
)

// MatchFilter reports whether record matches filter the way the APIs' list
// endpoints match it: every key of filter must hold an equal JSON value in
// record (exact, full-value match; a nil or empty filter matches everything).
// Snapshot cohorts, the sandbox and the client's check of list answers all
// filter with it, so that a cohort gets the same records from each.
//
// Values compare as JSON: numbers by their decimal value (json.Number "1"
// equals "1.0" and "1e0"), objects and arrays deeply, and a string never
// equals a number. A record that lacks a key matches a null filter value
// there: the APIs write an unset field as null in one answer and leave it out
// in another, and a filter for null must not depend on which shape came back.
func MatchFilter(record, filter map[string]any) bool {
	for k, want := range filter {
		got, ok := record[k]
		if !ok {
			if want != nil {
				return false
			}
			continue
		}
		if !ValueEqual(got, want) {
			return false
		}
	}
	return true
}

// ValueEqual reports whether two plain JSON values (as decoded with
// json.Number) are equal as JSON, the comparison MatchFilter makes. Whoever
// else compares records (the client, telling apart records that have no
// id) uses it too, so that no two parts of gpaudit disagree on equality.
func ValueEqual(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case json.Number:
		if y, ok := b.(json.Number); ok {
			return numbersEqual(string(x), string(y))
		}
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !ValueEqual(xv, yv) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !ValueEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	// Callers may hand in Go numbers (float64, int) rather than json.Number.
	if xs, ok := numberText(a); ok {
		ys, ok := numberText(b)
		return ok && numbersEqual(xs, ys)
	}
	return reflect.DeepEqual(a, b)
}

// numberText gives the decimal text of a JSON number held in any Go numeric type.
func numberText(v any) (string, bool) {
	switch n := v.(type) {
	case json.Number:
		return string(n), true
	case float64:
		return strconv.FormatFloat(n, 'g', -1, 64), true
	case float32:
		return strconv.FormatFloat(float64(n), 'g', -1, 32), true
	case int:
		return strconv.Itoa(n), true
	case int64:
		return strconv.FormatInt(n, 10), true
	case int32:
		return strconv.FormatInt(int64(n), 10), true
	case uint64:
		return strconv.FormatUint(n, 10), true
	case uint:
		return strconv.FormatUint(uint64(n), 10), true
	}
	return "", false
}

// numbersEqual compares two decimal texts exactly, without the rounding of
// float64, so that large ids stay distinct. Text that is not a number is
// equal only to the same text.
func numbersEqual(a, b string) bool {
	if a == b {
		return true
	}
	x, ok := parseDecimal(a)
	if !ok {
		return false
	}
	y, ok := parseDecimal(b)
	return ok && x.equal(y)
}

// decimal is a number in a canonical form: its significant digits are hi
// followed by lo, with no leading or trailing zeros, and exp is the power of
// ten of the last one. Zero has no digits. Keeping two substrings of the
// text avoids allocating while comparing.
type decimal struct {
	neg    bool
	hi, lo string
	exp    int
}

// parseDecimal reads -?DIGITS[.DIGITS][(e|E)[+-]DIGITS], leading zeros allowed.
func parseDecimal(s string) (decimal, bool) {
	var d decimal
	i := 0
	if i < len(s) && s[i] == '-' {
		d.neg = true
		i++
	}
	start := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intPart := s[start:i]
	var frac string
	if i < len(s) && s[i] == '.' {
		i++
		start = i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		frac = s[start:i]
	}
	if intPart == "" && frac == "" {
		return decimal{}, false
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		expNeg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			expNeg = s[i] == '-'
			i++
		}
		if i == len(s) {
			return decimal{}, false
		}
		for ; i < len(s) && isDigit(s[i]); i++ {
			// Beyond a billion the exponent is no number gpaudit will see;
			// refusing it keeps the arithmetic from overflowing.
			if exp = exp*10 + int(s[i]-'0'); exp > 1e9 {
				return decimal{}, false
			}
		}
		if expNeg {
			exp = -exp
		}
	}
	if i != len(s) {
		return decimal{}, false
	}
	d.exp = exp - len(frac)
	d.hi = strings.TrimLeft(intPart, "0")
	d.lo = frac
	if d.hi == "" {
		d.lo = strings.TrimLeft(frac, "0")
	}
	if d.lo != "" {
		t := strings.TrimRight(d.lo, "0")
		d.exp += len(d.lo) - len(t)
		d.lo = t
	}
	if d.lo == "" {
		t := strings.TrimRight(d.hi, "0")
		d.exp += len(d.hi) - len(t)
		d.hi = t
	}
	if d.hi == "" && d.lo == "" {
		return decimal{}, true // zero, whatever its sign or exponent
	}
	return d, true
}

func (d decimal) equal(e decimal) bool {
	n := len(d.hi) + len(d.lo)
	if d.neg != e.neg || d.exp != e.exp || n != len(e.hi)+len(e.lo) {
		return false
	}
	for i := range n {
		if d.digit(i) != e.digit(i) {
			return false
		}
	}
	return true
}

func (d decimal) digit(i int) byte {
	if i < len(d.hi) {
		return d.hi[i]
	}
	return d.lo[i-len(d.hi)]
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
