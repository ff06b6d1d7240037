// Package fakedata makes realistic, made-up GAMEPOT and Ncloud Chat records
// from a seeded random source, so the same seed always gives the same
// records. The quick start's generator (testdata/gen) builds its bundled
// snapshot, with its planted violations, from the record builders here;
// Generate builds the large sets that the benchmarks and scripts/bench.sh run
// on from the same builders, so both have the shapes of the real APIs.
package fakedata

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

var (
	// KST is Korean time; it formats as +09:00, the offset the APIs write.
	KST = time.FixedZone("", 9*3600)
	// Taken is when the data claims to have been fetched: no record is newer.
	Taken = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	// ReviewDate is the evaluation clock (--as-of) of the examples' recorded
	// runs and of the benchmarks.
	ReviewDate = Date(2026, 11, 22)
)

// Day is 24 hours; the APIs' blocks are set in days.
const Day = 24 * time.Hour

// Date is midnight UTC of the given day.
func Date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// Rand draws every random choice of a generator from one seeded source, in
// the order the calls are made.
type Rand struct{ *rand.Rand }

// NewRand returns a Rand over a PCG source with the given seeds.
func NewRand(seed1, seed2 uint64) Rand { return Rand{rand.New(rand.NewPCG(seed1, seed2))} }

// Hex returns n lowercase hex digits.
func (g Rand) Hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.IntN(16)]
	}
	return string(b)
}

// Digits returns n decimal digits, the first of them not 0.
func (g Rand) Digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.IntN(10))
	}
	b[0] = byte('1' + g.IntN(9))
	return string(b)
}

// UUID returns a version 4 UUID, the form of GAMEPOT's player ids.
func (g Rand) UUID() string {
	return g.Hex(8) + "-" + g.Hex(4) + "-4" + g.Hex(3) + "-" + string("89ab"[g.IntN(4)]) + g.Hex(3) + "-" + g.Hex(12)
}

// Chance reports true with probability p.
func (g Rand) Chance(p float64) bool { return g.Float64() < p }

// Pick returns one of items, each as likely.
func Pick[T any](g Rand, items []T) T { return items[g.IntN(len(items))] }

// Between returns a whole second in [from, to).
func (g Rand) Between(from, to time.Time) time.Time {
	return from.Add(time.Duration(g.Int64N(int64(to.Sub(from)/time.Second))) * time.Second)
}

// Stamp formats t the way the APIs do, in Korean time or, for some records, UTC.
func (g Rand) Stamp(t time.Time) string {
	if g.Chance(0.3) {
		return t.UTC().Format(time.RFC3339)
	}
	return t.In(KST).Format(time.RFC3339)
}

// Player is one player of the shared pool: every dataset names players by ID.
type Player struct {
	ID     string
	Nick   string
	Joined time.Time
}

var (
	// Adjectives and Nouns make nicknames such as "swift_fox42".
	Adjectives = []string{"swift", "silent", "brave", "lucky", "crimson", "frost", "shadow", "golden", "iron", "mystic", "neon", "lazy"}
	Nouns      = []string{"fox", "tiger", "knight", "mage", "archer", "dragon", "rogue", "panda", "falcon", "wolf", "otter", "ronin"}
	localNames = []string{"민수", "서연", "지훈", "하은", "도윤", "지우", "さくら", "はると", "ゆい", "小明", "Ploy", "Minh"}
	domains    = []string{"example.com", "example.net", "example.org", "mail.example.com"}
)

// Player draws a player who joined between 2023 and September 2026, a quarter
// of them with a Korean, Japanese, Chinese or Thai nickname.
func (g Rand) Player() Player {
	nick := Pick(g, Adjectives) + "_" + Pick(g, Nouns) + g.Digits(2)
	if g.Chance(0.25) {
		nick = Pick(g, localNames) + g.Digits(3)
	}
	return Player{ID: g.UUID(), Nick: nick, Joined: g.Between(Date(2023, 1, 1), Date(2026, 9, 1))}
}

// Linking returns a linking record of p with provider, made after p joined
// and at least a week before Taken, deleted or live. Its email follows the
// provider's habits: always one for google, facebook and naver, often a relay
// address or none for apple, sometimes none for line, twitter and guest.
func Linking(g Rand, p Player, provider string, deleted bool) map[string]any {
	created := g.Between(p.Joined, Taken.Add(-7*Day))
	updated := created
	if g.Chance(0.4) {
		updated = g.Between(created, Taken)
	}
	l := map[string]any{
		"id":        base64.StdEncoding.EncodeToString([]byte("Linking:" + g.Hex(24))),
		"username":  username(g, provider),
		"provider":  provider,
		"member_id": map[string]any{"id": base64.StdEncoding.EncodeToString([]byte("Member:" + p.ID))},
		"user_id":   p.ID,
		"createdAt": g.Stamp(created),
		"updatedAt": g.Stamp(updated),
		"deletedAt": nil,
	}
	if deleted {
		gone := g.Between(updated, Taken)
		l["updatedAt"] = g.Stamp(gone)
		l["deletedAt"] = g.Stamp(gone)
	}
	email := strings.ToLower(strings.ReplaceAll(p.Nick, "_", ".")) + "@" + Pick(g, domains)
	if !isASCII(email) {
		email = "player" + g.Digits(6) + "@" + Pick(g, domains)
	}
	switch provider {
	case "google", "facebook", "naver":
		l["email"] = email
	case "apple":
		l["email"] = Pick(g, []any{g.Hex(10) + "@privaterelay.example.com", email, ""})
	case "twitter":
		l["email"] = Pick(g, []any{email, email, ""})
	case "line":
		if g.Chance(0.5) {
			l["email"] = email
		}
	case "guest":
		if g.Chance(0.4) {
			l["email"] = nil
		}
	}
	return l
}

// SetEmail sets a linking's email to v, or removes the field when v is "missing".
func SetEmail(l map[string]any, v any) {
	if v == "missing" {
		delete(l, "email")
		return
	}
	l["email"] = v
}

func username(g Rand, provider string) string {
	switch provider {
	case "google":
		return "1" + g.Digits(20)
	case "apple":
		return "00" + g.Digits(4) + "." + g.Hex(32) + "." + g.Digits(4)
	case "facebook":
		return g.Digits(16)
	case "line":
		return "U" + g.Hex(32)
	case "naver":
		return base64.RawURLEncoding.EncodeToString([]byte(g.Hex(16)))
	case "twitter":
		return g.Digits(19)
	default:
		return "guest-" + g.Hex(16)
	}
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Block is a memberblock record with the instants it was made from.
type Block struct {
	Record         map[string]any
	Member         string
	Started, Ended time.Time // Ended is zero when endedAt is null
	Created        time.Time
}

// Reasons are block reasons in Korean, English and Japanese.
var Reasons = [][3]string{
	{"욕설 및 비매너 행위", "Abusive language", "暴言・迷惑行為"},
	{"불법 프로그램 사용", "Use of cheating software", "不正プログラムの使用"},
	{"결제 취소 악용", "Chargeback abuse", "決済取消の悪用"},
	{"계정 거래", "Account trading", "アカウント取引"},
	{"도배 및 광고", "Spam and advertising", "スパム・広告"},
}

var categories = []string{"eade0943-5c1f-4b8e-9d3a-f2b5e9852ce4", "3f1c2d7a-08e4-4a61-b5c2-9e7d41a0c3b8", "c7a94e21-6d3b-4f0a-8e15-2b9f6a3d7e40"}

// NewBlock returns a block of p of type typ ("manual" or "autopurchase")
// with the given status (1 on, 2 lifted) and deleted flag, starting at
// started and lasting length, or open (endedAt null). Its reason is in Korean
// and often English or Japanese too; a quarter of them have no category.
func NewBlock(g Rand, p Player, typ string, status int, deleted bool, started time.Time, length time.Duration, open bool) Block {
	reason := Pick(g, Reasons)
	langs := []any{map[string]any{"lang": "ko", "value": reason[0], "default": true}}
	if g.Chance(0.6) {
		langs = append(langs, map[string]any{"lang": "en", "value": reason[1], "default": false})
	}
	if g.Chance(0.3) {
		langs = append(langs, map[string]any{"lang": "ja", "value": reason[2], "default": false})
	}
	created := started.Add(-time.Duration(g.IntN(36*3600)) * time.Second)
	if g.Chance(0.3) {
		created = g.Between(started, started.Add(2*Day)) // entered after the fact
	}
	b := Block{Member: p.ID, Started: started, Created: created}
	rec := map[string]any{
		"id":           base64.StdEncoding.EncodeToString([]byte("MemberBlock:" + g.Hex(24))),
		"member_id":    p.ID,
		"deleted":      deleted,
		"type":         typ,
		"status":       status,
		"message":      nil,
		"messageMulti": langs,
		"startedAt":    g.Stamp(started),
		"endedAt":      nil,
		"createdAt":    g.Stamp(created),
		"updatedAt":    g.Stamp(created),
		"deletedAt":    nil,
		"category_id":  Pick(g, append([]string{""}, categories...)),
	}
	if !open {
		b.Ended = started.Add(length)
		rec["endedAt"] = g.Stamp(b.Ended)
	}
	if status == 2 || deleted {
		changed := g.Between(created, Taken)
		rec["updatedAt"] = g.Stamp(changed)
		if deleted {
			rec["deletedAt"] = g.Stamp(changed)
		}
	}
	b.Record = rec
	return b
}

// UserBlock returns the v1 user_block answer for a memberblock record as a
// snapshot holds it: the v1 date texts normalized to RFC 3339 in +09:00.
func UserBlock(record map[string]any) map[string]any {
	rec := maps.Clone(record)
	for _, k := range []string{"startedAt", "endedAt", "createdAt", "updatedAt", "deletedAt"} {
		if s, ok := rec[k].(string); ok {
			t, _ := time.Parse(time.RFC3339, s)
			rec[k] = t.In(KST).Format(time.RFC3339)
		}
	}
	return rec
}

var (
	countries = []string{"KR", "KR", "KR", "KR", "JP", "JP", "TW", "US", "TH"}
	devices   = [][3]string{ // model, os, push service
		{"iPhone16,1", "iOS 18", "APNS"}, {"iPhone14,5", "iOS 17", "APNS"}, {"SM-S921N", "Android 14", "FCM"},
		{"SM-A546N", "Android 13", "FCM"}, {"Pixel 8", "Android 15", "FCM"},
	}
	timezones = []any{nil, "Asia/Seoul", "Asia/Seoul", "Asia/Tokyo", "Asia/Taipei"}
)

// ChatProject is the Ncloud Chat project id the chat members belong to.
const ChatProject = "8be54b8b-71c2-4e0f-9a4d-84c0d5df2e9c"

// Member returns p's chat member record, live, made within a month of p
// joining, and when the member last logged in. About a third are online;
// some members predate the device fields or have no notifications.
func Member(g Rand, p Player) (m map[string]any, login time.Time) {
	dev := Pick(g, devices)
	created := g.Between(p.Joined, p.Joined.Add(30*Day))
	login = g.Between(created, Taken)
	m = map[string]any{
		"id":             p.ID,
		"project_id":     ChatProject,
		"member_id":      p.ID,
		"name":           p.Nick,
		"profile":        Pick(g, []any{"", "", "https://cdn.example.com/avatars/" + g.Hex(12) + ".png"}),
		"memo":           nil,
		"country":        Pick(g, countries),
		"remoteip":       Pick(g, []string{"203.0.113.", "198.51.100."}) + fmt.Sprint(1+g.IntN(254)),
		"adid":           Pick(g, []any{nil, g.UUID()}),
		"device":         Pick(g, []any{nil, dev[0]}),
		"network":        Pick(g, []any{nil, "wifi", "lte", "5g"}),
		"version":        Pick(g, []any{nil, "1.4.2", "1.5.0", "1.5.1"}),
		"model":          Pick(g, []any{nil, dev[0]}),
		"deleted":        false,
		"online":         g.Chance(0.35),
		"customField":    Pick(g, []any{"", "", `{"guild":"` + Pick(g, Nouns) + `s","level":` + fmt.Sprint(1+g.IntN(80)) + "}"}),
		"device_type":    Pick(g, []any{[]any{}, []any{strings.ToLower(strings.Fields(dev[1])[0])}}),
		"push":           Pick(g, []any{nil, true, false}),
		"memberblock_id": nil,
		"notifications": map[string]any{
			"token": g.Hex(64), "device": dev[2], "os": dev[1],
			"push": g.Chance(0.8), "ad": g.Chance(0.4), "night": g.Chance(0.3), "timezone": Pick(g, timezones),
		},
		"logined_at": g.Stamp(login),
		"created_at": g.Stamp(created),
		"updated_at": g.Stamp(login),
		"deleted_at": nil,
	}
	switch {
	case g.Chance(0.1): // members from before the device fields existed
		for _, k := range []string{"adid", "device", "network", "version", "model"} {
			delete(m, k)
		}
	case g.Chance(0.1):
		m["notifications"] = nil
	case g.Chance(0.05):
		delete(m, "notifications")
		delete(m, "customField")
	}
	if g.Chance(0.05) {
		m["memo"] = "reported twice; see ticket " + g.Digits(5)
	}
	return m, login
}

// SortNewestFirst orders records the way the list endpoints answer
// sort={"<key>":"-1"}, ties broken by id. Each record's key must hold an
// RFC 3339 text; it is parsed once, not once per comparison. Ids are
// distinct, so the order is total and a stable sort would give the same.
func SortNewestFirst(records []map[string]any, key string) {
	type keyed struct {
		at  time.Time
		rec map[string]any
	}
	ks := make([]keyed, len(records))
	for i, r := range records {
		t, _ := time.Parse(time.RFC3339, r[key].(string))
		ks[i] = keyed{t, r}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		return cmp.Or(b.at.Compare(a.at), strings.Compare(a.rec["id"].(string), b.rec["id"].(string)))
	})
	for i, k := range ks {
		records[i] = k.rec
	}
}
