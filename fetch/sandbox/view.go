package sandbox

import (
	"cmp"
	"container/list"
	"encoding/json"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A client pages through a list by repeating one filter and sort with a
// growing offset. Filtering and sorting 100,000 records for each page would
// make the fake slower than the client it tests, so the filtered, sorted
// positions are kept per (source, dataset, filter, sort), least recently
// used first out, within these bounds.
const (
	maxCachedRows  = 4 << 20 // positions over all views: 16 MiB
	maxCachedViews = 4096
)

// viewCache holds filtered, sorted views of tables, as record positions.
type viewCache struct {
	mu      sync.Mutex
	entries map[string]*list.Element // of *view
	lru     *list.List               // front: most recently used
	rows    int                      // positions held by counted views
}

// view is one cached result; ready is closed once rows is set, so that
// concurrent requests for the same view build it once.
type view struct {
	key     string
	ready   chan struct{}
	rows    []int32
	counted bool
}

func newViewCache() viewCache {
	return viewCache{entries: map[string]*list.Element{}, lru: list.New()}
}

// rows returns the positions of t's records that match lq's filter, in lq's
// sort order (file order among equals).
func (c *viewCache) view(t *table, lq *listQuery) []int32 {
	key := t.source + "\x00" + t.info.Name + "\x00" + lq.filterKey + "\x00" + sortKey(lq.sort)
	c.mu.Lock()
	if e, ok := c.entries[key]; ok {
		c.lru.MoveToFront(e)
		v := e.Value.(*view)
		c.mu.Unlock()
		<-v.ready
		return v.rows
	}
	v := &view{key: key, ready: make(chan struct{})}
	c.entries[key] = c.lru.PushFront(v)
	c.mu.Unlock()

	v.rows = sortRows(t, t.filterRows(lq.filter), lq.sort)
	close(v.ready)

	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok && e.Value == v {
		v.counted = true
		c.rows += len(v.rows)
	}
	for c.lru.Len() > 1 && (c.rows > maxCachedRows || c.lru.Len() > maxCachedViews) {
		old := c.lru.Remove(c.lru.Back()).(*view)
		delete(c.entries, old.key)
		if old.counted {
			c.rows -= len(old.rows)
		}
	}
	return v.rows
}

// sortRows orders rows by fields, stably. Each record's sort values are
// read once, not once per comparison.
func sortRows(t *table, rows []int32, fields []sortField) []int32 {
	if len(fields) == 0 || len(rows) < 2 {
		return rows
	}
	k := len(fields)
	values := make([]sortValue, len(rows)*k)
	for i, row := range rows {
		for j, f := range fields {
			values[i*k+j] = makeSortValue(t.records[row][f.name])
		}
	}
	perm := make([]int32, len(rows))
	for i := range perm {
		perm[i] = int32(i)
	}
	slices.SortStableFunc(perm, func(a, b int32) int {
		va, vb := values[int(a)*k:int(a)*k+k], values[int(b)*k:int(b)*k+k]
		for j, f := range fields {
			if c := compareSortValues(va[j], vb[j]); c != 0 {
				if f.desc {
					return -c
				}
				return c
			}
		}
		return 0
	})
	sorted := make([]int32, len(rows))
	for i, p := range perm {
		sorted[i] = rows[p]
	}
	return sorted
}

// Ranks order values of different JSON types: null (and a missing field)
// first, so nulls come first ascending and last descending.
const (
	rankNull = iota
	rankFalse
	rankTrue
	rankNumber
	rankString
	rankTime  // a string holding an RFC 3339 timestamp, compared as an instant
	rankOther // objects and arrays: all equal
)

// sortValue is a field's value prepared for comparison.
type sortValue struct {
	rank int
	num  float64
	text string // a number's text or the string
	at   time.Time
}

func makeSortValue(v any) sortValue {
	switch x := v.(type) {
	case nil:
		return sortValue{rank: rankNull}
	case bool:
		if x {
			return sortValue{rank: rankTrue}
		}
		return sortValue{rank: rankFalse}
	case json.Number:
		f, _ := strconv.ParseFloat(string(x), 64) // out of range gives ±Inf: still ordered
		return sortValue{rank: rankNumber, num: f, text: string(x)}
	case string:
		// Timestamps of different offsets must sort by instant, as the API's
		// database sorts its dates, not by their text.
		if looksLikeTimestamp(x) {
			if at, err := time.Parse(time.RFC3339Nano, x); err == nil {
				return sortValue{rank: rankTime, at: at, text: x}
			}
		}
		return sortValue{rank: rankString, text: x}
	}
	return sortValue{rank: rankOther}
}

// looksLikeTimestamp is a cheap test before time.Parse: "2006-01-02T…".
func looksLikeTimestamp(s string) bool {
	return len(s) >= 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T'
}

func compareSortValues(a, b sortValue) int {
	if c := cmp.Compare(a.rank, b.rank); c != 0 {
		return c
	}
	switch a.rank {
	case rankNumber:
		if c := cmp.Compare(a.num, b.num); c != 0 || a.text == b.text {
			return c
		}
		return compareExact(a.text, b.text)
	case rankString:
		return strings.Compare(a.text, b.text)
	case rankTime:
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return strings.Compare(a.text, b.text)
	}
	return 0
}

// compareExact compares two numbers that float64 cannot tell apart, such as
// large integer ids.
func compareExact(a, b string) int {
	x, _, errX := big.ParseFloat(a, 10, 512, big.ToNearestEven)
	y, _, errY := big.ParseFloat(b, 10, 512, big.ToNearestEven)
	if errX != nil || errY != nil {
		return 0
	}
	return x.Cmp(y)
}
