package snapshot

import (
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
	for _, line := range lines {
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
	}
	bad := []string{``, `[]`, `{"a":}`, `{"a":1,}`, `{"a":1} x`, `{"a":tru}`, `{"a":"\x"}`, `{"a":01}`, strings.Repeat(`{"a":`, 10001) + "1" + strings.Repeat("}", 10001)}
	for _, line := range bad {
		_, want := DecodeLine(line)
		_, got := LineValue(line)
		if want == nil || got == nil || got.Error() != want.Error() {
			t.Errorf("%.40s: LineValue error %v, DecodeLine error %v", line, got, want)
		}
	}
}
