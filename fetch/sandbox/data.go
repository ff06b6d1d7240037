package sandbox

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gpaudit/gpaudit/dataset"
	"github.com/gpaudit/gpaudit/snapshot"
)

// source is one snapshot source: a project of the fake API.
type source struct {
	id     string // e.g. "gamepot.main": also its project id
	kind   string // "gamepot" or "ncloud_chat"
	tables map[string]*table
}

func newSource(id string) *source {
	kind, _, _ := strings.Cut(id, ".")
	return &source{id: id, kind: kind, tables: map[string]*table{}}
}

// table is the records of one dataset of one source, in file order. Records
// are shared with the snapshot and never modified.
type table struct {
	source  string
	info    dataset.Info
	records []map[string]any

	// snap judges what the records cover (see coverage.go); filters are
	// what it fetched, for the answers that say what it lacks.
	snap    *snapshot.Snapshot
	filters []map[string]any

	// encoded[i] is records[i] as compact JSON, made on first use: a page is
	// then a concatenation instead of 100 encodings.
	encoded []atomic.Pointer[[]byte]

	mu sync.Mutex
	// indexes map a field to the positions, in file order, of the records
	// holding each string value there. Built on first use, they turn the
	// common filters ({"user_id":…}, {"provider":…}) and the per-player
	// lookups into map reads.
	indexes map[string]map[string][]int32
}

func newTable(snap *snapshot.Snapshot, f snapshot.ManifestFile, records []map[string]any) *table {
	info, _ := dataset.Lookup(f.Dataset) // the snapshot reader already checked the name
	return &table{
		source:  f.Source,
		info:    info,
		records: records,
		snap:    snap,
		filters: f.Filters,
		encoded: make([]atomic.Pointer[[]byte], len(records)),
		indexes: map[string]map[string][]int32{},
	}
}

// lookup returns the positions of the records whose field holds the string value.
func (t *table) lookup(field, value string) []int32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	idx, ok := t.indexes[field]
	if !ok {
		idx = map[string][]int32{}
		for i, r := range t.records {
			if v, ok := r[field].(string); ok {
				idx[v] = append(idx[v], int32(i))
			}
		}
		t.indexes[field] = idx
	}
	return idx[value]
}

// encode returns record i as compact JSON.
func (t *table) encode(i int32) []byte {
	if b := t.encoded[i].Load(); b != nil {
		return *b
	}
	b := marshal(t.records[i])
	t.encoded[i].Store(&b) // two racing encodings store equal bytes
	return b
}

// marshal encodes a plain JSON value compactly, without escaping <, > and &
// (block messages hold them), as the snapshot writer does.
func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Records come from a checked snapshot: every value is plain JSON.
		panic("sandbox: encode a snapshot record: " + err.Error())
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// filterRows returns the positions of the records matching filter, in file
// order. A string value in the filter narrows the scan to that value's
// index entry; snapshot.MatchFilter still decides every record.
func (t *table) filterRows(filter map[string]any) []int32 {
	candidates := t.candidates(filter)
	var rows []int32
	if candidates == nil {
		rows = make([]int32, 0, len(t.records))
		for i, r := range t.records {
			if snapshot.MatchFilter(r, filter) {
				rows = append(rows, int32(i))
			}
		}
		return rows
	}
	rows = make([]int32, 0, len(candidates))
	for _, i := range candidates {
		if snapshot.MatchFilter(t.records[i], filter) {
			rows = append(rows, i)
		}
	}
	return rows
}

// candidates returns the index entry of the first string-valued filter key
// (in key order, so the choice does not depend on map iteration), or nil
// when every record must be scanned.
func (t *table) candidates(filter map[string]any) []int32 {
	keys := make([]string, 0, len(filter))
	for k, v := range filter {
		if _, ok := v.(string); ok {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	slices.Sort(keys)
	if rows := t.lookup(keys[0], filter[keys[0]].(string)); rows != nil {
		return rows
	}
	return []int32{} // no record holds that value: nothing can match
}

// activeStatus matches a block whose status is 1 (active), however the
// number is written.
var activeStatus = map[string]any{"status": json.Number("1")}

// activeBlock picks the user_block record the v1 endpoint answers for a
// player: the active one (status 1, not deleted), else the latest by
// createdAt; among equals, the later in the file. It returns nil when the
// player has no record.
func (t *table) activeBlock(userID string) map[string]any {
	var best map[string]any
	bestActive := false
	var bestCreated time.Time
	for _, i := range t.lookup(t.info.SubjectKey, userID) {
		r := t.records[i]
		active := snapshot.MatchFilter(r, activeStatus) && r["deleted"] != true
		created := parseTimestamp(r["createdAt"])
		switch {
		case best == nil,
			active && !bestActive,
			active == bestActive && !created.Before(bestCreated):
			best, bestActive, bestCreated = r, active, created
		}
	}
	return best
}

// parseTimestamp reads an RFC 3339 string; anything else is the zero time.
func parseTimestamp(v any) time.Time {
	s, ok := v.(string)
	if !ok {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// otherPlayer returns the first player of the table, in file order, other
// than id, or "" when there is none: whom a WrongPlayer lookup is answered
// about.
func (t *table) otherPlayer(id string) string {
	for _, r := range t.records {
		if p, ok := r[t.info.SubjectKey].(string); ok && p != id {
			return p
		}
	}
	return ""
}

// answeredAs is the player whose record a per-player lookup of id is
// answered with: id itself, or another player when id is the WrongPlayer
// fault's and the table holds one.
func (t *table) answeredAs(id, wrongPlayer string) string {
	if wrongPlayer == "" || id != wrongPlayer {
		return id
	}
	if other := t.otherPlayer(id); other != "" {
		return other
	}
	return id
}

// wrongPlayerAnswerable reports whether some per-player data file covers
// player id and holds another player, so that a WrongPlayer fault on id
// changes at least one answer.
func wrongPlayerAnswerable(sources map[string]*source, id string) bool {
	for _, src := range sources {
		for _, t := range src.tables {
			if t.info.PerPlayer() && t.coversPlayer(id) && t.otherPlayer(id) != "" {
				return true
			}
		}
	}
	return false
}
