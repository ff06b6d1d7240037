// Package suggest finds the name a user most likely meant when they typed
// one that is not known: the "did you mean" of gpaudit's errors and
// diagnostics, for commands, policies, references and datasets.
package suggest

import (
	"strings"
	"unicode/utf8"
)

// Closest returns the candidate nearest to name, or "" when none is near
// enough to be taken for a typo of it. Near enough is an edit distance
// (Distance, ignoring case) of at most a third of name's length, and at
// least 1 and at most 3: "chek" gives "check", "memberblocks" gives
// "memberblock", and "x" gives nothing, since one edit turns any short
// name into any other. Of equally near candidates the first wins, so the
// answer depends only on the order of candidates.
func Closest(name string, candidates []string) string {
	limit := min(max(utf8.RuneCountInString(name)/3, 1), 3)
	best, bestDist := "", limit+1
	lower := strings.ToLower(name)
	for _, c := range candidates {
		if c == name {
			continue
		}
		if d := Distance(lower, strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// Phrase is Closest as the end of a sentence: ` Did you mean "check"?`
// with a leading space, or "" when there is nothing to suggest.
func Phrase(name string, candidates []string) string {
	if c := Closest(name, candidates); c != "" {
		return ` Did you mean "` + c + `"?`
	}
	return ""
}

// Distance is the number of single-rune edits that turn a into b: an
// insertion, a deletion, a substitution, or a swap of two neighbours (the
// optimal string alignment distance), which counts the commonest typo,
// "chekc" for "check", as one.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// Three rows of the dynamic-programming table: two back for swaps.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
