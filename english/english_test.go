package english

import "testing"

func TestPlural(t *testing.T) {
	tests := []struct {
		n    int
		noun string
		want string
	}{
		{0, "finding", "0 findings"},
		{1, "finding", "1 finding"},
		{2, "finding", "2 findings"},
		{1, "retry", "1 retry"},
		{0, "retry", "0 retries"},
		{3, "retry", "3 retries"},
		{2, "day", "2 days"},
		{2, "key", "2 keys"},
		{2, "match", "2 matches"},
		{2, "box", "2 boxes"},
		{2, "status", "2 statuses"},
		{-1, "error", "-1 errors"},
	}
	for _, tt := range tests {
		if got := Plural(tt.n, tt.noun); got != tt.want {
			t.Errorf("Plural(%d, %q) = %q, want %q", tt.n, tt.noun, got, tt.want)
		}
	}
}

func TestOr(t *testing.T) {
	tests := []struct {
		choices []string
		want    string
	}{
		{nil, ""},
		{[]string{"text"}, "text"},
		{[]string{"text", "json"}, "text or json"},
		{[]string{"text", "json", "junit"}, "text, json or junit"},
		{[]string{"text", "json", "junit", "sarif"}, "text, json, junit or sarif"},
	}
	for _, tt := range tests {
		if got := Or(tt.choices); got != tt.want {
			t.Errorf("Or(%q) = %q, want %q", tt.choices, got, tt.want)
		}
	}
}

func TestOrDash(t *testing.T) {
	for in, want := range map[string]string{"": "-", "linkings": "linkings", " ": " "} {
		if got := OrDash(in); got != want {
			t.Errorf("OrDash(%q) = %q, want %q", in, got, want)
		}
	}
}
