package snapshot

import (
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// TestLineValue: LineValue gives the OPA value of DecodeLine's record, and
// the same errors.
func TestLineValue(t *testing.T) {
	lines := []string{
		`{}`,
		` { "id" : "a" , "n" : 7 } `,
		`{"id":"L1","email":"p\u00e9\"q\\\n@example.com","member_id":{"id":"M1"},"deletedAt":null,"ok":true,"no":false}`,
		`{"n":[1,-2.5,3e10,12345678901234567890,0],"e":[],"o":{},"deep":[[{"a":[null]}]]}`,
		`{"k":"x","k":"last wins"}`,
		`{"emoji":"\ud83d\ude00","tab":"a\tb"}`,
	}
	// One decoder for every line, as the engine decodes a part: the terms
	// it shares among records must not change what any record is.
	var d LineDecoder
	for _, line := range slices.Concat(lines, lines) {
		r, err := DecodeLine(line)
		if err != nil {
			t.Fatalf("DecodeLine(%s): %v", line, err)
		}
		want, err := ast.InterfaceToValue(r)
		if err != nil {
			t.Fatal(err)
		}
		got, err := LineValue(line)
		if err != nil {
			t.Fatalf("LineValue(%s): %v", line, err)
		}
		if ast.Compare(got, want) != 0 {
			t.Errorf("LineValue(%s) = %v, want %v", line, got, want)
		}
		shared, err := d.Value(line)
		if err != nil {
			t.Fatalf("LineDecoder.Value(%s): %v", line, err)
		}
		if ast.Compare(shared, want) != 0 || shared.Hash() != want.Hash() {
			t.Errorf("LineDecoder.Value(%s) = %v, want %v", line, shared, want)
		}
	}
	bad := []string{``, `[]`, `{"a":}`, `{"a":1,}`, `{"a":1} x`, `{"a":tru}`, `{"a":"\x"}`, `{"a":01}`, strings.Repeat(`{"a":`, 10001) + "1" + strings.Repeat("}", 10001)}
	for _, line := range bad {
		_, want := DecodeLine(line)
		_, got := LineValue(line)
		if want == nil || got == nil || got.Error() != want.Error() {
			t.Errorf("%.40s: LineValue error %v, DecodeLine error %v", line, got, want)
		}
		// A decoder goes on after a bad line as if it had not seen it.
		if _, got := d.Value(line); got == nil || got.Error() != want.Error() {
			t.Errorf("%.40s: LineDecoder.Value error %v, DecodeLine error %v", line, got, want)
		}
		if v, err := d.Value(lines[2]); err != nil || v.Compare(ast.MustInterfaceToValue(mustDecode(t, lines[2]))) != 0 {
			t.Errorf("after %.40s: LineDecoder.Value(%s) = %v, %v", line, lines[2], v, err)
		}
	}
}

func mustDecode(t *testing.T, line string) map[string]any {
	t.Helper()
	r, err := DecodeLine(line)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestLineStrings: LineStrings reads a line's string fields as DecodeLine's
// record holds them, "" for anything else, and fails as DecodeLine does.
func TestLineStrings(t *testing.T) {
	names := []string{"id", "k", "n", "member_id", "absent", "email"}
	for _, line := range []string{
		`{}`,
		` { "id" : "a" , "n" : 7 } `,
		`{"id":"L1","email":"p\u00e9\"q\\\n@example.com","member_id":{"id":"M1"},"deletedAt":null}`,
		`{"k":"x","k":"last wins","id":"x","id":5}`,
		`{"k":5,"k":"a string at last","n":[1,{"id":"inner"}]}`,
	} {
		r := mustDecode(t, line)
		want := make([]string, len(names))
		for i, n := range names {
			want[i], _ = r[n].(string)
		}
		got := []string{"stale", "", "", "", "", ""}
		if err := LineStrings(line, names, got); err != nil {
			t.Fatalf("LineStrings(%s): %v", line, err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("LineStrings(%s) = %q, want %q", line, got, want)
		}
	}
	for _, line := range []string{``, `[]`, `{"a":}`, `{"id":"a",}`, `{"id":1} x`, `{"id":"\x"}`} {
		_, want := DecodeLine(line)
		got := LineStrings(line, names, make([]string, len(names)))
		if want == nil || got == nil || got.Error() != want.Error() {
			t.Errorf("%s: LineStrings error %v, DecodeLine error %v", line, got, want)
		}
	}
}

// TestLineDecoderFields: a decoder given fields keeps only those top-level
// fields of each record, and a line it cannot read, in a field it leaves
// out too, is the same error as DecodeLine's.
func TestLineDecoderFields(t *testing.T) {
	lines := []string{
		`{}`,
		`{"id":"L1","email":"p@example.com","member_id":{"id":"M1"},"deletedAt":null,"n":[1,{"a":2}]}`,
		`{"k":"x","id":"a","k":"last wins","id":"b"}`,
		`{"member_id":{"id":"M2"}}`,
	}
	fields := []string{"id", "k", "deletedAt"}
	d := LineDecoder{Fields: fields}
	for _, line := range slices.Concat(lines, lines) {
		r, err := DecodeLine(line)
		if err != nil {
			t.Fatal(err)
		}
		for k := range r {
			if !slices.Contains(fields, k) {
				delete(r, k)
			}
		}
		want := ast.MustInterfaceToValue(r)
		got, err := d.Value(line)
		if err != nil {
			t.Fatalf("Value(%s): %v", line, err)
		}
		if ast.Compare(got, want) != 0 || got.Hash() != want.Hash() {
			t.Errorf("Value(%s) = %v, want %v", line, got, want)
		}
	}
	bad := []string{``, `{"a":}`, `{"a":1,}`, `{"id":"x"} x`, `{"a":tru}`, `{"a":"\x"}`, `{"a":01}`, `{"a":{"b":[1,]}}`,
		`{"a":` + strings.Repeat(`[`, 10001) + strings.Repeat("]", 10001) + `}`}
	for _, line := range bad {
		_, want := DecodeLine(line)
		_, got := d.Value(line)
		if want == nil || got == nil || got.Error() != want.Error() {
			t.Errorf("%.40s: error %v, DecodeLine error %v", line, got, want)
		}
	}
}
