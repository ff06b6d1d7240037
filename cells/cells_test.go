package cells

import "testing"

func TestWidth(t *testing.T) {
	tests := []struct {
		s    string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"…", 1},
		{"닉네임", 6},
		{"«용사»", 6},
		{"🎮", 2},
		{"ｇ", 2},       // full-width Latin
		{"e\u0301", 1}, // e and a combining acute accent
		{"a\u200db", 2},
	}
	for _, tt := range tests {
		if got := Width(tt.s); got != tt.want {
			t.Errorf("Width(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}

func TestCut(t *testing.T) {
	tests := []struct {
		s    string
		w    int
		want string
	}{
		{"hello", 5, "hello"},
		{"hello", 10, "hello"},
		{"hello", 4, "hel…"},
		{"hello", 1, "…"},
		{"hello", 0, ""},
		{"hello world", 7, "hello…"}, // no space before the ellipsis
		{"닉네임", 5, "닉네…"},
		{"닉네임", 4, "닉…"}, // a wide rune that would straddle the edge is left out
		{"", 0, ""},
	}
	for _, tt := range tests {
		got := Cut(tt.s, tt.w)
		if got != tt.want {
			t.Errorf("Cut(%q, %d) = %q, want %q", tt.s, tt.w, got, tt.want)
		}
		if tt.w >= 0 && Width(got) > tt.w {
			t.Errorf("Cut(%q, %d) = %q is %d cells wide", tt.s, tt.w, got, Width(got))
		}
	}
}

func TestPad(t *testing.T) {
	if got := Pad("용사", 6); got != "용사  " {
		t.Errorf("Pad = %q", got)
	}
	if got := Pad("toolong", 3); got != "toolong" {
		t.Errorf("Pad = %q", got)
	}
}
