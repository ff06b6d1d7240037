package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
)

// defaultPerPage is the page size when option has no per_page. Nothing
// documents the real default; the client always sends per_page.
const defaultPerPage = 20

// maxPerPage is the documented upper bound of per_page.
const maxPerPage = 100

// listQuery is a list request's filter, sort and option parameters.
type listQuery struct {
	filter    map[string]any
	filterKey string // canonical JSON of filter, for the view cache
	sort      []sortField
	offset    int
	perPage   int
	count     bool
}

// sortField is one key of the sort parameter; the first is the primary one.
type sortField struct {
	name string
	desc bool
}

// paramError is a bad query parameter, answered with status -11. Its text
// names the parameter and what is wrong, never the value: filters may hold
// a player's email.
type paramError struct{ msg string }

func (e *paramError) Error() string { return e.msg }

func paramErrorf(format string, args ...any) error {
	return &paramError{fmt.Sprintf(format, args...)}
}

// parseListQuery reads the filter, sort and option parameters of a list request.
func parseListQuery(q url.Values) (listQuery, error) {
	var lq listQuery
	text := q.Get("filter")
	if text == "" {
		return lq, paramErrorf("required parameter missing: filter (send {} for no filter)")
	}
	filter, err := decodeObject("filter", text)
	if err != nil {
		return lq, err
	}
	key, err := json.Marshal(filter) // map keys come out sorted: a canonical form
	if err != nil {
		return lq, paramErrorf("parameter filter cannot be read: %v", err)
	}
	lq.filter, lq.filterKey = filter, string(key)

	if text := q.Get("sort"); text != "" {
		if lq.sort, err = parseSort(text); err != nil {
			return lq, err
		}
	}

	lq.perPage = defaultPerPage
	if text := q.Get("option"); text != "" {
		option, err := decodeObject("option", text)
		if err != nil {
			return lq, err
		}
		if err := lq.readOption(option); err != nil {
			return lq, err
		}
	}
	return lq, nil
}

// readOption reads offset, per_page and count; other keys are ignored, as
// an API that grows new options would.
func (lq *listQuery) readOption(option map[string]any) error {
	if v := option["offset"]; v != nil {
		n, ok := intValue(v)
		if !ok || n < 0 {
			return paramErrorf("option offset must be an integer ≥ 0")
		}
		lq.offset = n
	}
	if v := option["per_page"]; v != nil {
		n, ok := intValue(v)
		if !ok || n < 1 || n > maxPerPage {
			return paramErrorf("option per_page must be an integer from 1 to %d", maxPerPage)
		}
		lq.perPage = n
	}
	if v := option["count"]; v != nil {
		b, ok := v.(bool)
		if !ok {
			return paramErrorf("option count must be true or false")
		}
		lq.count = b
	}
	return nil
}

// intValue reads a JSON integer that fits an int.
func intValue(v any) (int, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(string(n))
	return i, err == nil
}

// decodeObject decodes text as exactly one JSON object, numbers as json.Number.
func decodeObject(name, text string) (map[string]any, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, paramErrorf("parameter %s is not valid JSON", name)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, paramErrorf("parameter %s is not valid JSON: data after the value", name)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, paramErrorf("parameter %s must be a JSON object", name)
	}
	return m, nil
}

// parseSort reads the sort object token by token, because the order of its
// keys is the order of the sort and a map would lose it.
func parseSort(text string) ([]sortField, error) {
	bad := paramErrorf(`parameter sort must be a JSON object of fields to "1" or "-1"`)
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, bad
	}
	var fields []sortField
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, bad
		}
		name, ok := tok.(string)
		if !ok {
			return nil, bad
		}
		var dir any
		if err := dec.Decode(&dir); err != nil {
			return nil, bad
		}
		desc, ok := sortDirection(dir)
		if !ok {
			return nil, bad
		}
		for _, f := range fields {
			if f.name == name {
				return nil, paramErrorf("parameter sort names a field twice")
			}
		}
		fields = append(fields, sortField{name: name, desc: desc})
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, bad
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, bad
	}
	return fields, nil
}

// sortDirection accepts "1" and "-1" as documented, and the numbers 1 and -1.
func sortDirection(v any) (desc, ok bool) {
	var s string
	switch d := v.(type) {
	case string:
		s = d
	case json.Number:
		s = string(d)
	default:
		return false, false
	}
	switch s {
	case "1":
		return false, true
	case "-1":
		return true, true
	}
	return false, false
}

// sortKey is the sort's part of the view cache key.
func sortKey(fields []sortField) string {
	var b strings.Builder
	for _, f := range fields {
		b.WriteString(strconv.Quote(f.name))
		if f.desc {
			b.WriteString(":-1,")
		} else {
			b.WriteString(":1,")
		}
	}
	return b.String()
}
