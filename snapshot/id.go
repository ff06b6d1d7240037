package snapshot

import (
	"encoding/json"
	"hash/maphash"
	"slices"
	"strconv"
)

// ID is what tells two records of a dataset apart: the record's "id" field
// when it is a string or a number. A string and a number with the same
// text are different IDs, and numbers compare by their text, as they are
// written. The client de-duplicates what it fetches by ID, Write refuses
// two records with one ID, and a data file holding two is corrupt: one rule
// on every side, so that a snapshot gpaudit wrote is one it reads.
type ID struct {
	text   string
	number bool
}

// RecordID returns the ID of r, and false when r has no "id" that is a
// string or a number (json.Number, as the client and the snapshot reader
// decode numbers). Records without an ID are never taken for one another.
func RecordID(r map[string]any) (ID, bool) {
	switch id := r["id"].(type) {
	case string:
		return ID{text: id}, true
	case json.Number:
		return ID{text: string(id), number: true}, true
	}
	return ID{}, false
}

// String gives the ID as it is written in JSON: a number bare, a string
// quoted (Go's quoting, so that no control character reaches a terminal).
func (id ID) String() string {
	if id.number {
		return id.text
	}
	return strconv.Quote(id.text)
}

// repeatedID finds the first record that has the ID of an earlier one, and
// returns the indices of both and the ID; ok is false when no two records
// share an ID. This is the rule; idHashes only tells when to apply it.
func repeatedID(records []map[string]any) (first, second int, id ID, ok bool) {
	seen := make(map[ID]int, len(records))
	for i, r := range records {
		id, has := RecordID(r)
		if !has {
			continue
		}
		if first, dup := seen[id]; dup {
			return first, i, id, true
		}
		seen[id] = i
	}
	return 0, 0, ID{}, false
}

// idHashes is a quick first look for repeated IDs in a data file, which may
// hold millions of records: a hash of each record's ID, taken while the
// parser has the record at hand, sorted once at the end. Sorting eight bytes
// a record costs a fraction of a set of the IDs themselves. Equal hashes are
// rare (a repeated ID, or two IDs that happen to share a hash), and only
// then does repeatedID look at the records.
type idHashes []uint64

// idSeed makes the hashes differ from run to run; the answer does not,
// since equal hashes are checked against the IDs.
var idSeed = maphash.MakeSeed()

// add takes the hash of r's ID, if it has one.
func (h *idHashes) add(r map[string]any) {
	h.addID(RecordID(r))
}

// addID takes the hash of id, if the record has one (ok).
func (h *idHashes) addID(id ID, ok bool) {
	if !ok {
		return
	}
	v := maphash.String(idSeed, id.text)
	if id.number {
		v = ^v // "7" and 7 are different IDs
	}
	*h = append(*h, v)
}

// mayRepeat sorts h and reports whether two of its hashes are equal.
func (h idHashes) mayRepeat() bool {
	slices.Sort(h)
	for i := 1; i < len(h); i++ {
		if h[i] == h[i-1] {
			return true
		}
	}
	return false
}
