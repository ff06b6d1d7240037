// Package cells measures and cuts text by the terminal cells it takes, so
// that a line can be made to fit a terminal's width: a Korean syllable or an
// emoji takes two cells, a combining mark none.
package cells

import (
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// Ellipsis marks where Cut left text out.
const Ellipsis = "…"

// Rune is the number of cells r takes: 2 for East Asian wide and
// full-width characters, 0 for combining marks and format characters such
// as zero-width joiners, 1 otherwise.
func Rune(r rune) int {
	switch {
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		return 0
	case r < 0x1100: // Latin, Greek, Cyrillic and the rest: nothing wide before Hangul Jamo
		return 1
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// Width is the number of cells s takes on a terminal. s holds no escape
// sequences: callers keep colour apart from the text they measure.
func Width(s string) int {
	n := 0
	for _, r := range s {
		n += Rune(r)
	}
	return n
}

// Cut returns s if it fits in w cells; otherwise as much of s as fits in
// w-1 cells, without trailing spaces, followed by Ellipsis. A w of 0 or
// less gives "".
func Cut(s string, w int) string {
	if Width(s) <= w {
		return s
	}
	if w <= 0 {
		return ""
	}
	return Take(s, w-1) + Ellipsis
}

// Take returns the longest prefix of s that fits in w cells, without
// trailing spaces.
func Take(s string, w int) string {
	n := 0
	for i, r := range s {
		if n+Rune(r) > w {
			return strings.TrimRight(s[:i], " ")
		}
		n += Rune(r)
	}
	return strings.TrimRight(s, " ")
}

// Pad fills s with spaces to w cells; wider text is left as it is.
func Pad(s string, w int) string {
	if n := Width(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}
