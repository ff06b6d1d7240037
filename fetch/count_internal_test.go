package fetch

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestParseCount(t *testing.T) {
	n := func(s string) json.Number { return json.Number(s) }
	tests := []struct {
		name    string
		in      any
		want    int
		wantErr string
	}{
		{name: "number", in: n("42"), want: 42},
		{name: "number spelled 4.2e1", in: n("4.2e1"), want: 42},
		{name: "count", in: map[string]any{"count": n("7")}, want: 7},
		{name: "totalCount", in: map[string]any{"totalCount": n("0")}, want: 0},
		{name: "data", in: map[string]any{"data": map[string]any{"members": map[string]any{"totalCount": n("3"), "members": []any{}}}}, want: 3},
		{name: "result", in: map[string]any{"status": n("1"), "result": map[string]any{"totalCount": n("9")}}, want: 9},
		{name: "data with two resources", in: map[string]any{"data": map[string]any{"a": map[string]any{"totalCount": n("1")}, "b": map[string]any{}}}, wantErr: "none of the known count shapes"},
		{name: "negative", in: n("-1"), wantErr: "not a whole number"},
		{name: "fraction", in: n("0.5"), wantErr: "not a whole number"},
		{name: "huge", in: n("1e30"), wantErr: "not a whole number"},
		{name: "string", in: "5", wantErr: "a string"},
		{name: "bool", in: true, wantErr: "a boolean"},
		{name: "object", in: map[string]any{"n": n("1")}, wantErr: "an object with keys [n]"},
		{name: "count not a number", in: map[string]any{"count": nil}, wantErr: "count is null, not a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseCount(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("parseCount = %d, %v; want error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("parseCount = %d, %v; want %d", got, err, tt.want)
			}
		})
	}
	if _, err := parseCount([]any{}); !errors.Is(err, errCountIsList) {
		t.Errorf("parseCount(list) = %v, want errCountIsList", err)
	}
}
