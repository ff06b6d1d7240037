// Command gen writes the quick start's bundled snapshot: realistic, varied
// GAMEPOT and Ncloud Chat records, the same bytes on every run.
//
//	go run ./testdata/gen -out examples/quickstart/snapshot [-watchlist examples/quickstart/watchlist.txt]
//
// With -linkings N it writes the benchmark set instead (see
// fakedata.Generate and scripts/bench.sh): N linkings, N/10 blocks and N/10
// chat members unless -blocks and -members say otherwise, the user_block
// answers of every blocked player, and realistic rates of faults for every
// built-in policy; the same -seed gives the same bytes.
//
//	go run ./testdata/gen -linkings 1000000 -out /tmp/gpaudit-bench/1m
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
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gpaudit/gpaudit/internal/fakedata"
	"github.com/gpaudit/gpaudit/snapshot"
)

// The shared builders' clock, under the names this generator's plan uses.
var (
	kst = fakedata.KST
	// snapshotTime is when the snapshot claims to be taken; no record is newer.
	snapshotTime = fakedata.Taken
	day          = fakedata.Day
	// reviewDate is the --as-of of the examples' recorded runs.
	reviewDate = fakedata.ReviewDate
	date       = fakedata.Date
)

// gen, player and block are the shared builders' random source, player and block.
type (
	gen    = fakedata.Rand
	player = fakedata.Player
	block  = fakedata.Block
)

func main() {
	out := flag.String("out", "examples/quickstart/snapshot", "snapshot folder to write (replaced if it holds a snapshot)")
	watchlist := flag.String("watchlist", "", "also write the looked-up player ids to this file, one a line")
	linkings := flag.Int("linkings", 0, "write the benchmark set with this many linkings instead of the quick start's data (needs -out)")
	blocks := flag.Int("blocks", -1, "with -linkings: memberblock records (default: a tenth of the linkings)")
	members := flag.Int("members", -1, "with -linkings: chat members (default: a tenth of the linkings)")
	seed := flag.Uint64("seed", 1, "with -linkings: the random seed")
	flag.Parse()
	var err error
	if *linkings > 0 {
		sizes := fakedata.Scale(*linkings)
		if *blocks >= 0 {
			sizes.Blocks = *blocks
		}
		if *members >= 0 {
			sizes.Members = *members
		}
		explicit := false
		flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "out" })
		if !explicit {
			err = errors.New("-linkings needs -out: the default folder is the quick start's")
		} else {
			err = runBench(*out, sizes, *seed)
		}
	} else {
		err = run(*out, *watchlist)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(out, watchlist string) error {
	d := generate(fakedata.NewRand(20261101, 3))
	if err := d.verify(); err != nil {
		return fmt.Errorf("generated data breaks its own plan: %w", err)
	}
	if err := write(out, d.linkings, d.blocks, d.userBlocks, d.members, d.watchlist); err != nil {
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

// runBench writes the benchmark set of scripts/bench.sh and the engine's
// benchmarks (fakedata.Generate) as a snapshot: every dataset fetched whole,
// and user_block looked up for every blocked player.
func runBench(out string, sizes fakedata.Sizes, seed uint64) error {
	set := fakedata.Generate(seed, sizes)
	if err := write(out, set.Linkings, set.Blocks, set.UserBlocks, set.Members, set.Users); err != nil {
		return err
	}
	fmt.Printf("wrote %s (seed %d; evaluate with --as-of %s)\n", out, seed, fakedata.ReviewDate.Format(time.RFC3339))
	fmt.Printf("  linkings      %7d records\n", len(set.Linkings))
	fmt.Printf("  memberblock   %7d records\n", len(set.Blocks))
	fmt.Printf("  user_block    %7d records, %d players looked up\n", len(set.UserBlocks), len(set.Users))
	fmt.Printf("  chat_members  %7d records\n", len(set.Members))
	return nil
}

// write writes the four datasets as a snapshot at out, replacing the
// snapshot there if there is one. The list datasets are fetched whole;
// user_block holds the answers for users.
func write(out string, linkings, blocks, userBlocks, members []map[string]any, users []string) error {
	if _, err := os.Stat(filepath.Join(out, snapshot.ManifestName)); err == nil {
		if err := os.RemoveAll(out); err != nil {
			return err
		}
	}
	opts := snapshot.WriteOptions{CreatedAt: snapshotTime, ToolVersion: "0.1.0"}
	files := []snapshot.File{
		{Source: "gamepot.main", Dataset: "linkings", Filters: []map[string]any{{}}, Records: linkings},
		{Source: "gamepot.main", Dataset: "memberblock", Filters: []map[string]any{{}}, Records: blocks},
		{Source: "gamepot.main", Dataset: "user_block", Users: users, Records: userBlocks},
		{Source: "ncloud_chat.main", Dataset: "chat_members", Filters: []map[string]any{{}}, Records: members},
	}
	return snapshot.Write(out, opts, files)
}

// data is everything generated, as plain JSON values.
type data struct {
	linkings, blocks, userBlocks, members []map[string]any
	watchlist                             []string
	count                                 struct{ emails, longBlocks, watchlistLong, onlineBlocked int }
	// plants names the records planted for the other examples' checks.
	plants map[string]string
}

func generate(g gen) *data {
	players := make([]player, 240)
	for i := range players {
		players[i] = g.Player()
	}
	// Roles by position in a shuffled order: blocked players first.
	order := g.Perm(len(players))
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
		if linked[p.ID] && len(unblocked) < 10 {
			unblocked = append(unblocked, p)
		}
	}
	watch := slices.Concat(bp.violators[:3], bp.shortActive[:6], bp.longEnded[:1], bp.lifted[:3], bp.deleted[:2], unblocked)
	d.userBlocks = genUserBlocks(watch, blocks)
	d.count.watchlistLong = 3
	for _, p := range watch {
		d.watchlist = append(d.watchlist, p.ID)
	}
	slices.Sort(d.watchlist)

	chatPlayers := slices.Concat(bp.violators, bp.shortActive[:14], bp.longEnded, bp.lifted[:10], bp.deleted[:6], bp.auto[:3], role(100, 170))
	d.members = genMembers(g, chatPlayers, bp.violators[:4], blocks)
	d.count.onlineBlocked = 4

	blocks = d.plantAudit(g, players, bp, unblocked, blocks)

	for _, b := range blocks {
		d.blocks = append(d.blocks, b.Record)
	}
	fakedata.SortNewestFirst(d.linkings, "createdAt")
	fakedata.SortNewestFirst(d.blocks, "createdAt")
	fakedata.SortNewestFirst(d.members, "created_at")
	return d
}

// genLinkings gives most players one linking and some a second, then plants
// the missing emails. emails counts the planted violations.
func genLinkings(g gen, players []player, emails *int) []map[string]any {
	weighted := []string{"google", "google", "google", "google", "google", "google", "google",
		"apple", "apple", "apple", "apple", "guest", "guest", "guest", "line", "line", "facebook", "facebook", "naver", "twitter"}
	var out []map[string]any
	for i, p := range players[:230] {
		primary := fakedata.Pick(g, weighted)
		out = append(out, fakedata.Linking(g, p, primary, g.Chance(0.08)))
		if i%3 == 0 {
			second := fakedata.Pick(g, weighted)
			for second == primary {
				second = fakedata.Pick(g, weighted)
			}
			out = append(out, fakedata.Linking(g, p, second, g.Chance(0.08)))
		}
	}
	// Violations: the first five live google linkings lose their email.
	bad := []any{"missing", nil, "", "   ", nil}
	for _, l := range out {
		if len(bad) == 0 {
			break
		}
		if l["provider"] == "google" && l["deletedAt"] == nil {
			fakedata.SetEmail(l, bad[0])
			bad = bad[1:]
			*emails++
		}
	}
	// Decoys: deleted google linkings without an email.
	for i, p := range players[230:232] {
		l := fakedata.Linking(g, p, "google", true)
		fakedata.SetEmail(l, []any{"missing", ""}[i])
		out = append(out, l)
	}
	return out
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

func genBlocks(g gen, bp blockPlan) []block {
	var out []block
	add := func(p player, typ string, status int, deleted bool, started time.Time, length time.Duration, open bool) {
		out = append(out, fakedata.NewBlock(g, p, typ, status, deleted, started, length, open))
	}
	for i, p := range bp.violators {
		// An older lifted block first, so the long one is each player's latest.
		add(p, "manual", 2, false, g.Between(date(2024, 1, 1), date(2024, 6, 1)), 7*day, false)
		started := g.Between(date(2025, 2, 1), date(2025, 10, 1))
		if i < 3 {
			add(p, "manual", 1, false, started, 0, true)
		} else {
			add(p, "manual", 1, false, started, date(2031+i, 3, 1).Sub(started), false)
		}
		// Offsets mixed on purpose, within a record too: durations are
		// between instants, not between wall-clock texts.
		long := out[len(out)-1]
		if i%2 == 1 {
			long.Record["startedAt"] = started.UTC().Format(time.RFC3339)
		} else {
			long.Record["startedAt"] = started.In(kst).Format(time.RFC3339)
		}
		if !long.Ended.IsZero() {
			long.Record["endedAt"] = long.Ended.UTC().Format(time.RFC3339)
		}
	}
	lengths := []time.Duration{day, 3 * day, 7 * day, 7 * day, 14 * day, 14*day + 12*time.Hour, 21 * day, 30 * day}
	for i, p := range bp.shortActive {
		length := fakedata.Pick(g, lengths)
		if i == 0 {
			length = 30 * day // exactly the maximum: allowed
		}
		add(p, "manual", 1, false, g.Between(date(2024, 1, 1), date(2026, 10, 15)), length, false)
	}
	for _, p := range bp.longEnded {
		add(p, "manual", 1, false, g.Between(date(2024, 2, 1), date(2024, 6, 1)), time.Duration(90+g.IntN(120))*day, false)
	}
	for _, p := range bp.lifted {
		started := g.Between(date(2024, 1, 1), date(2026, 6, 1))
		add(p, "manual", 2, false, started, time.Duration(45+g.IntN(3000))*day, g.Chance(0.3))
	}
	for _, p := range bp.deleted {
		started := g.Between(date(2024, 1, 1), date(2026, 6, 1))
		add(p, "manual", fakedata.Pick(g, []int{1, 1, 2}), true, started, time.Duration(40+g.IntN(2500))*day, g.Chance(0.4))
	}
	for len(out) < 150 {
		p := fakedata.Pick(g, bp.auto)
		started := g.Between(date(2024, 1, 1), date(2026, 10, 1))
		add(p, "autopurchase", fakedata.Pick(g, []int{1, 2}), g.Chance(0.1), started, time.Duration(7+g.IntN(365))*day, g.Chance(0.25))
	}
	return out
}

// genUserBlocks answers the v1 block lookup for each watched player: the
// latest of their blocks, normalized from the v1 date text to RFC 3339 in
// +09:00, or nothing for a player who was never blocked.
func genUserBlocks(watch []player, blocks []block) []map[string]any {
	var out []map[string]any
	for _, p := range watch {
		var latest *block
		for i, b := range blocks {
			if b.Member == p.ID && (latest == nil || b.Started.After(latest.Started)) {
				latest = &blocks[i]
			}
		}
		if latest == nil {
			continue
		}
		out = append(out, fakedata.UserBlock(latest.Record))
	}
	slices.SortFunc(out, func(a, b map[string]any) int {
		return strings.Compare(a["member_id"].(string), b["member_id"].(string))
	})
	return out
}

// genMembers makes the chat members of the given players plus ten chat-only
// accounts. The online-while-blocked players are exactly onlineBlocked.
func genMembers(g gen, ps []player, onlineBlocked []player, blocks []block) []map[string]any {
	mustOffline := map[string]bool{}
	latestBlock := map[string]block{}
	for _, b := range blocks {
		if b.Record["status"] == 1 && b.Record["deleted"] == false && (b.Ended.IsZero() || !b.Ended.Before(date(2026, 1, 1))) {
			mustOffline[b.Member] = true
		}
		if l, ok := latestBlock[b.Member]; !ok || b.Started.After(l.Started) {
			latestBlock[b.Member] = b
		}
	}
	for _, p := range onlineBlocked {
		mustOffline[p.ID] = false
	}
	for range 10 {
		ps = append(ps, player{ID: g.UUID(), Nick: fakedata.Pick(g, fakedata.Adjectives) + fakedata.Pick(g, fakedata.Nouns), Joined: g.Between(date(2024, 1, 1), date(2026, 9, 1))})
	}
	var out []map[string]any
	for _, p := range ps {
		m, login := fakedata.Member(g, p)
		if b, ok := latestBlock[p.ID]; ok {
			m["memberblock_id"] = b.Record["id"]
		}
		if off, ok := mustOffline[p.ID]; ok {
			m["online"] = !off
		}
		if g.Chance(0.08) && m["online"] == false {
			gone := g.Between(login, snapshotTime)
			m["deleted"] = true
			m["deleted_at"] = g.Stamp(gone)
			m["updated_at"] = g.Stamp(gone)
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
	bad := fakedata.NewBlock(g, bp.auto[0], "autopurchase", 2, false, started, 7*day, false)
	bad.Ended = started.Add(-day)
	bad.Record["endedAt"] = bad.Ended.In(kst).Format(time.RFC3339)
	d.plants["invalid_window"] = bad.Record["id"].(string)
	// A block whose default reason is blank.
	blank := fakedata.NewBlock(g, bp.auto[1], "autopurchase", 2, false, date(2025, 8, 2).Add(5*time.Hour), 14*day, false)
	blank.Record["messageMulti"] = []any{
		map[string]any{"lang": "ko", "value": "  ", "default": true},
		map[string]any{"lang": "en", "value": fakedata.Reasons[4][1], "default": false},
	}
	d.plants["reason_required"] = blank.Record["id"].(string)
	// An open block of a watched player that the v1 lookup, answered before
	// it was made, does not know: user_block is left as it was.
	lag := fakedata.NewBlock(g, unblocked[0], "autopurchase", 1, false, date(2026, 10, 28).Add(3*time.Hour), 0, true)
	d.plants["block_consistency"] = unblocked[0].ID

	// Refunds lift the autopurchase blocks active on the review date, but for
	// the first player with two of them (gamepot.blocks.duplicate_active):
	// manual blocks become most of the active ones.
	active := func(b block) bool {
		return b.Record["type"] == "autopurchase" && b.Record["status"] == 1 && b.Record["deleted"] == false &&
			!b.Started.After(reviewDate) && (b.Ended.IsZero() || b.Ended.After(reviewDate))
	}
	seen, kept := map[string]bool{}, ""
	for _, b := range blocks {
		if !active(b) {
			continue
		}
		if seen[b.Member] && kept == "" {
			kept = b.Member
		}
		seen[b.Member] = true
	}
	for _, b := range blocks {
		if active(b) && b.Member != kept {
			b.Record["status"] = 2
			b.Record["updatedAt"] = snapshotTime.Add(-day).In(kst).Format(time.RFC3339)
		}
	}
	blocks = append(blocks, bad, blank, lag)

	// A watched player who left chat but whose links are live. Their push
	// token is gone, as erasure requires, so only the links are at fault.
	left := unblocked[1]
	for _, m := range d.members {
		if m["id"] == left.ID {
			gone := date(2026, 10, 20).Add(8 * time.Hour).In(kst).Format(time.RFC3339)
			m["deleted"], m["online"], m["logined_at"] = true, false, nil
			m["deleted_at"], m["updated_at"] = gone, gone
			m["notifications"] = nil
		}
	}
	d.plants["deleted_has_live_links"] = left.ID

	// Links of players who had none (players[232:] were never linked).
	var victim map[string]any
	for _, l := range d.linkings {
		if l["provider"] == "line" && l["deletedAt"] == nil {
			victim = l
			break
		}
	}
	shared := fakedata.Linking(g, players[232], "line", false)
	shared["username"] = victim["username"] // one LINE account, two players
	misspelt := fakedata.Linking(g, players[233], "apple", false)
	misspelt["provider"] = "Apple"
	twice := []map[string]any{fakedata.Linking(g, players[234], "apple", false), fakedata.Linking(g, players[234], "apple", false)}
	d.linkings = append(d.linkings, shared, misspelt, twice[0], twice[1])
	d.plants["duplicate_account"] = victim["user_id"].(string) + " " + players[232].ID
	d.plants["provider_allowed"] = misspelt["id"].(string)
	d.plants["max_per_provider"] = players[234].ID
	return blocks
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
