// Command gen writes the quick start's bundled snapshot: realistic, varied
// GAMEPOT and Ncloud Chat records, the same bytes on every run.
//
//	go run ./testdata/gen -out examples/quickstart/snapshot [-watchlist examples/quickstart/watchlist.txt]
//
// The four datasets share one pool of player ids (UUIDs), so cohorts can be
// joined: linkings[].user_id = memberblock[].member_id = user_block.member_id
// = chat_members[].id. A few records are planted violations of the quick
// start's checks; they hold for any evaluation date from 2026 through 2030,
// and the generator verifies that before it writes anything:
//
//   - google_link_email: 5 live google linkings (deletedAt null) whose email
//     is missing, null, "", "   " and null. Decoys that must not be found:
//     2 deleted google linkings with no email, and guest, line, apple and
//     twitter linkings without one (another provider).
//   - manual_block_max_days: 5 manual blocks with status 1 and deleted false
//     that started in 2025 and either never end (endedAt null, 3 of them) or
//     end in 2031 or later (2). Every other active manual block lasts at most
//     30 days (one exactly 30, the boundary) or ended before 2026 (2 long ones).
//     Long blocks that are lifted (status 2), deleted, or autopurchase are
//     decoys.
//   - blocked_players_offline: 4 of those 5 players are online in chat. Every
//     other player with a status 1, not deleted block that had not ended by
//     2026 is offline; online decoys have only lifted or deleted blocks, or
//     blocks that ended before 2026.
//   - watchlist_block_max_days: the watch list holds 25 players, all looked up
//     in user_block: 15 blocked (the v1 answer, normalized to the v2 shape with
//     RFC 3339 +09:00 timestamps; 3 of them are long-block players above, the
//     violations) and 10 not found.
//
// After every record above is drawn, more are planted for the other
// examples' checks; the link, window and share plants are self-checked too.
// None of them is in a quick start cohort, so the quick start's findings and
// record ids stay as they were; the run prints every planted id:
//
//   - gamepot.blocks.invalid_window (compliance-review cr8_block_window): a
//     lifted autopurchase block whose endedAt is a day before its startedAt.
//   - gamepot.blocks.reason_required (cr9_block_reason): a lifted
//     autopurchase block whose default (ko) reason is white space.
//   - gamepot.blocks.manual_share_max (cr11_manual_share): every autopurchase
//     block active on 2026-11-22, the examples' --as-of, is lifted (status 2,
//     updated the day before the snapshot) but those of the first player with
//     two, whom gamepot.blocks.duplicate_active still catches (nightly-ci
//     one_active_block_each), and the v1 plant below: 5 of the 8 active
//     blocks are then manual.
//   - gamepot.linkings.duplicate_account (cr12_one_account_one_player): a
//     live line linking of a player who had no links, with the username of
//     the first live line linking, another player's.
//   - gamepot.linkings.provider_allowed (cr13_known_providers): a live
//     linking whose provider is "Apple".
//   - gamepot.linkings.max_per_provider (nightly-ci one_link_per_provider):
//     a player with two live apple linkings.
//   - gamepot.cross.block_consistency (player-lookup v1_agrees): an open
//     autopurchase block, started 2026-10-28, of a watched player the v1
//     lookup did not find (user_block is not regenerated for it).
//   - ncloud_chat.members.deleted_has_live_links (player-lookup
//     left_chat_left_links): a watched player, not found in user_block, whose
//     chat member is deleted (push token cleared) while a linking is live.
//
// The last two players are listed in examples/player-lookup/players.txt.
package main

import (
	"cmp"
	"encoding/base64"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gpaudit/gpaudit/snapshot"
)

var (
	kst = time.FixedZone("", 9*3600) // formats as +09:00
	// snapshotTime is when the snapshot claims to be taken; no record is newer.
	snapshotTime = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	day          = 24 * time.Hour
	// reviewDate is the --as-of of the examples' recorded runs.
	reviewDate = date(2026, 11, 22)
)

func main() {
	out := flag.String("out", "examples/quickstart/snapshot", "snapshot folder to write (replaced if it holds a snapshot)")
	watchlist := flag.String("watchlist", "", "also write the looked-up player ids to this file, one a line")
	flag.Parse()
	if err := run(*out, *watchlist); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(out, watchlist string) error {
	d := generate(rand.New(rand.NewPCG(20261101, 3)))
	if err := d.verify(); err != nil {
		return fmt.Errorf("generated data breaks its own plan: %w", err)
	}
	if _, err := os.Stat(filepath.Join(out, snapshot.ManifestName)); err == nil {
		if err := os.RemoveAll(out); err != nil {
			return err
		}
	}
	opts := snapshot.WriteOptions{CreatedAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), ToolVersion: "0.1.0"}
	files := []snapshot.File{
		{Source: "gamepot.main", Dataset: "linkings", Filters: []map[string]any{{}}, Records: d.linkings},
		{Source: "gamepot.main", Dataset: "memberblock", Filters: []map[string]any{{}}, Records: d.blocks},
		{Source: "gamepot.main", Dataset: "user_block", Users: d.watchlist, Records: d.userBlocks},
		{Source: "ncloud_chat.main", Dataset: "chat_members", Filters: []map[string]any{{}}, Records: d.members},
	}
	if err := snapshot.Write(out, opts, files); err != nil {
		return err
	}
	if watchlist != "" {
		text := "# Players support asked about; gpaudit looks each up in user_block.\n" + strings.Join(d.watchlist, "\n") + "\n"
		if err := os.WriteFile(watchlist, []byte(text), 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("wrote %s\n", out)
	fmt.Printf("  linkings      %3d records, %d live google without email (planted)\n", len(d.linkings), d.count.emails)
	fmt.Printf("  memberblock   %3d records, %d active manual blocks over 30 days (planted)\n", len(d.blocks), d.count.longBlocks)
	fmt.Printf("  user_block    %3d records, %d players looked up, %d not found, %d over 30 days (planted)\n",
		len(d.userBlocks), len(d.watchlist), len(d.watchlist)-len(d.userBlocks), d.count.watchlistLong)
	fmt.Printf("  chat_members  %3d records, %d online while blocked (planted)\n", len(d.members), d.count.onlineBlocked)
	for _, k := range slices.Sorted(maps.Keys(d.plants)) {
		fmt.Printf("  planted %-22s %s\n", k, d.plants[k])
	}
	return nil
}

// data is everything generated, as plain JSON values.
type data struct {
	linkings, blocks, userBlocks, members []map[string]any
	watchlist                             []string
	count                                 struct{ emails, longBlocks, watchlistLong, onlineBlocked int }
	// plants names the records planted for the other examples' checks.
	plants map[string]string
}

// gen draws every random choice from one seeded source, in a fixed order.
type gen struct{ rng *rand.Rand }

func (g gen) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.rng.IntN(16)]
	}
	return string(b)
}

func (g gen) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.rng.IntN(10))
	}
	b[0] = byte('1' + g.rng.IntN(9))
	return string(b)
}

func (g gen) uuid() string {
	return g.hex(8) + "-" + g.hex(4) + "-4" + g.hex(3) + "-" + string("89ab"[g.rng.IntN(4)]) + g.hex(3) + "-" + g.hex(12)
}

func (g gen) chance(p float64) bool { return g.rng.Float64() < p }

func pick[T any](g gen, items []T) T { return items[g.rng.IntN(len(items))] }

// between returns a whole second in [from, to).
func (g gen) between(from, to time.Time) time.Time {
	return from.Add(time.Duration(g.rng.Int64N(int64(to.Sub(from)/time.Second))) * time.Second)
}

// stamp formats t the way the APIs do, in Korean time or, for some records, UTC.
func (g gen) stamp(t time.Time) string {
	if g.chance(0.3) {
		return t.UTC().Format(time.RFC3339)
	}
	return t.In(kst).Format(time.RFC3339)
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

type player struct {
	id     string
	nick   string
	joined time.Time
}

var (
	adjectives = []string{"swift", "silent", "brave", "lucky", "crimson", "frost", "shadow", "golden", "iron", "mystic", "neon", "lazy"}
	nouns      = []string{"fox", "tiger", "knight", "mage", "archer", "dragon", "rogue", "panda", "falcon", "wolf", "otter", "ronin"}
	localNames = []string{"민수", "서연", "지훈", "하은", "도윤", "지우", "さくら", "はると", "ゆい", "小明", "Ploy", "Minh"}
	domains    = []string{"example.com", "example.net", "example.org", "mail.example.com"}
)

func generate(rng *rand.Rand) *data {
	g := gen{rng}
	players := make([]player, 240)
	for i := range players {
		nick := pick(g, adjectives) + "_" + pick(g, nouns) + g.digits(2)
		if g.chance(0.25) {
			nick = pick(g, localNames) + g.digits(3)
		}
		players[i] = player{id: g.uuid(), nick: nick, joined: g.between(date(2023, 1, 1), date(2026, 9, 1))}
	}
	// Roles by position in a shuffled order: blocked players first.
	order := g.rng.Perm(len(players))
	role := func(from, to int) []player {
		ps := make([]player, 0, to-from)
		for _, i := range order[from:to] {
			ps = append(ps, players[i])
		}
		return ps
	}
	d := &data{}
	d.linkings = genLinkings(g, players, &d.count.emails)
	linked := map[string]bool{}
	for _, l := range d.linkings {
		linked[l["user_id"].(string)] = true
	}
	bp := blockPlan{
		violators:   role(0, 5),
		shortActive: role(5, 37),
		longEnded:   role(37, 39),
		lifted:      role(39, 59),
		deleted:     role(59, 73),
		auto:        role(73, 100),
	}
	blocks := genBlocks(g, bp)
	d.count.longBlocks = len(bp.violators)

	// Players looked up and not found: linked, never blocked.
	var unblocked []player
	for _, p := range role(100, 140) {
		if linked[p.id] && len(unblocked) < 10 {
			unblocked = append(unblocked, p)
		}
	}
	watch := slices.Concat(bp.violators[:3], bp.shortActive[:6], bp.longEnded[:1], bp.lifted[:3], bp.deleted[:2], unblocked)
	d.userBlocks = genUserBlocks(watch, blocks)
	d.count.watchlistLong = 3
	for _, p := range watch {
		d.watchlist = append(d.watchlist, p.id)
	}
	slices.Sort(d.watchlist)

	chatPlayers := slices.Concat(bp.violators, bp.shortActive[:14], bp.longEnded, bp.lifted[:10], bp.deleted[:6], bp.auto[:3], role(100, 170))
	d.members = genMembers(g, chatPlayers, bp.violators[:4], blocks)
	d.count.onlineBlocked = 4

	blocks = d.plantAudit(g, players, bp, unblocked, blocks)

	for _, b := range blocks {
		d.blocks = append(d.blocks, b.record)
	}
	sortNewestFirst(d.linkings, "createdAt")
	sortNewestFirst(d.blocks, "createdAt")
	sortNewestFirst(d.members, "created_at")
	return d
}

// genLinkings gives most players one linking and some a second, then plants
// the missing emails. emails counts the planted violations.
func genLinkings(g gen, players []player, emails *int) []map[string]any {
	weighted := []string{"google", "google", "google", "google", "google", "google", "google",
		"apple", "apple", "apple", "apple", "guest", "guest", "guest", "line", "line", "facebook", "facebook", "naver", "twitter"}
	var out []map[string]any
	for i, p := range players[:230] {
		primary := pick(g, weighted)
		out = append(out, linking(g, p, primary, g.chance(0.08)))
		if i%3 == 0 {
			second := pick(g, weighted)
			for second == primary {
				second = pick(g, weighted)
			}
			out = append(out, linking(g, p, second, g.chance(0.08)))
		}
	}
	// Violations: the first five live google linkings lose their email.
	bad := []any{"missing", nil, "", "   ", nil}
	for _, l := range out {
		if len(bad) == 0 {
			break
		}
		if l["provider"] == "google" && l["deletedAt"] == nil {
			setEmail(l, bad[0])
			bad = bad[1:]
			*emails++
		}
	}
	// Decoys: deleted google linkings without an email.
	for i, p := range players[230:232] {
		l := linking(g, p, "google", true)
		setEmail(l, []any{"missing", ""}[i])
		out = append(out, l)
	}
	return out
}

func setEmail(l map[string]any, v any) {
	if v == "missing" {
		delete(l, "email")
		return
	}
	l["email"] = v
}

func linking(g gen, p player, provider string, deleted bool) map[string]any {
	created := g.between(p.joined, snapshotTime.Add(-7*day))
	updated := created
	if g.chance(0.4) {
		updated = g.between(created, snapshotTime)
	}
	l := map[string]any{
		"id":        base64.StdEncoding.EncodeToString([]byte("Linking:" + g.hex(24))),
		"username":  username(g, provider),
		"provider":  provider,
		"member_id": map[string]any{"id": base64.StdEncoding.EncodeToString([]byte("Member:" + p.id))},
		"user_id":   p.id,
		"createdAt": g.stamp(created),
		"updatedAt": g.stamp(updated),
		"deletedAt": nil,
	}
	if deleted {
		gone := g.between(updated, snapshotTime)
		l["updatedAt"] = g.stamp(gone)
		l["deletedAt"] = g.stamp(gone)
	}
	email := strings.ToLower(strings.ReplaceAll(p.nick, "_", ".")) + "@" + pick(g, domains)
	if !isASCII(email) {
		email = "player" + g.digits(6) + "@" + pick(g, domains)
	}
	switch provider {
	case "google", "facebook", "naver":
		l["email"] = email
	case "apple":
		l["email"] = pick(g, []any{g.hex(10) + "@privaterelay.example.com", email, ""})
	case "twitter":
		l["email"] = pick(g, []any{email, email, ""})
	case "line":
		if g.chance(0.5) {
			l["email"] = email
		}
	case "guest":
		if g.chance(0.4) {
			l["email"] = nil
		}
	}
	return l
}

func username(g gen, provider string) string {
	switch provider {
	case "google":
		return "1" + g.digits(20)
	case "apple":
		return "00" + g.digits(4) + "." + g.hex(32) + "." + g.digits(4)
	case "facebook":
		return g.digits(16)
	case "line":
		return "U" + g.hex(32)
	case "naver":
		return base64.RawURLEncoding.EncodeToString([]byte(g.hex(16)))
	case "twitter":
		return g.digits(19)
	default:
		return "guest-" + g.hex(16)
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

// blockPlan assigns players to kinds of block history.
type blockPlan struct {
	violators   []player // active manual, started 2025, no end or ending 2031+
	shortActive []player // active manual, at most 30 days
	longEnded   []player // active manual, long, ended before 2026
	lifted      []player // manual, status 2, often long or open
	deleted     []player // manual, deleted, often long or open
	auto        []player // autopurchase, anything
}

// block is a generated memberblock record with the instants it was made from.
type block struct {
	record         map[string]any
	member         string
	started, ended time.Time // ended is zero when endedAt is null
	created        time.Time
}

var reasons = [][3]string{
	{"욕설 및 비매너 행위", "Abusive language", "暴言・迷惑行為"},
	{"불법 프로그램 사용", "Use of cheating software", "不正プログラムの使用"},
	{"결제 취소 악용", "Chargeback abuse", "決済取消の悪用"},
	{"계정 거래", "Account trading", "アカウント取引"},
	{"도배 및 광고", "Spam and advertising", "スパム・広告"},
}

var categories = []string{"eade0943-5c1f-4b8e-9d3a-f2b5e9852ce4", "3f1c2d7a-08e4-4a61-b5c2-9e7d41a0c3b8", "c7a94e21-6d3b-4f0a-8e15-2b9f6a3d7e40"}

func genBlocks(g gen, bp blockPlan) []block {
	var out []block
	add := func(p player, typ string, status int, deleted bool, started time.Time, length time.Duration, open bool) {
		out = append(out, newBlock(g, p, typ, status, deleted, started, length, open))
	}
	for i, p := range bp.violators {
		// An older lifted block first, so the long one is each player's latest.
		add(p, "manual", 2, false, g.between(date(2024, 1, 1), date(2024, 6, 1)), 7*day, false)
		started := g.between(date(2025, 2, 1), date(2025, 10, 1))
		if i < 3 {
			add(p, "manual", 1, false, started, 0, true)
		} else {
			add(p, "manual", 1, false, started, date(2031+i, 3, 1).Sub(started), false)
		}
		// Offsets mixed on purpose, within a record too: durations are
		// between instants, not between wall-clock texts.
		long := out[len(out)-1]
		if i%2 == 1 {
			long.record["startedAt"] = started.UTC().Format(time.RFC3339)
		} else {
			long.record["startedAt"] = started.In(kst).Format(time.RFC3339)
		}
		if !long.ended.IsZero() {
			long.record["endedAt"] = long.ended.UTC().Format(time.RFC3339)
		}
	}
	lengths := []time.Duration{day, 3 * day, 7 * day, 7 * day, 14 * day, 14*day + 12*time.Hour, 21 * day, 30 * day}
	for i, p := range bp.shortActive {
		length := pick(g, lengths)
		if i == 0 {
			length = 30 * day // exactly the maximum: allowed
		}
		add(p, "manual", 1, false, g.between(date(2024, 1, 1), date(2026, 10, 15)), length, false)
	}
	for _, p := range bp.longEnded {
		add(p, "manual", 1, false, g.between(date(2024, 2, 1), date(2024, 6, 1)), time.Duration(90+g.rng.IntN(120))*day, false)
	}
	for _, p := range bp.lifted {
		started := g.between(date(2024, 1, 1), date(2026, 6, 1))
		add(p, "manual", 2, false, started, time.Duration(45+g.rng.IntN(3000))*day, g.chance(0.3))
	}
	for _, p := range bp.deleted {
		started := g.between(date(2024, 1, 1), date(2026, 6, 1))
		add(p, "manual", pick(g, []int{1, 1, 2}), true, started, time.Duration(40+g.rng.IntN(2500))*day, g.chance(0.4))
	}
	for len(out) < 150 {
		p := pick(g, bp.auto)
		started := g.between(date(2024, 1, 1), date(2026, 10, 1))
		add(p, "autopurchase", pick(g, []int{1, 2}), g.chance(0.1), started, time.Duration(7+g.rng.IntN(365))*day, g.chance(0.25))
	}
	return out
}

func newBlock(g gen, p player, typ string, status int, deleted bool, started time.Time, length time.Duration, open bool) block {
	reason := pick(g, reasons)
	langs := []any{map[string]any{"lang": "ko", "value": reason[0], "default": true}}
	if g.chance(0.6) {
		langs = append(langs, map[string]any{"lang": "en", "value": reason[1], "default": false})
	}
	if g.chance(0.3) {
		langs = append(langs, map[string]any{"lang": "ja", "value": reason[2], "default": false})
	}
	created := started.Add(-time.Duration(g.rng.IntN(36*3600)) * time.Second)
	if g.chance(0.3) {
		created = g.between(started, started.Add(2*day)) // entered after the fact
	}
	b := block{member: p.id, started: started, created: created}
	rec := map[string]any{
		"id":           base64.StdEncoding.EncodeToString([]byte("MemberBlock:" + g.hex(24))),
		"member_id":    p.id,
		"deleted":      deleted,
		"type":         typ,
		"status":       status,
		"message":      nil,
		"messageMulti": langs,
		"startedAt":    g.stamp(started),
		"endedAt":      nil,
		"createdAt":    g.stamp(created),
		"updatedAt":    g.stamp(created),
		"deletedAt":    nil,
		"category_id":  pick(g, append([]string{""}, categories...)),
	}
	if !open {
		b.ended = started.Add(length)
		rec["endedAt"] = g.stamp(b.ended)
	}
	if status == 2 || deleted {
		changed := g.between(created, snapshotTime)
		rec["updatedAt"] = g.stamp(changed)
		if deleted {
			rec["deletedAt"] = g.stamp(changed)
		}
	}
	b.record = rec
	return b
}

// genUserBlocks answers the v1 block lookup for each watched player: the
// latest of their blocks, normalized from the v1 date text to RFC 3339 in
// +09:00, or nothing for a player who was never blocked.
func genUserBlocks(watch []player, blocks []block) []map[string]any {
	var out []map[string]any
	for _, p := range watch {
		var latest *block
		for i, b := range blocks {
			if b.member == p.id && (latest == nil || b.started.After(latest.started)) {
				latest = &blocks[i]
			}
		}
		if latest == nil {
			continue
		}
		rec := maps.Clone(latest.record)
		for _, k := range []string{"startedAt", "endedAt", "createdAt", "updatedAt", "deletedAt"} {
			if s, ok := rec[k].(string); ok {
				t, _ := time.Parse(time.RFC3339, s)
				rec[k] = t.In(kst).Format(time.RFC3339)
			}
		}
		out = append(out, rec)
	}
	slices.SortFunc(out, func(a, b map[string]any) int {
		return strings.Compare(a["member_id"].(string), b["member_id"].(string))
	})
	return out
}

var (
	countries = []string{"KR", "KR", "KR", "KR", "JP", "JP", "TW", "US", "TH"}
	devices   = [][3]string{ // model, os, push service
		{"iPhone16,1", "iOS 18", "APNS"}, {"iPhone14,5", "iOS 17", "APNS"}, {"SM-S921N", "Android 14", "FCM"},
		{"SM-A546N", "Android 13", "FCM"}, {"Pixel 8", "Android 15", "FCM"},
	}
	timezones = []any{nil, "Asia/Seoul", "Asia/Seoul", "Asia/Tokyo", "Asia/Taipei"}
)

const chatProject = "8be54b8b-71c2-4e0f-9a4d-84c0d5df2e9c"

// genMembers makes the chat members of the given players plus ten chat-only
// accounts. The online-while-blocked players are exactly onlineBlocked.
func genMembers(g gen, ps []player, onlineBlocked []player, blocks []block) []map[string]any {
	mustOffline := map[string]bool{}
	latestBlock := map[string]block{}
	for _, b := range blocks {
		if b.record["status"] == 1 && b.record["deleted"] == false && (b.ended.IsZero() || !b.ended.Before(date(2026, 1, 1))) {
			mustOffline[b.member] = true
		}
		if l, ok := latestBlock[b.member]; !ok || b.started.After(l.started) {
			latestBlock[b.member] = b
		}
	}
	for _, p := range onlineBlocked {
		mustOffline[p.id] = false
	}
	for range 10 {
		ps = append(ps, player{id: g.uuid(), nick: pick(g, adjectives) + pick(g, nouns), joined: g.between(date(2024, 1, 1), date(2026, 9, 1))})
	}
	var out []map[string]any
	for _, p := range ps {
		dev := pick(g, devices)
		created := g.between(p.joined, p.joined.Add(30*day))
		login := g.between(created, snapshotTime)
		m := map[string]any{
			"id":             p.id,
			"project_id":     chatProject,
			"member_id":      p.id,
			"name":           p.nick,
			"profile":        pick(g, []any{"", "", "https://cdn.example.com/avatars/" + g.hex(12) + ".png"}),
			"memo":           nil,
			"country":        pick(g, countries),
			"remoteip":       pick(g, []string{"203.0.113.", "198.51.100."}) + fmt.Sprint(1+g.rng.IntN(254)),
			"adid":           pick(g, []any{nil, g.uuid()}),
			"device":         pick(g, []any{nil, dev[0]}),
			"network":        pick(g, []any{nil, "wifi", "lte", "5g"}),
			"version":        pick(g, []any{nil, "1.4.2", "1.5.0", "1.5.1"}),
			"model":          pick(g, []any{nil, dev[0]}),
			"deleted":        false,
			"online":         g.chance(0.35),
			"customField":    pick(g, []any{"", "", `{"guild":"` + pick(g, nouns) + `s","level":` + fmt.Sprint(1+g.rng.IntN(80)) + "}"}),
			"device_type":    pick(g, []any{[]any{}, []any{strings.ToLower(strings.Fields(dev[1])[0])}}),
			"push":           pick(g, []any{nil, true, false}),
			"memberblock_id": nil,
			"notifications": map[string]any{
				"token": g.hex(64), "device": dev[2], "os": dev[1],
				"push": g.chance(0.8), "ad": g.chance(0.4), "night": g.chance(0.3), "timezone": pick(g, timezones),
			},
			"logined_at": g.stamp(login),
			"created_at": g.stamp(created),
			"updated_at": g.stamp(login),
			"deleted_at": nil,
		}
		switch {
		case g.chance(0.1): // members from before the device fields existed
			for _, k := range []string{"adid", "device", "network", "version", "model"} {
				delete(m, k)
			}
		case g.chance(0.1):
			m["notifications"] = nil
		case g.chance(0.05):
			delete(m, "notifications")
			delete(m, "customField")
		}
		if g.chance(0.05) {
			m["memo"] = "reported twice; see ticket " + g.digits(5)
		}
		if b, ok := latestBlock[p.id]; ok {
			m["memberblock_id"] = b.record["id"]
		}
		if off, ok := mustOffline[p.id]; ok {
			m["online"] = !off
		}
		if g.chance(0.08) && m["online"] == false {
			gone := g.between(login, snapshotTime)
			m["deleted"] = true
			m["deleted_at"] = g.stamp(gone)
			m["updated_at"] = g.stamp(gone)
			m["logined_at"] = nil
		}
		out = append(out, m)
	}
	return out
}

// plantAudit adds the violations the other examples look for, after every
// other record is drawn, so the quick start's records stay as they were. None
// of them is in a quick start cohort: the blocks are autopurchase, the links
// are not google or facebook, and the chat member's player was never manually
// blocked. It returns blocks with the planted ones added.
func (d *data) plantAudit(g gen, players []player, bp blockPlan, unblocked []player, blocks []block) []block {
	d.plants = map[string]string{}
	// A block that ends a day before it starts, lifted long ago.
	started := date(2025, 3, 10).Add(14 * time.Hour)
	bad := newBlock(g, bp.auto[0], "autopurchase", 2, false, started, 7*day, false)
	bad.ended = started.Add(-day)
	bad.record["endedAt"] = bad.ended.In(kst).Format(time.RFC3339)
	d.plants["invalid_window"] = bad.record["id"].(string)
	// A block whose default reason is blank.
	blank := newBlock(g, bp.auto[1], "autopurchase", 2, false, date(2025, 8, 2).Add(5*time.Hour), 14*day, false)
	blank.record["messageMulti"] = []any{
		map[string]any{"lang": "ko", "value": "  ", "default": true},
		map[string]any{"lang": "en", "value": reasons[4][1], "default": false},
	}
	d.plants["reason_required"] = blank.record["id"].(string)
	// An open block of a watched player that the v1 lookup, answered before
	// it was made, does not know: user_block is left as it was.
	lag := newBlock(g, unblocked[0], "autopurchase", 1, false, date(2026, 10, 28).Add(3*time.Hour), 0, true)
	d.plants["block_consistency"] = unblocked[0].id

	// Refunds lift the autopurchase blocks active on the review date, but for
	// the first player with two of them (gamepot.blocks.duplicate_active):
	// manual blocks become most of the active ones.
	active := func(b block) bool {
		return b.record["type"] == "autopurchase" && b.record["status"] == 1 && b.record["deleted"] == false &&
			!b.started.After(reviewDate) && (b.ended.IsZero() || b.ended.After(reviewDate))
	}
	seen, kept := map[string]bool{}, ""
	for _, b := range blocks {
		if !active(b) {
			continue
		}
		if seen[b.member] && kept == "" {
			kept = b.member
		}
		seen[b.member] = true
	}
	for _, b := range blocks {
		if active(b) && b.member != kept {
			b.record["status"] = 2
			b.record["updatedAt"] = snapshotTime.Add(-day).In(kst).Format(time.RFC3339)
		}
	}
	blocks = append(blocks, bad, blank, lag)

	// A watched player who left chat but whose links are live. Their push
	// token is gone, as erasure requires, so only the links are at fault.
	left := unblocked[1]
	for _, m := range d.members {
		if m["id"] == left.id {
			gone := date(2026, 10, 20).Add(8 * time.Hour).In(kst).Format(time.RFC3339)
			m["deleted"], m["online"], m["logined_at"] = true, false, nil
			m["deleted_at"], m["updated_at"] = gone, gone
			m["notifications"] = nil
		}
	}
	d.plants["deleted_has_live_links"] = left.id

	// Links of players who had none (players[232:] were never linked).
	var victim map[string]any
	for _, l := range d.linkings {
		if l["provider"] == "line" && l["deletedAt"] == nil {
			victim = l
			break
		}
	}
	shared := linking(g, players[232], "line", false)
	shared["username"] = victim["username"] // one LINE account, two players
	misspelt := linking(g, players[233], "apple", false)
	misspelt["provider"] = "Apple"
	twice := []map[string]any{linking(g, players[234], "apple", false), linking(g, players[234], "apple", false)}
	d.linkings = append(d.linkings, shared, misspelt, twice[0], twice[1])
	d.plants["duplicate_account"] = victim["user_id"].(string) + " " + players[232].id
	d.plants["provider_allowed"] = misspelt["id"].(string)
	d.plants["max_per_provider"] = players[234].id
	return blocks
}

// sortNewestFirst orders records the way the list endpoints answer
// sort={"<key>":"-1"}, ties broken by id.
func sortNewestFirst(records []map[string]any, key string) {
	instant := func(r map[string]any) time.Time {
		t, _ := time.Parse(time.RFC3339, r[key].(string))
		return t
	}
	slices.SortStableFunc(records, func(a, b map[string]any) int {
		return cmp.Or(instant(b).Compare(instant(a)), strings.Compare(a["id"].(string), b["id"].(string)))
	})
}

// verify evaluates the quick start's checks the way its policies do, at
// dates across 2026–2030, and fails unless exactly the planted records are
// found: the bundled data must keep telling the same story whenever the
// quick start is run.
func (d *data) verify() error {
	if n := countMissingEmails(d.linkings); n != d.count.emails {
		return fmt.Errorf("%d live google linkings without email, want %d", n, d.count.emails)
	}
	if len(d.userBlocks) != 15 || len(d.watchlist) != 25 {
		return fmt.Errorf("%d user_block records for %d players, want 15 for 25", len(d.userBlocks), len(d.watchlist))
	}
	if err := d.verifyPlants(); err != nil {
		return err
	}
	for _, now := range []time.Time{
		date(2026, 1, 1), snapshotTime, date(2026, 11, 22), date(2027, 7, 15), date(2028, 2, 29),
		date(2029, 12, 31), time.Date(2030, 12, 31, 23, 59, 59, 0, time.UTC),
	} {
		var active []map[string]any // the active_manual_blocks cohort
		for _, b := range d.blocks {
			if b["type"] == "manual" && b["status"] == 1 && b["deleted"] == false && !parse(b["startedAt"]).After(now) {
				active = append(active, b)
			}
		}
		if n := countLongBlocks(active, now); n != d.count.longBlocks {
			return fmt.Errorf("at %s: %d active manual blocks over 30 days, want %d", now.Format(time.DateOnly), n, d.count.longBlocks)
		}
		if n := countLongBlocks(d.userBlocks, now); n != d.count.watchlistLong {
			return fmt.Errorf("at %s: %d watch-list blocks over 30 days, want %d", now.Format(time.DateOnly), n, d.count.watchlistLong)
		}
		if n := countOnlineBlocked(d.members, active, now); n != d.count.onlineBlocked {
			return fmt.Errorf("at %s: %d players online while blocked, want %d", now.Format(time.DateOnly), n, d.count.onlineBlocked)
		}
	}
	return nil
}

// verifyPlants checks that each rule planted for the other examples is
// broken exactly once, so a decoy drawn by chance cannot blur the story.
func (d *data) verifyPlants() error {
	counts := map[string]int{}
	for _, b := range d.blocks {
		if b["endedAt"] != nil && !parse(b["endedAt"]).After(parse(b["startedAt"])) {
			counts["invalid_window"]++
		}
		reasoned := false
		for _, e := range b["messageMulti"].([]any) {
			e := e.(map[string]any)
			v, _ := e["value"].(string)
			reasoned = reasoned || (e["default"] == true && strings.TrimSpace(v) != "")
		}
		if !reasoned {
			counts["reason_required"]++
		}
	}
	perProvider, owners := map[string]int{}, map[string]map[string]bool{}
	allowed := []string{"apple", "facebook", "google", "guest", "line", "naver", "steam", "twitter"}
	for _, l := range d.linkings {
		if l["deletedAt"] != nil {
			continue
		}
		provider, user := l["provider"].(string), l["user_id"].(string)
		if !slices.Contains(allowed, provider) {
			counts["provider_allowed"]++
		}
		if perProvider[user+" "+provider]++; perProvider[user+" "+provider] == 2 {
			counts["max_per_provider"]++
		}
		account := provider + " " + l["username"].(string)
		if owners[account] == nil {
			owners[account] = map[string]bool{}
		}
		if owners[account][user] = true; len(owners[account]) == 2 {
			counts["duplicate_account"]++
		}
	}
	active, manual := 0, 0
	for _, b := range d.blocks {
		if b["status"] == 1 && b["deleted"] == false && !parse(b["startedAt"]).After(reviewDate) &&
			(b["endedAt"] == nil || parse(b["endedAt"]).After(reviewDate)) {
			active++
			if b["type"] == "manual" {
				manual++
			}
		}
	}
	if 2*manual <= active {
		return fmt.Errorf("%d of %d blocks active on %s are manual, want more than half", manual, active, reviewDate.Format(time.DateOnly))
	}
	for _, rule := range []string{"invalid_window", "reason_required", "provider_allowed", "max_per_provider", "duplicate_account"} {
		if counts[rule] != 1 {
			return fmt.Errorf("%d planted %s violations, want 1", counts[rule], rule)
		}
	}
	return nil
}

func parse(v any) time.Time {
	s, _ := v.(string)
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(fmt.Sprintf("generated timestamp %q: %v", s, err))
	}
	return t
}

func countMissingEmails(linkings []map[string]any) int {
	n := 0
	for _, l := range linkings {
		email, _ := l["email"].(string)
		if l["provider"] == "google" && l["deletedAt"] == nil && strings.TrimSpace(email) == "" {
			n++
		}
	}
	return n
}

// countLongBlocks follows gamepot.blocks.max_duration with max_days 30, type manual.
func countLongBlocks(blocks []map[string]any, now time.Time) int {
	n := 0
	for _, b := range blocks {
		if b["type"] != "manual" || b["status"] != 1 || b["deleted"] != false {
			continue
		}
		if b["endedAt"] == nil {
			n++
			continue
		}
		ended := parse(b["endedAt"])
		if ended.After(now) && ended.Sub(parse(b["startedAt"])) > 30*day {
			n++
		}
	}
	return n
}

// countOnlineBlocked follows quickstart.chat.blocked_online over the chat
// members of the active_manual_blocks cohort's players.
func countOnlineBlocked(members, active []map[string]any, now time.Time) int {
	blocked := map[string]bool{}
	for _, b := range active {
		if b["endedAt"] == nil || parse(b["endedAt"]).After(now) {
			blocked[b["member_id"].(string)] = true
		}
	}
	n := 0
	for _, m := range members {
		if m["online"] == true && blocked[m["id"].(string)] {
			n++
		}
	}
	return n
}
