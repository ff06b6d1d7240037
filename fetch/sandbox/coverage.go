package sandbox

import (
	"net/http"
	"strconv"
	"strings"
)

// A snapshot file holds what was fetched, not the whole dataset: the
// records matching the filters sent and the records of the players looked
// up (the manifest's filters and users). Answering anything else from it
// would present records that were never fetched, or their absence, as the
// API's answer; a run saved with --save-snapshot would then claim coverage
// the evidence lacks. So the sandbox answers only what the snapshot covers,
// by the rule an offline run applies (snapshot.Snapshot.Covers), and a
// clear error otherwise.

// coversFilter reports whether the snapshot fetched every record matching
// filter: some fetched filter is a subset of it.
func (t *table) coversFilter(filter map[string]any) bool {
	return t.snap.Covers(t.source, t.info.Name, filter, nil) == nil
}

// coversPlayer reports whether the snapshot knows everything about player
// id: it was looked up, or the whole dataset was listed (a per-player
// request carries no filter, so only the fetched filter {} covers it).
func (t *table) coversPlayer(id string) bool {
	return t.snap.Covers(t.source, t.info.Name, nil, []string{id}) == nil
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
