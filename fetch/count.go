package fetch

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
)

// errCountIsList marks a count request answered with a list: the server
// ignored option.count. Cohort then pages without a count.
var errCountIsList = errors.New("the count request was answered with a list")

// parseCount reads the answer of a count request (option {"count":true}).
// GAMEPOT 3.0 documents no shape, so every shape NAVER documents elsewhere
// is accepted: a bare number; {"count":N}; {"totalCount":N};
// {"data":{"<resource>":{"totalCount":N,…}}}; {"status":1,"result":{"totalCount":N}}.
// Anything else is an error, never a zero that would make a cohort empty.
func parseCount(v any) (int, error) {
	switch x := v.(type) {
	case json.Number:
		return countNumber(x)
	case []any:
		return 0, errCountIsList
	case map[string]any:
		if n, ok := x["count"]; ok {
			return countField("count", n)
		}
		if n, ok := x["totalCount"]; ok {
			return countField("totalCount", n)
		}
		if data, ok := x["data"].(map[string]any); ok && len(data) == 1 {
			for name, inner := range data {
				if obj, ok := inner.(map[string]any); ok {
					if n, ok := obj["totalCount"]; ok {
						return countField("data."+name+".totalCount", n)
					}
				}
			}
		}
		if result, ok := x["result"].(map[string]any); ok {
			if n, ok := result["totalCount"]; ok {
				return countField("result.totalCount", n)
			}
		}
	}
	return 0, fmt.Errorf("the count answer is %s, none of the known count shapes", describeShape(v))
}

func countField(path string, v any) (int, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("the count answer's %s is %s, not a number", path, describeShape(v))
	}
	c, err := countNumber(n)
	if err != nil {
		return 0, fmt.Errorf("the count answer's %s: %w", path, err)
	}
	return c, nil
}

// countNumber accepts a non-negative whole number in any JSON spelling
// ("12", "12.0", "1.2e1").
func countNumber(n json.Number) (int, error) {
	r, ok := new(big.Rat).SetString(string(n))
	if !ok || !r.IsInt() || r.Sign() < 0 || !r.Num().IsInt64() || r.Num().Int64() > int64(^uint32(0)>>1) {
		return 0, fmt.Errorf("count %s is not a whole number of records", clip(string(n), 32))
	}
	return int(r.Num().Int64()), nil
}

// describeShape says what kind of JSON value v is without quoting it, since
// an unexpected answer may hold player data.
func describeShape(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case []any:
		return fmt.Sprintf("a list of %d", len(x))
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, clip(k, 40))
		}
		slices.Sort(keys)
		if len(keys) > 8 {
			keys = append(keys[:8], "…")
		}
		return "an object with keys [" + strings.Join(keys, " ") + "]"
	}
	return fmt.Sprintf("a %T", v)
}
