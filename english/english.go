// Package english phrases counts and lists for people, so that every command
// and report says "1 check", "3 retries" and "text, json or junit" alike.
package english

import (
	"strconv"
	"strings"
)

// Plural puts n before noun, in the plural unless n is 1: "1 finding",
// "3 findings", "2 retries", "0 matches". It knows the regular endings only,
// which is all gpaudit's nouns need.
func Plural(n int, noun string) string {
	count := strconv.Itoa(n) + " "
	if n == 1 {
		return count + noun
	}
	switch {
	case consonantY(noun):
		return count + strings.TrimSuffix(noun, "y") + "ies"
	case hasAnySuffix(noun, "s", "x", "z", "ch", "sh"):
		return count + noun + "es"
	}
	return count + noun + "s"
}

// Or lists choices as a sentence does, the last after "or": "text",
// "text or json", "text, json or junit". Help text and errors that name the
// accepted values use it, so they read the same wherever the list comes from.
func Or(choices []string) string {
	if len(choices) <= 1 {
		return strings.Join(choices, "")
	}
	last := len(choices) - 1
	return strings.Join(choices[:last], ", ") + " or " + choices[last]
}

// consonantY reports whether noun ends in a consonant and y, as "retry"
// does; "day" takes a plain s.
func consonantY(noun string) bool {
	if len(noun) < 2 || !strings.HasSuffix(noun, "y") {
		return false
	}
	return !strings.ContainsRune("aeiou", rune(noun[len(noun)-2]))
}

func hasAnySuffix(s string, suffixes ...string) bool {
	for _, suf := range suffixes {
		if strings.HasSuffix(s, suf) {
			return true
		}
	}
	return false
}

// OrDash is s, or "-" when s is empty: how gpaudit's tables write "none",
// so that an empty cell never shifts the columns after it.
func OrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
