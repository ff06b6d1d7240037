// Package diff writes the unified diff of two texts, line by line, as
// `diff -u` and `git diff` do: what `gpaudit fmt --diff` shows.
package diff

import (
	"fmt"
	"strings"
)

// context is how many unchanged lines a hunk shows around a change.
const context = 3

// maxEdits bounds the search for the shortest edit script: two texts that
// differ in more lines than this are shown as one hunk that replaces all,
// which is still a correct diff, found in bounded memory.
const maxEdits = 4000

// Unified returns the unified diff that turns old into new, with path in
// its "--- a/PATH" and "+++ b/PATH" lines (git apply and patch -p1 take it),
// or "" when they are equal.
func Unified(path string, old, new []byte) string {
	a, b := splitLines(string(old)), splitLines(string(new))
	ops := edits(a, b)
	var out strings.Builder
	for _, h := range hunks(ops) {
		if out.Len() == 0 {
			fmt.Fprintf(&out, "--- a/%s\n+++ b/%s\n", path, path)
		}
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", span(h.aStart, h.aLen), span(h.bStart, h.bLen))
		for _, o := range h.ops {
			out.WriteByte(o.kind)
			out.WriteString(o.line)
			if !strings.HasSuffix(o.line, "\n") {
				out.WriteString("\n\\ No newline at end of file\n")
			}
		}
	}
	return out.String()
}

// span is a hunk's range as the format writes it: "START,COUNT", where an
// empty range starts at the line before it.
func span(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

// splitLines splits s after each "\n", keeping it; a last line without one
// is kept as it is.
func splitLines(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// op is one line of an edit script: kept (' '), deleted ('-') or added ('+').
type op struct {
	kind byte
	line string
}

// edits returns a shortest edit script from a to b, found with Myers'
// O(ND) algorithm.
func edits(a, b []string) []op {
	n, m := len(a), len(b)
	limit := min(n+m, maxEdits)
	off := limit + 1
	v := make([]int, 2*limit+3)
	var trace [][]int
	for d := 0; d <= limit; d++ {
		trace = append(trace, append([]int(nil), v...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[off+k-1] < v[off+k+1] {
				x = v[off+k+1] // down: an insertion
			} else {
				x = v[off+k-1] + 1 // right: a deletion
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[off+k] = x
			if x >= n && y >= m {
				return backtrack(a, b, trace, off)
			}
		}
	}
	// Too different to search further: delete all, add all.
	ops := make([]op, 0, n+m)
	for _, l := range a {
		ops = append(ops, op{'-', l})
	}
	for _, l := range b {
		ops = append(ops, op{'+', l})
	}
	return ops
}

// backtrack walks the search's trace back from the end of both texts and
// returns the edit script in order.
func backtrack(a, b []string, trace [][]int, off int) []op {
	var ops []op
	x, y := len(a), len(b)
	for d := len(trace) - 1; d >= 0; d-- {
		v := trace[d]
		k := x - y
		prevK := k - 1
		if k == -d || k != d && v[off+k-1] < v[off+k+1] {
			prevK = k + 1
		}
		prevX := v[off+prevK]
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			ops = append(ops, op{' ', a[x-1]})
			x, y = x-1, y-1
		}
		if d == 0 {
			break
		}
		if x == prevX {
			ops = append(ops, op{'+', b[y-1]})
			y--
		} else {
			ops = append(ops, op{'-', a[x-1]})
			x--
		}
	}
	for i, j := 0, len(ops)-1; i < j; i, j = i+1, j-1 {
		ops[i], ops[j] = ops[j], ops[i]
	}
	return ops
}

// hunk is a run of changes with their context, and where it starts (0-based)
// and how many lines it spans in each text.
type hunk struct {
	aStart, aLen, bStart, bLen int
	ops                        []op
}

// hunks groups an edit script into hunks: changes closer than twice the
// context share one.
func hunks(ops []op) []hunk {
	var out []hunk
	ai, bi := 0, 0 // line numbers before ops[i]
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			ai, bi, i = ai+1, bi+1, i+1
			continue
		}
		// A change at i: start the hunk up to context lines before it.
		start := max(i-context, 0)
		for start < i && ops[start].kind != ' ' {
			start++
		}
		h := hunk{aStart: ai - (i - start), bStart: bi - (i - start)}
		end := i
		for j := i; j < len(ops); j++ {
			if ops[j].kind != ' ' {
				end = j + 1
			} else if j-end >= 2*context {
				break
			}
		}
		end = min(end+context, len(ops))
		h.ops = ops[start:end]
		for _, o := range h.ops {
			if o.kind != '+' {
				h.aLen++
			}
			if o.kind != '-' {
				h.bLen++
			}
		}
		// Advance the line numbers over what the hunk holds after i.
		for _, o := range ops[i:end] {
			if o.kind != '+' {
				ai++
			}
			if o.kind != '-' {
				bi++
			}
		}
		out = append(out, h)
		i = end
	}
	return out
}
