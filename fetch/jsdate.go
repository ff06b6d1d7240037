package fetch

import (
	"fmt"
	"strings"
	"time"
)

// jsDateLayouts are the shapes of JavaScript's Date.prototype.toString()
// once the parenthesised zone name is cut off. Node pads the day to two
// digits and writes the offset without a colon; the other layouts admit
// the variants seen in hand-written documentation.
var jsDateLayouts = []string{
	"Mon Jan 02 2006 15:04:05 GMT-0700",
	"Mon Jan 2 2006 15:04:05 GMT-0700",
	"Mon Jan 02 2006 15:04:05 GMT-07:00",
	"Mon Jan 2 2006 15:04:05 GMT-07:00",
}

// parseJSDate reads a time written by JavaScript's Date.toString(), e.g.
// "Mon May 11 2020 12:02:00 GMT+0900 (Korean Standard Time)", keeping its
// offset. The parenthesised zone name is ignored: it is localised, varies
// between servers and may be absent. RFC 3339 text is accepted too, so
// answers already normalised pass through.
func parseJSDate(s string) (time.Time, error) {
	text := strings.TrimSpace(s)
	if i := strings.IndexByte(text, '('); i >= 0 && strings.HasSuffix(text, ")") {
		text = strings.TrimSpace(text[:i])
	}
	for _, layout := range jsDateLayouts {
		if t, err := time.Parse(layout, text); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339Nano, text); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a JavaScript date (like %q)", clip(s, 64), "Mon May 11 2020 12:02:00 GMT+0900")
}

// jsDateToRFC3339 converts a Date.toString() time to RFC 3339 with the same
// offset: "Mon May 11 2020 12:02:00 GMT+0900 (GMT+09:00)" becomes
// "2020-05-11T12:02:00+09:00". Policies compare times as RFC 3339.
func jsDateToRFC3339(s string) (string, error) {
	t, err := parseJSDate(s)
	if err != nil {
		return "", err
	}
	return t.Format(time.RFC3339Nano), nil
}

// clip shortens s to at most n bytes, without splitting a UTF-8 sequence,
// marking the cut with "…".
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}
