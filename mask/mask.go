// Package mask hides personal data in what gpaudit reports (SPEC.md,
// "Personal data"): reports go to CI logs, artifacts and pull requests that
// a whole team reads, so by default they name no player's email address, IP
// address, push token or advertising id. Player ids and record ids are not
// its business: they are pseudonymous, and callers leave them as they are.
//
// Text masks email and IP addresses wherever they stand in a text; Value
// also masks whole values under keys that name personal data (Personal).
// Both are pure and idempotent: masking masked output changes nothing.
package mask

import (
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Hidden replaces a value under a key that names personal data.
const Hidden = "***"

// email finds email addresses in text. The local part is letters (of any
// script), digits, marks and . _ % + -, so plus-addressing is one address;
// the domain is one or more dot-separated labels of letters, digits, marks
// and inner hyphens, then a last label that starts with a letter: a
// Unicode (IDN) domain such as 例え.jp, or its punycode form, xn--r8jz45g.jp.
// A last label of digits is no domain ("v@1.2.3"), and a dot after the
// address ends the sentence, not the domain.
var email = regexp.MustCompile(`[\p{L}\p{N}\p{M}._%+-]+@((?:[\p{L}\p{N}\p{M}](?:[\p{L}\p{N}\p{M}-]*[\p{L}\p{N}\p{M}])?\.)+\p{L}(?:[\p{L}\p{N}\p{M}-]*[\p{L}\p{N}\p{M}])?)`)

// Text returns s with every email address masked to its first character and
// its domain (alice+news@example.com → a***@example.com) and every IP
// address to its first part: an IPv4 address to its first number
// (203.0.113.16 → 203.x.x.x), an IPv6 address to its first two groups, the
// /32 that a registry allocates and no person is known by (2001:db8::1 →
// 2001:db8:x:…). See ips for what counts as an IP address.
func Text(s string) string {
	if strings.IndexByte(s, '@') >= 0 {
		s = email.ReplaceAllStringFunc(s, maskEmail)
	}
	if strings.ContainsAny(s, ".:") {
		s = ips(s)
	}
	return s
}

func maskEmail(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	_, size := utf8.DecodeRuneInString(addr)
	return addr[:size] + "***" + addr[at:]
}

// ips masks the IP addresses in s. A candidate is a longest run of hex
// digits, dots and colons with a dot or a colon in it, standing alone: the
// characters either side are not letters, digits or underscores, so
// v1.2.3.4, T12:00:00 and std::cout are not candidates. It is masked only
// when it is an address netip reads (with a port, 10.0.0.1:8080, or with a
// dot or colon after it that ends a sentence or a field); everything else
// keeps its every character: a version number (1.5.1, 10.0.19041.1), a
// decimal, a clock time (12:30:45), a MAC address. Four numbers from 0 to
// 255 joined by dots are an IPv4 address whatever the context. Loopback and
// unspecified addresses (127.0.0.1, ::1, 0.0.0.0, ::) are nobody's and stay,
// so a refused connection to the local sandbox still reads as one.
func ips(s string) string {
	var b strings.Builder
	last := 0 // s[:last] is in b
	for i := 0; i < len(s); {
		if !ipByte(s[i]) {
			i++
			continue
		}
		j := i
		punct := false
		for j < len(s) && ipByte(s[j]) {
			punct = punct || s[j] == '.' || s[j] == ':'
			j++
		}
		if punct {
			if lo, hi, masked, ok := address(s, i, j); ok {
				b.WriteString(s[last:lo])
				b.WriteString(masked)
				last = hi
			}
		}
		i = j
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func ipByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' || c == '.' || c == ':'
}

// address reads the run s[i:j] as an IP address, dropping one leading dot
// or colon ("ip:10.0.0.1") and trailing ones ("at 10.0.0.1."), and returns
// the bounds of what it replaces and the masked form.
func address(s string, i, j int) (lo, hi int, masked string, ok bool) {
	if s[i] == '.' || s[i] == ':' && !strings.HasPrefix(s[i:j], "::") {
		i++
	}
	if !alone(s, i, j) {
		return 0, 0, "", false
	}
	for ; j > i; j-- {
		if m, ok := maskAddr(s[i:j]); ok {
			return i, j, m, true
		}
		if c := s[j-1]; c != '.' && c != ':' {
			return 0, 0, "", false
		}
	}
	return 0, 0, "", false
}

// alone reports whether s[i:j] stands apart from the words around it.
func alone(s string, i, j int) bool {
	if r, _ := utf8.DecodeLastRuneInString(s[:i]); i > 0 && word(r) {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(s[j:]); j < len(s) && word(r) {
		return false
	}
	return true
}

func word(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// maskAddr masks text that is exactly an IP address, or an IPv4 address
// and port.
func maskAddr(text string) (string, bool) {
	if a, err := netip.ParseAddr(text); err == nil {
		return maskIP(a)
	}
	if ap, err := netip.ParseAddrPort(text); err == nil && ap.Addr().Is4() {
		m, ok := maskIP(ap.Addr())
		return m + ":" + strconv.Itoa(int(ap.Port())), ok
	}
	return "", false
}

func maskIP(a netip.Addr) (string, bool) {
	if plain := a.Unmap(); plain.IsLoopback() || plain.IsUnspecified() {
		return "", false
	}
	switch {
	case a.Is4():
		return strconv.Itoa(int(a.As4()[0])) + ".x.x.x", true
	case a.Is4In6():
		m, _ := maskIP(a.Unmap())
		return "::ffff:" + m, true
	}
	b := a.As16()
	return strconv.FormatUint(uint64(b[0])<<8|uint64(b[1]), 16) + ":" +
		strconv.FormatUint(uint64(b[2])<<8|uint64(b[3]), 16) + ":x:…", true
}

// Personal reports whether a key names personal data whose value is masked
// whole: with the key lower-cased and everything but its letters and digits
// dropped, it holds "email", "token" or "remoteip" (email, Email_Address,
// push_token, pushToken, tokens, remote_ip, remoteIP), or one of its words,
// or two words in a row, are "adid" or "adids" (adid, ad_id, deviceAdId).
// Words are split at anything but letters and digits and where a lower-case
// letter meets an upper-case one. "adid" is a whole word because as a
// substring it is in thread_id and payload_id.
func Personal(key string) bool {
	var joined strings.Builder
	var words []string
	var cur []rune
	prev := rune(0)
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	for _, r := range key {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			prev = r
			continue
		}
		if unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev)) {
			flush()
		}
		lower := unicode.ToLower(r)
		cur = append(cur, lower)
		joined.WriteRune(lower)
		prev = r
	}
	flush()
	all := joined.String()
	if strings.Contains(all, "email") || strings.Contains(all, "token") || strings.Contains(all, "remoteip") {
		return true
	}
	for i, w := range words {
		if w == "adid" || w == "adids" {
			return true
		}
		if i > 0 && (words[i-1]+w == "adid" || words[i-1]+w == "adids") {
			return true
		}
	}
	return false
}

// Value returns v, a finding's details as the policy gave them (maps of
// string keys, arrays, strings, numbers, booleans, null), with its personal
// data masked; v itself is not modified. Strings are masked by Text, map
// keys too. Under a key that is Personal, at any depth, every string that
// is not empty becomes Hidden: an empty string or a null says that there is
// no such value, and numbers and booleans (a count, a flag) say nothing of
// whose it is, so those stay. Two keys that mask to the same text
// (a@x.com and ann@x.com) keep both values: the second, in sorted order of
// the unmasked keys, is suffixed " #2", the third " #3", and so on.
func Value(v any) any { return value(v, false) }

func value(v any, hidden bool) any {
	switch x := v.(type) {
	case string:
		switch {
		case x == "":
			return x
		case hidden:
			return Hidden
		}
		return Text(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = value(e, hidden)
		}
		return out
	case map[string]any:
		return object(x, hidden)
	}
	return v
}

func object(m map[string]any, hidden bool) map[string]any {
	out := make(map[string]any, len(m))
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// Sorted, so that which of two colliding keys gets a suffix never
	// depends on the map's order.
	slices.Sort(keys)
	for _, k := range keys {
		masked := Text(k)
		mk := masked
		for n := 2; has(out, mk); n++ {
			mk = masked + " #" + strconv.Itoa(n)
		}
		out[mk] = value(m[k], hidden || Personal(k))
	}
	return out
}

func has(m map[string]any, k string) bool {
	_, ok := m[k]
	return ok
}

// Details is Value of a finding's details.
func Details(d map[string]any) map[string]any {
	if d == nil {
		return nil
	}
	return object(d, false)
}
