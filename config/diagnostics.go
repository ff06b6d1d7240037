package config

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/fatih/color"
	"github.com/hashicorp/hcl/v2"
)

// WriteDiagnostics writes diags to w in gpaudit's format: a first line
// `file.hcl:LINE,COL-COL: Summary; Detail` (`Error: Summary; Detail` for a
// diagnostic without a range, and `Warning: ` before a warning), then the
// source line from files with carets under the range, and a blank line
// between diagnostics. It colours the output only when color is true,
// whatever fatih/color's global settings say.
//
// It never prints the values in a diagnostic's EvalContext, unlike HCL's own
// writer: they may be sensitive.
func WriteDiagnostics(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics, color bool) error {
	p := newPalette(color)
	var b bytes.Buffer
	for i, d := range diags {
		if i > 0 {
			b.WriteByte('\n')
		}
		writeDiagnostic(&b, files, d, p)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write diagnostics: %w", err)
	}
	return nil
}

// palette paints the parts of a diagnostic; with colour off every func
// returns its text unchanged.
type palette struct {
	location, error, warning func(...any) string
}

func newPalette(enabled bool) palette {
	paint := func(attrs ...color.Attribute) func(...any) string {
		if !enabled {
			return fmt.Sprint
		}
		c := color.New(attrs...)
		c.EnableColor()
		return c.SprintFunc()
	}
	return palette{
		location: paint(color.Bold),
		error:    paint(color.FgRed, color.Bold),
		warning:  paint(color.FgYellow, color.Bold),
	}
}

func writeDiagnostic(b *bytes.Buffer, files map[string]*hcl.File, d *hcl.Diagnostic, p palette) {
	severity, prefix := p.error, ""
	if d.Severity == hcl.DiagWarning {
		severity, prefix = p.warning, "Warning: "
	}
	summary := printable(d.Summary, true)
	detail := ""
	if d.Detail != "" {
		detail = "; " + printable(d.Detail, true)
	}
	if d.Subject == nil {
		if prefix == "" {
			prefix = "Error: "
		}
		fmt.Fprintf(b, "%s%s%s\n", severity(prefix), severity(summary), detail)
		return
	}
	if prefix != "" {
		b.WriteString(severity(prefix))
	}
	fmt.Fprintf(b, "%s: %s%s\n", p.location(printable(d.Subject.String(), false)), severity(summary), detail)
	if _, hidden := d.Extra.(hiddenSource); hidden {
		return
	}
	if f := files[d.Subject.Filename]; f != nil && f.Bytes != nil {
		writeSnippet(b, f.Bytes, *d.Subject, severity)
	}
}

// writeSnippet writes the line where rng starts, with carets under the part
// of it that rng covers (one caret for an empty range).
func writeSnippet(b *bytes.Buffer, src []byte, rng hcl.Range, paint func(...any) string) {
	at := rng.Start.Byte
	if at < 0 || at > len(src) {
		return
	}
	start := bytes.LastIndexByte(src[:at], '\n') + 1
	end := len(src)
	if i := bytes.IndexByte(src[at:], '\n'); i >= 0 {
		end = at + i
	}
	line := strings.TrimSuffix(string(src[start:end]), "\r")
	stop := min(rng.End.Byte, start+len(line))

	width := 1
	if stop > at {
		width = max(1, displayWidth(printable(string(src[at:stop]), false)))
	}
	num := strconv.Itoa(rng.Start.Line)
	fmt.Fprintf(b, "  %s | %s\n", num, printable(line, false))
	fmt.Fprintf(b, "  %s | %s%s\n", strings.Repeat(" ", len(num)), indent(printable(line[:min(at-start, len(line))], false)), paint(strings.Repeat("^", width)))
}

// printable escapes the control characters in s, as Go would quote them
// ("\x1b", "\u0085"), keeping tabs and, when lines is set, line feeds: a
// diagnostic quotes what the user wrote, and raw escape sequences from a
// damaged file could rewrite the terminal.
func printable(s string, lines bool) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\t' && (r != '\n' || !lines) }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if !unicode.IsControl(r) || r == '\t' || (r == '\n' && lines) {
			b.WriteRune(r)
			continue
		}
		q := strconv.QuoteRune(r)
		b.WriteString(q[1 : len(q)-1])
	}
	return b.String()
}

// indent returns blanks as wide as prefix on a terminal, keeping its tabs so
// that the carets line up with the text above them.
func indent(prefix string) string {
	var b strings.Builder
	for _, r := range prefix {
		if r == '\t' {
			b.WriteByte('\t')
			continue
		}
		b.WriteString(strings.Repeat(" ", runeWidth(r)))
	}
	return b.String()
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// runeWidth is the number of terminal columns r takes: two for East Asian
// wide characters (Hangul, CJK, fullwidth forms, most emoji), one otherwise.
// Titles and filters in Korean are common in GAMEPOT projects.
func runeWidth(r rune) int {
	switch {
	case r >= 0x1100 && r <= 0x115F, // Hangul Jamo leading consonants
		r >= 0x2E80 && r <= 0xA4CF && r != 0x303F,              // CJK radicals to Yi
		r >= 0xAC00 && r <= 0xD7A3,                             // Hangul syllables
		r >= 0xF900 && r <= 0xFAFF,                             // CJK compatibility ideographs
		r >= 0xFE30 && r <= 0xFE4F,                             // CJK compatibility forms
		r >= 0xFF00 && r <= 0xFF60, r >= 0xFFE0 && r <= 0xFFE6, // fullwidth forms
		r >= 0x1F300 && r <= 0x1F64F, r >= 0x1F900 && r <= 0x1F9FF, // emoji
		r >= 0x20000 && r <= 0x3FFFD: // CJK extension planes
		return 2
	}
	return 1
}
