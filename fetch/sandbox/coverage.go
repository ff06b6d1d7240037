package sandbox

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gpaudit/gpaudit/fetch"
)

// A snapshot file holds what was fetched, not the whole dataset: the
// records matching the filters sent and the records of the players looked
// up (the manifest's filters and users). Answering anything else from it
// would present records that were never fetched, or their absence, as the
// API's answer; a run saved with --save-snapshot would then claim coverage
// the evidence lacks. So the sandbox answers only what the snapshot covers,
// by the rule fetch.Snapshot applies offline, and a clear error otherwise.

// coversFilter reports whether the snapshot fetched every record matching
// filter: some fetched filter is a subset of it.
func (t *table) coversFilter(filter map[string]any) bool {
	for _, fetched := range t.filters {
		if filterSubset(fetched, filter) {
			return true
		}
	}
	return false
}

// coversPlayer reports whether the snapshot knows everything about player
// id: it was looked up, or the whole dataset was listed (a per-player
// request carries no filter, so only the fetched filter {} covers it).
func (t *table) coversPlayer(id string) bool {
	if _, ok := t.users[id]; ok {
		return true
	}
	return t.coversFilter(nil)
}

// filterSubset reports whether every key of sub is in super with an equal
// value. A key missing from super never counts as null here: the filter
// {"deletedAt":null} fetched only some of what {} asks for.
func filterSubset(sub, super map[string]any) bool {
	for k, v := range sub {
		sv, ok := super[k]
		if !ok || !fetch.MatchFilter(map[string]any{k: sv}, map[string]any{k: v}) {
			return false
		}
	}
	return true
}

// notCoveredPrefix starts every answer about data the snapshot lacks.
const notCoveredPrefix = "the sandbox snapshot does not cover "

// errFilterNotCovered is the answer to a list request whose filter (in its
// canonical JSON) the snapshot did not fetch. It names the filters it did
// fetch, so that the user sees which cohort to widen or fetch again.
func errFilterNotCovered(t *table, filterJSON string) *apiError {
	var b strings.Builder
	b.WriteString(notCoveredPrefix + "filter " + filterJSON + " of " + t.source + "/" + t.info.Name)
	if len(t.filters) == 0 {
		b.WriteString(": it fetched no list, only players one by one")
	} else {
		b.WriteString(": it fetched ")
		for i, f := range t.filters {
			if i == maxNamedFilters {
				b.WriteString(", …")
				break
			}
			if i > 0 {
				b.WriteString(", ")
			}
			b.Write(marshal(f))
		}
	}
	return &apiError{http.StatusBadRequest, -11, b.String()}
}

// maxNamedFilters bounds the fetched filters an answer lists.
const maxNamedFilters = 3

// errPlayerNotCovered is the answer to a per-player request for a player
// the snapshot neither looked up nor listed.
func errPlayerNotCovered(t *table, id string) *apiError {
	return &apiError{http.StatusBadRequest, -11,
		notCoveredPrefix + "player " + strconv.Quote(id) + " of " + t.source + "/" + t.info.Name + ": the player was not looked up"}
}
