package fakedata

import (
	"slices"
	"strings"
	"time"
)

// Sizes are how many records of each list dataset a Set holds.
type Sizes struct {
	Linkings int
	// Blocks are memberblock records, of Blocks - Blocks/50 players: one in
	// fifty of them has a second, older block too. Each blocked player has
	// one user_block answer.
	Blocks  int
	Members int // chat members
}

// Scale gives the benchmark set's proportions for n linkings: a tenth as
// many blocks and chat members. Scale(1_000_000) is the 1M set of
// scripts/bench.sh: 1,000,000 linkings, 100,000 blocks, 98,000 user_block
// answers and 100,000 chat members.
func Scale(n int) Sizes { return Sizes{Linkings: n, Blocks: n / 10, Members: n / 10} }

// Set is a whole game's data, as a snapshot of every dataset holds it. All
// four datasets name players from one pool, so cohorts can be joined.
type Set struct {
	Linkings, Blocks, UserBlocks, Members []map[string]any
	// Users are the players looked up in user_block: every blocked player,
	// sorted. Each has an answer in UserBlocks.
	Users []string
}

// Rates of the faults Generate plants, per record that could have them.
// They are low, as in a well-run game, yet at 100,000 records every
// built-in policy finds some.
const (
	badProvider      = 0.0003 // a linking's provider is "Apple", "Google " or "kakao"
	noEmail          = 0.01   // a live google linking has no usable email
	sharedAccount    = 0.0005 // a linking reuses another player's provider account
	twoOfAProvider   = 0.003  // a player's second linking is of the first one's provider
	stillOn          = 0.03   // a block that ended before the snapshot is still status 1
	badWindow        = 0.0005 // a block ends a day before it starts
	blankReason      = 0.001  // a block's default reason is blank
	noCategory       = 0.05   // of the blocks NewBlock gives no category, those left so
	twoActive        = 0.25   // a player's second block is still on beside the first
	v1Lags           = 0.002  // the v1 answer has the other status
	onlineWhileOn    = 0.03   // a blocked chat member is online or logged in since
	deletedLinksLeft = 0.05   // a deleted chat member's linkings stay live
	tokenLeft        = 0.05   // a deleted chat member keeps the push token
)

// providers weights the linking providers as a mobile game sees them.
var providers = []string{"google", "google", "google", "google", "google", "google", "google",
	"apple", "apple", "apple", "apple", "guest", "guest", "guest", "line", "line", "facebook", "facebook", "naver", "twitter"}

// Generate makes a Set of the given sizes from seed; the same seed and sizes
// always give the same records. Timestamps are whole seconds drawn over
// years, so nearly all of them are distinct, as in real data, and none is
// later than Taken. A few records of each kind break a built-in policy, at
// the rates above.
func Generate(seed uint64, s Sizes) *Set {
	g := NewRand(seed, 0x9e3779b97f4a7c15)
	blockedN := s.Blocks - s.Blocks/50
	overlap := min(blockedN, s.Members/5) // chat members who are blocked players
	pool := make([]Player, max((s.Linkings*3+3)/4, blockedN+s.Members-overlap, 1))
	for i := range pool {
		pool[i] = g.Player()
	}
	// Roles by position in a shuffled order: the blocked players first, the
	// chat members from the last fifth of them on.
	order := g.Perm(len(pool))
	role := func(from, to int) []Player {
		ps := make([]Player, to-from)
		for i, j := range order[from:to] {
			ps[i] = pool[j]
		}
		return ps
	}
	blocked := role(0, blockedN)
	chatters := role(blockedN-overlap, blockedN-overlap+s.Members)

	set := &Set{Linkings: linkings(g, pool, s.Linkings)}
	blocks := blocksOf(g, blocked, s.Blocks-blockedN)
	set.UserBlocks, set.Users = userBlocks(g, blocks)
	set.Members = members(g, chatters, blocks, set.Linkings)
	set.Blocks = make([]map[string]any, len(blocks))
	for i, b := range blocks {
		set.Blocks[i] = b.Record
	}
	SortNewestFirst(set.Linkings, "createdAt")
	SortNewestFirst(set.Blocks, "createdAt")
	SortNewestFirst(set.Members, "created_at")
	return set
}

// linkings gives each player of the pool in turn a linking, and every third
// one a second of another provider, until there are n.
func linkings(g Rand, pool []Player, n int) []map[string]any {
	out := make([]map[string]any, 0, n)
	last := map[string]map[string]any{} // the latest live linking of each provider
	add := func(p Player, provider string) {
		if g.Chance(badProvider) {
			provider = Pick(g, []string{"Apple", "Google ", "kakao"})
		}
		l := Linking(g, p, provider, g.Chance(0.08))
		live := l["deletedAt"] == nil
		if provider == "google" && live && g.Chance(noEmail) {
			SetEmail(l, Pick(g, []any{"missing", nil, "", "   "}))
		}
		if other, ok := last[provider]; ok && live && g.Chance(sharedAccount) {
			l["username"] = other["username"]
		}
		if live {
			last[provider] = l
		}
		out = append(out, l)
	}
	for i := 0; len(out) < n; i++ {
		p := pool[i%len(pool)]
		primary := Pick(g, providers)
		add(p, primary)
		if i%3 == 0 && len(out) < n {
			second := primary
			for second == primary && !g.Chance(twoOfAProvider) {
				second = Pick(g, providers)
			}
			add(p, second)
		}
	}
	return out
}

// lengths are how long most blocks last.
var lengths = []time.Duration{Day, 3 * Day, 7 * Day, 7 * Day, 14 * Day, 30 * Day}

// blocksOf gives each blocked player a block, and the first extra of them
// an older second one.
func blocksOf(g Rand, blocked []Player, extra int) []Block {
	out := make([]Block, 0, len(blocked)+extra)
	for i, p := range blocked {
		if i < extra {
			// An older block, lifted long ago or, for some, still on.
			started := g.Between(Date(2024, 1, 1), Date(2025, 6, 1))
			if g.Chance(twoActive) {
				out = append(out, NewBlock(g, p, "manual", 1, false, started, 0, true))
			} else {
				out = append(out, NewBlock(g, p, "manual", 2, false, started, Pick(g, lengths), false))
			}
		}
		out = append(out, block(g, p))
	}
	return out
}

// block draws one block: mostly manual and a few weeks long, some long or
// open; lifted once it has ended, and for a few before.
func block(g Rand, p Player) Block {
	typ := "manual"
	if g.Chance(0.25) {
		typ = "autopurchase"
	}
	started := g.Between(Date(2024, 1, 1), Taken.Add(-3*Day)) // entered by Taken
	length, open := Pick(g, lengths), false
	switch {
	case g.Chance(0.05):
		open = true
	case g.Chance(0.1):
		length = time.Duration(45+g.IntN(360)) * Day
	}
	status := 1
	if ended := started.Add(length); !open && ended.Before(Taken) {
		if !g.Chance(stillOn) {
			status = 2
		}
	} else if g.Chance(0.1) {
		status = 2 // lifted early
	}
	b := NewBlock(g, p, typ, status, g.Chance(0.02), started, length, open)
	if b.Record["category_id"] == "" && !g.Chance(noCategory) {
		b.Record["category_id"] = Pick(g, categories)
	}
	if !open && g.Chance(badWindow) {
		b.Ended = started.Add(-Day)
		b.Record["endedAt"] = g.Stamp(b.Ended)
	}
	if g.Chance(blankReason) {
		b.Record["messageMulti"] = []any{map[string]any{"lang": "ko", "value": Pick(g, []any{"", "  ", nil}), "default": true}}
	}
	return b
}

// userBlocks answers the v1 lookup of every blocked player with their latest
// block, as a snapshot holds it; for a few the v1 side lags and shows the
// other status. It returns the answers by member_id and the players looked up.
func userBlocks(g Rand, blocks []Block) (answers []map[string]any, users []string) {
	latest := map[string]Block{}
	for _, b := range blocks {
		if l, ok := latest[b.Member]; !ok || b.Started.After(l.Started) {
			latest[b.Member] = b
		}
	}
	users = make([]string, 0, len(latest))
	for id := range latest {
		users = append(users, id)
	}
	slices.Sort(users)
	answers = make([]map[string]any, len(users))
	for i, id := range users {
		rec := UserBlock(latest[id].Record)
		if g.Chance(v1Lags) {
			rec["status"] = 3 - rec["status"].(int)
		}
		answers[i] = rec
	}
	return answers, users
}

// members makes the chat members of chatters. A member with a block on is
// offline and last logged in before it started, but for a few; some offline
// members have left chat, their push token and linkings removed, but for a
// few. linkings are the set's, whose deletedAt is set for those who left.
func members(g Rand, chatters []Player, blocks []Block, linkings []map[string]any) []map[string]any {
	latest := map[string]Block{}
	onSince := map[string]time.Time{} // the start of the earliest block on at ReviewDate
	for _, b := range blocks {
		if l, ok := latest[b.Member]; !ok || b.Started.After(l.Started) {
			latest[b.Member] = b
		}
		on := b.Record["status"] == 1 && b.Record["deleted"] == false && (b.Ended.IsZero() || b.Ended.After(ReviewDate))
		if s, ok := onSince[b.Member]; on && (!ok || b.Started.Before(s)) {
			onSince[b.Member] = b.Started
		}
	}
	linksOf := map[string][]map[string]any{}
	for _, p := range chatters {
		linksOf[p.ID] = nil
	}
	for _, l := range linkings {
		id := l["user_id"].(string)
		if links, ok := linksOf[id]; ok {
			linksOf[id] = append(links, l)
		}
	}
	out := make([]map[string]any, len(chatters))
	for i, p := range chatters {
		m, login := Member(g, p)
		if b, ok := latest[p.ID]; ok {
			m["memberblock_id"] = b.Record["id"]
		}
		if since, ok := onSince[p.ID]; ok && !g.Chance(onlineWhileOn) {
			login = g.Between(since.Add(-30*Day), since)
			m["online"] = false
			m["logined_at"], m["updated_at"] = g.Stamp(login), g.Stamp(login)
			if created := parse(m["created_at"]); created.After(login) {
				m["created_at"] = g.Stamp(login.Add(-time.Duration(1+g.IntN(72)) * time.Hour))
			}
		}
		if m["online"] == false && g.Chance(0.05) {
			leave(g, m, login, linksOf[p.ID])
		}
		out[i] = m
	}
	return out
}

// leave makes m a member who left chat after login, erasing the push token
// and deleting the player's live linkings, but for a few.
func leave(g Rand, m map[string]any, login time.Time, links []map[string]any) {
	gone := g.Between(login, Taken)
	m["deleted"], m["logined_at"] = true, nil
	m["deleted_at"], m["updated_at"] = g.Stamp(gone), g.Stamp(gone)
	if n, ok := m["notifications"].(map[string]any); ok && !g.Chance(tokenLeft) {
		n["token"] = Pick(g, []any{"", nil})
	}
	if g.Chance(deletedLinksLeft) {
		return
	}
	for _, l := range links {
		if l["deletedAt"] != nil {
			continue
		}
		at := gone
		if created := parse(l["createdAt"]); created.After(at) {
			at = created
		}
		l["deletedAt"], l["updatedAt"] = g.Stamp(at), g.Stamp(at)
	}
}

func parse(v any) time.Time {
	t, err := time.Parse(time.RFC3339, v.(string))
	if err != nil {
		panic("fakedata: a generated timestamp does not parse: " + strings.TrimSpace(err.Error()))
	}
	return t
}
