package mask

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// Emails.
		{"email", "google linking has email alice@example.com", "google linking has email a***@example.com"},
		{"email alone", "bob@example.net", "b***@example.net"},
		{"plus-addressing", "alice+newsletter@example.com", "a***@example.com"},
		{"dots and hyphens", "frost.knight-24@mail.example.co.uk", "f***@mail.example.co.uk"},
		{"one-letter local part", "a@example.com", "a***@example.com"},
		{"idn domain", "ユーザー@例え.jp", "ユ***@例え.jp"},
		{"idn greek", "δοκιμή@παράδειγμα.δοκιμή", "δ***@παράδειγμα.δοκιμή"},
		{"punycode domain", "user@xn--r8jz45g.jp", "u***@xn--r8jz45g.jp"},
		{"end of sentence", "write to carol@example.org.", "write to c***@example.org."},
		{"in angle brackets", "Dave <dave@example.com>", "Dave <d***@example.com>"},
		{"quoted", `email "erin@example.com" is taken`, `email "e***@example.com" is taken`},
		{"two emails", "a1@x.io, b2@y.io", "a***@x.io, b***@y.io"},
		{"after a colon", "mailto:frank@example.com", "mailto:f***@example.com"},
		{"uppercase", "Grace.Hopper@Example.COM", "G***@Example.COM"},
		{"masked stays masked", "a***@example.com", "a***@example.com"},
		{"no domain dot", "user@localhost", "user@localhost"},
		{"version after at", "gpaudit@1.2.3", "gpaudit@1.2.3"},
		{"bare at", "@here and a @ b", "@here and a @ b"},

		// IPv4.
		{"ipv4", "login from 203.0.113.16", "login from 203.x.x.x"},
		{"private ipv4", "10.1.2.3", "10.x.x.x"},
		{"ipv4 with port", "connect 198.51.100.7:8443 refused", "connect 198.x.x.x:8443 refused"},
		{"ipv4 end of sentence", "seen at 192.0.2.55.", "seen at 192.x.x.x."},
		{"ipv4 before colon", "192.0.2.55: refused", "192.x.x.x: refused"},
		{"ipv4 after key colon", "remoteip:192.0.2.55", "remoteip:192.x.x.x"},
		{"ipv4 cidr", "198.51.100.0/24", "198.x.x.x/24"},
		{"ipv4 in brackets", "[198.51.100.1]", "[198.x.x.x]"},
		{"ipv4 list", "1.2.3.4,5.6.7.8", "1.x.x.x,5.x.x.x"},
		{"masked ipv4 stays", "10.x.x.x", "10.x.x.x"},
		{"loopback ipv4 stays", "dial tcp 127.0.0.1:43121: connection refused", "dial tcp 127.0.0.1:43121: connection refused"},
		{"unspecified stays", "listen 0.0.0.0", "listen 0.0.0.0"},

		// IPv6.
		{"ipv6 full", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:db8:x:…"},
		{"ipv6 compressed", "from 2001:db8::1 today", "from 2001:db8:x:… today"},
		{"ipv6 compressed early", "2001::7334", "2001:0:x:…"},
		{"ipv6 link-local", "fe80::1ff:fe23:4567:890a", "fe80:0:x:…"},
		{"ipv6 trailing double colon", "net 2001:db8:: ok", "net 2001:db8:x:… ok"},
		{"ipv6 uppercase", "2001:DB8:ABCD:12::1", "2001:db8:x:…"},
		{"ipv6 bracketed with port", "[2001:db8::7]:443", "[2001:db8:x:…]:443"},
		{"ipv6 zone", "fe80::1%eth0", "fe80:0:x:…%eth0"},
		{"ipv6 end of sentence", "via 2606:4700::6810:85e5.", "via 2606:4700:x:…."},
		{"ipv4-mapped ipv6", "::ffff:203.0.113.9", "::ffff:203.x.x.x"},
		{"loopback ipv6 stays", "::1", "::1"},
		{"unspecified ipv6 stays", "::", "::"},
		{"masked ipv6 stays", "2001:db8:x:…", "2001:db8:x:…"},

		// Lookalikes that keep every character.
		{"semantic version", "client version 1.5.1", "client version 1.5.1"},
		{"four-part windows build", "os 10.0.19041.1", "os 10.0.19041.1"},
		{"five-part version", "1.2.3.4.5", "1.2.3.4.5"},
		{"v-prefixed version", "v1.2.3.4", "v1.2.3.4"},
		{"decimal", "lasts 3234.08 days", "lasts 3234.08 days"},
		{"ratio", "ratio 0.5 over max 0.25", "ratio 0.5 over max 0.25"},
		{"rfc3339 timestamp", "started 2026-11-22T00:00:00Z", "started 2026-11-22T00:00:00Z"},
		{"timestamp with offset", "2025-06-01T03:58:41+09:00", "2025-06-01T03:58:41+09:00"},
		{"timestamp with fraction", "2026-11-22T12:30:45.123456Z", "2026-11-22T12:30:45.123456Z"},
		{"clock time", "at 12:30:45", "at 12:30:45"},
		{"date with dots", "2026.11.22", "2026.11.22"},
		{"leading zeros", "010.001.002.003", "010.001.002.003"},
		{"octet over 255", "256.1.1.1", "256.1.1.1"},
		{"mac address", "00:1a:2b:3c:4d:5e", "00:1a:2b:3c:4d:5e"},
		{"rego rule", "data.gamepot.linkings::deny", "data.gamepot.linkings::deny"},
		{"c++ scope", "std::cout", "std::cout"},
		{"hex hash", "sha256 3b1c0f4e9a2d7c55", "sha256 3b1c0f4e9a2d7c55"},
		{"uuid", "0c9c8987-fc6f-44a9-abee-63e75b7f9c1b", "0c9c8987-fc6f-44a9-abee-63e75b7f9c1b"},
		{"base64 id", "TWVtYmVyQmxvY2s6ZWMxYTg4MjNkZTcyZGE4OGIwNDI5Y2U2", "TWVtYmVyQmxvY2s6ZWMxYTg4MjNkZTcyZGE4OGIwNDI5Y2U2"},
		{"ip inside a word", "host10.0.0.1x", "host10.0.0.1x"},
		{"nothing", "", ""},
		{"korean text", "결제 취소 악용", "결제 취소 악용"},

		// Both kinds in one message.
		{"email and ip", "ann@example.com logged in from 203.0.113.16 and 2001:db8::2",
			"a***@example.com logged in from 203.x.x.x and 2001:db8:x:…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Text(tt.in)
			if got != tt.want {
				t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := Text(got); again != got {
				t.Errorf("Text is not idempotent: Text(%q) = %q", got, again)
			}
		})
	}
}

func TestPersonal(t *testing.T) {
	tests := []struct {
		key  string
		want bool
	}{
		{"email", true},
		{"Email", true},
		{"emails", true},
		{"email_address", true},
		{"emailAddress", true},
		{"user-email", true},
		{"token", true},
		{"push_token", true},
		{"pushToken", true},
		{"PUSH_TOKEN", true},
		{"devicetoken", true},
		{"tokens", true},
		{"remoteip", true},
		{"remote_ip", true},
		{"remoteIP", true},
		{"RemoteIp", true},
		{"adid", true},
		{"ADID", true},
		{"ad_id", true},
		{"adId", true},
		{"device_adid", true},
		{"adids", true},

		{"subject", false},
		{"record_id", false},
		{"thread_id", false},
		{"payload_id", false},
		{"readIds", false},
		{"provider", false},
		{"ip_version", false},
		{"links", false},
		{"problem", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := Personal(tt.key); got != tt.want {
			t.Errorf("Personal(%q) = %v, want %v", tt.key, got, tt.want)
		}
	}
}

// decode reads JSON as the engine hands details over: numbers as json.Number.
func decode(t *testing.T, doc string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestDetails(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"named keys", `{"email": "alice@example.com", "push_token": "0e01981629256ea0", "remoteip": "203.0.113.16", "adid": "d541c044-4e65-4510-8dd7-bcb407314831"}`,
			`{"email": "***", "push_token": "***", "remoteip": "***", "adid": "***"}`},
		{"absent values stay", `{"email": "", "token": null, "push_token": false}`,
			`{"email": "", "token": null, "push_token": false}`},
		{"counts and flags stay", `{"token_count": 3, "has_email": true}`,
			`{"token_count": 3, "has_email": true}`},
		{"nested under a named key", `{"tokens": ["a1", "b2", ""], "notifications": {"token": "ff00", "device": "FCM", "push": true}}`,
			`{"tokens": ["***", "***", ""], "notifications": {"token": "***", "device": "FCM", "push": true}}`},
		{"whole object under a named key", `{"email": {"value": "x@example.com", "verified": true, "n": 2}}`,
			`{"email": {"value": "***", "verified": true, "n": 2}}`},
		{"strings masked at any depth", `{"contact": {"lines": ["mail bob@example.net", {"from": "198.51.100.9"}]}}`,
			`{"contact": {"lines": ["mail b***@example.net", {"from": "198.x.x.x"}]}}`},
		{"ids and other text stay", `{"link_ids": ["TGlua2luZzo1", "TGlua2luZzo2"], "other_user_ids": ["0c9c8987-fc6f-44a9-abee-63e75b7f9c1b"], "provider": "google", "started": "2026-11-22T00:00:00Z", "version": "1.5.1"}`,
			`{"link_ids": ["TGlua2luZzo1", "TGlua2luZzo2"], "other_user_ids": ["0c9c8987-fc6f-44a9-abee-63e75b7f9c1b"], "provider": "google", "started": "2026-11-22T00:00:00Z", "version": "1.5.1"}`},
		{"keys masked", `{"by_address": {"ann@example.com": 2, "10.1.2.3": 1}}`,
			`{"by_address": {"a***@example.com": 2, "10.x.x.x": 1}}`},
		{"colliding keys both kept", `{"ann@example.com": 1, "amy@example.com": 2, "a***@example.com #2": 3}`,
			`{"a***@example.com": 2, "a***@example.com #2": 3, "a***@example.com #3": 1}`},
		{"empty", `{}`, `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := decode(t, tt.in)
			before := decode(t, tt.in)
			got := Details(in)
			if want := decode(t, tt.want); !reflect.DeepEqual(got, want) {
				gotJSON, _ := json.Marshal(got)
				t.Errorf("Details(%s) = %s, want %s", tt.in, gotJSON, tt.want)
			}
			if !reflect.DeepEqual(in, before) {
				t.Errorf("Details modified its argument")
			}
			if again := Details(got); !reflect.DeepEqual(again, got) {
				t.Errorf("Details is not idempotent on %s", tt.in)
			}
		})
	}
	if Details(nil) != nil {
		t.Error("Details(nil) is not nil")
	}
}

func TestValueNumbers(t *testing.T) {
	// Numbers reach Value as json.Number from OPA; they are never text.
	in := map[string]any{"remoteip": json.Number("3"), "n": json.Number("10.1")}
	got := Value(in)
	if !reflect.DeepEqual(got, in) {
		t.Errorf("Value(%v) = %v, want it unchanged", in, got)
	}
}
