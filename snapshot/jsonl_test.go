package snapshot

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestParseJSONL(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    []map[string]any
		wantErr string
	}{
		{name: "empty file", text: "", want: []map[string]any{}},
		{
			name: "every kind of value",
			text: `{"s":"a","n":-1.5e+3,"z":0,"t":true,"f":false,"nil":null,"o":{"k":[1,{}]},"a":[]}` + "\n",
			want: []map[string]any{{
				"s": "a", "n": num("-1.5e+3"), "z": num("0"), "t": true, "f": false, "nil": nil,
				"o": map[string]any{"k": []any{num("1"), map[string]any{}}}, "a": []any{},
			}},
		},
		{
			name: "whitespace around tokens",
			text: " \t{ \"a\" : [ 1 , 2 ] , \"b\" : { } }\t\r\n{}",
			want: []map[string]any{{"a": []any{num("1"), num("2")}, "b": map[string]any{}}, {}},
		},
		{
			name: "escapes",
			text: `{"e":"q\"b\\s\/b\bf\fn\nr\rt\t","u":"\u00e9\uD83D\uDE00","lone":"\ud800x","k\u0041":"ü"}`,
			want: []map[string]any{{"e": "q\"b\\s/b\bf\fn\nr\rt\t", "u": "é😀", "lone": "\uFFFDx", "kA": "ü"}},
		},
		{
			name: "a repeated key keeps the last value",
			text: `{"a":1,"a":2}`,
			want: []map[string]any{{"a": num("2")}},
		},
		{
			name: "ids of different types, and records without one",
			text: `{"id":"1"}` + "\n" + `{"id":1}` + "\n" + `{}` + "\n" + `{}` + "\n" + `{"id":null}` + "\n" + `{"id":null}`,
			want: []map[string]any{{"id": "1"}, {"id": num("1")}, {}, {}, {"id": nil}, {"id": nil}},
		},
		{name: "a repeated id", text: `{"id":"a"}` + "\n" + `{"id":"b"}` + "\n" + `{"id":"a","email":"x@example.com"}`, wantErr: `f:3: a second record with id "a" (the first is on line 1)`},
		{name: "a repeated numeric id", text: `{"id":10}` + "\n" + `{"id":"10"}` + "\n" + `{"id":10}`, wantErr: `f:3: a second record with id 10 (the first is on line 1)`},
		{name: "leading zero", text: `{"a":01}`, wantErr: "f:1: column 7: unexpected '1', want ',' or '}'"},
		{name: "bare minus", text: `{"a":-}`, wantErr: "f:1: column 7: invalid number"},
		{name: "no digit after the point", text: `{"a":1.}`, wantErr: "f:1: column 8: invalid number"},
		{name: "no digit in the exponent", text: `{"a":1e+}`, wantErr: "f:1: column 9: invalid number"},
		{name: "bad literal", text: `{"a":tru}`, wantErr: "f:1: column 6: unexpected 't', want a value"},
		{name: "unquoted key", text: `{a:1}`, wantErr: "f:1: column 2: unexpected 'a', want a string key"},
		{name: "missing colon", text: `{"a" 1}`, wantErr: "f:1: column 6: unexpected '1', want ':'"},
		{name: "trailing comma", text: `{"a":1,}`, wantErr: "f:1: column 8: unexpected '}', want a string key"},
		{name: "unclosed object", text: `{"a":1`, wantErr: "f:1: column 7: unexpected end of line, want ',' or '}'"},
		{name: "unclosed array", text: `{"a":[1`, wantErr: "f:1: column 8: unexpected end of line, want ',' or ']'"},
		{name: "unclosed string", text: `{"a":"xy`, wantErr: "f:1: column 9: unexpected end of line in string"},
		{name: "control character", text: "{\"a\":\"x\ty\"}", wantErr: "f:1: column 8: control character 0x09 in string"},
		{name: "bad escape", text: `{"a":"\x"}`, wantErr: `f:1: column 8: invalid escape "\\x" in string`},
		{name: "bad unicode escape", text: `{"a":"\u12G4"}`, wantErr: `f:1: column 8: invalid \u escape in string`},
		{name: "invalid UTF-8", text: "{\"a\":\"\xff\"}", wantErr: "f:1: column 9: invalid UTF-8 in string"},
		{name: "a string line", text: `"a"`, wantErr: "f:1: column 1: want a JSON object, found a string"},
		{name: "null line", text: "{}\nnull\n", wantErr: "f:2: column 1: want a JSON object, found 'n'"},
		{name: "blank line", text: "{}\n  \n{}\n", wantErr: "f:2: empty line"},
		{name: "empty last line", text: "{}\n\n", wantErr: "f:2: empty line"},
		{name: "too deep", text: `{"a":` + strings.Repeat("[", maxJSONDepth) + "}", wantErr: "f:1: column 10005: nested too deeply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseJSONL("f", tt.text)
			// Read as lines, the file is checked without its records
			// being built, and must fail the same way.
			_, _, linesErr := parseParts("f", splitLines(tt.text, 1, 1), true)
			if fmt.Sprint(linesErr) != fmt.Sprint(err) {
				t.Errorf("read as lines, error = %v, want %v", linesErr, err)
			}
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzParseJSONLine checks the parser against encoding/json on one line:
// both must accept the same objects and give the same values.
func FuzzParseJSONLine(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"a":1}`, `{"a":[1,2,{"b":null}],"c":true}`, `{"a":"\u00e9\ud83d\ude00\\"}`,
		`{"a":-0.5e-10}`, `{"a":01}`, `{"a":"\ud800\u0041"}`, `[1]`, `{"a":1} x`, `{"a":"\udc00"}`,
		` {"id":"TGlua2luZzo=","member_id":{"id":"TWVt"},"deletedAt":null} `,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		if strings.Contains(line, "\n") {
			return // one line only; encoding/json sees a newline as space
		}
		got, err := parseJSONL("f", line)
		var p recordParser
		id, hasID, checkErr := p.check(line)
		if fmt.Sprint(checkErr) != fmt.Sprint(recordErr(line)) {
			t.Fatalf("check(%q) error %v, record's %v", line, checkErr, recordErr(line))
		}
		if checkErr == nil {
			r, _ := DecodeLine(line)
			if wantID, wantHas := RecordID(r); id != wantID || hasID != wantHas {
				t.Fatalf("check(%q) id %v %v, RecordID %v %v", line, id, hasID, wantID, wantHas)
			}
		}

		dec := json.NewDecoder(strings.NewReader(line))
		dec.UseNumber()
		var want any
		refErr := dec.Decode(&want)
		if refErr == nil {
			if _, tokErr := dec.Token(); tokErr != io.EOF {
				refErr = io.ErrUnexpectedEOF // anything after the object
			}
		}
		obj, isObj := want.(map[string]any)
		refOK := refErr == nil && isObj

		if strings.Trim(line, " \t\r") == "" {
			if err == nil && line != "" {
				t.Fatalf("parser accepted the blank line %q", line)
			}
			return
		}
		if err != nil {
			// encoding/json replaces invalid UTF-8 where this parser refuses it.
			if refOK && utf8.ValidString(line) {
				t.Fatalf("parser refused %q: %v; encoding/json accepts it", line, err)
			}
			return
		}
		if !refOK {
			t.Fatalf("parser accepted %q; encoding/json says %v (value %T)", line, refErr, want)
		}
		if diff := cmp.Diff(obj, got[0]); diff != "" {
			t.Fatalf("values differ for %q (-encoding/json +parser):\n%s", line, diff)
		}
	})
}

// recordErr is the error of reading line as one record.
func recordErr(line string) error {
	var p recordParser
	_, err := p.record(line)
	return err
}

// TestParseJSONLInParts: a file parsed in parts gives the records of one
// parse, the first bad line's error, and finds an id repeated across parts.
func TestParseJSONLInParts(t *testing.T) {
	var b strings.Builder
	for i := range 100 {
		fmt.Fprintf(&b, "{\"id\":\"r%d\",\"n\":%d}\n", i, i)
	}
	text := b.String()
	whole, _, err := parseParts("f", splitLines(text, 1, 1), false)
	if err != nil {
		t.Fatal(err)
	}
	parts := splitLines(text, 4, 1)
	if len(parts) != 4 {
		t.Fatalf("%d parts, want 4", len(parts))
	}
	joined := ""
	for _, p := range parts {
		if !strings.HasSuffix(p.text, "\n") {
			t.Errorf("part at line %d does not end a line", p.line)
		}
		if want := strings.Count(joined, "\n") + 1; p.line != want {
			t.Errorf("part starts at line %d, want %d", p.line, want)
		}
		joined += p.text
	}
	if joined != text {
		t.Fatal("the parts do not make up the text")
	}
	got, _, err := parseParts("f", parts, false)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(whole, got); diff != "" {
		t.Errorf("records in parts differ from one parse (-one +parts):\n%s", diff)
	}

	lines := strings.SplitAfter(text, "\n")
	bad := strings.Join(slices.Concat(lines[:60], []string{"{nope\n"}, lines[61:90], []string{"\n"}, lines[91:]), "")
	if _, _, err := parseParts("f", splitLines(bad, 4, 1), false); err == nil || !strings.HasPrefix(err.Error(), "f:61:") {
		t.Errorf("error = %v, want line 61's", err)
	}
	dup := strings.Replace(text, `"id":"r90"`, `"id":"r3"`, 1)
	if _, _, err := parseParts("f", splitLines(dup, 4, 1), true); err == nil || err.Error() != `f:91: a second record with id "r3" (the first is on line 4)` {
		t.Errorf("error = %v, want the id repeated across parts", err)
	}
}

// TestPlainASCII: the eight-bytes-at-a-time test agrees with
// plainStringByte for every byte at every place of a word and of the tail.
func TestPlainASCII(t *testing.T) {
	for c := range 256 {
		for at := range 19 {
			b := []byte(strings.Repeat("a", 19))
			b[at] = byte(c)
			if got, want := plainASCII(string(b)), plainStringByte[c]; got != want {
				t.Fatalf("plainASCII with byte %#x at %d = %v, want %v", c, at, got, want)
			}
		}
	}
	if !plainASCII("") {
		t.Error(`plainASCII("") = false`)
	}
}
