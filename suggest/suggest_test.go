package suggest

import "testing"

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"check", "check", 0},
		{"", "abc", 3},
		{"abc", "", 3},
		{"chek", "check", 1},
		{"chekc", "check", 1},
		{"check", "chcek", 1},
		{"kitten", "sitting", 3},
		{"memberblocks", "memberblock", 1},
		{"용사", "용자", 1},
		{"ca", "abc", 3},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := Distance(tt.b, tt.a); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d (symmetric)", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestClosest(t *testing.T) {
	commands := []string{"check", "validate", "plan", "fetch", "test", "policies", "sandbox", "fmt", "version"}
	datasets := []string{"chat_members", "linkings", "memberblock", "user_block"}
	policies := []string{"gamepot.blocks.max_duration", "gamepot.blocks.reason_required", "gamepot.linkings.email_required"}
	tests := []struct {
		name       string
		candidates []string
		want       string
	}{
		{"chek", commands, "check"},
		{"Check", commands, "check"},
		{"valdate", commands, "validate"},
		{"polices", commands, "policies"},
		{"tset", commands, "test"},
		{"frobnicate", commands, ""},
		{"x", commands, ""},
		{"check", commands, ""}, // a known name needs no suggestion
		{"memberblocks", datasets, "memberblock"},
		{"linking", datasets, "linkings"},
		{"user_blocks", datasets, "user_block"},
		{"chat", datasets, ""},
		{"gamepot.blocks.max_durations", policies, "gamepot.blocks.max_duration"},
		{"gamepot.linking.email_required", policies, "gamepot.linkings.email_required"},
		{"gamepot.blocks.unknown", policies, ""},
		{"ab", []string{"ac", "ab2"}, "ac"}, // equally near: the first
		{"anything", nil, ""},
	}
	for _, tt := range tests {
		if got := Closest(tt.name, tt.candidates); got != tt.want {
			t.Errorf("Closest(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestPhrase(t *testing.T) {
	if got, want := Phrase("chek", []string{"check"}), ` Did you mean "check"?`; got != want {
		t.Errorf("Phrase = %q, want %q", got, want)
	}
	if got := Phrase("zzz", []string{"check"}); got != "" {
		t.Errorf("Phrase with nothing near = %q, want empty", got)
	}
}
