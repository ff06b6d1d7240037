// Package fetch gives gpaudit the records of each cohort: its Client reads
// the GAMEPOT and Ncloud Chat APIs, and Load loads the cohorts a run needs
// from the Client or, offline, from a snapshot.Snapshot.
package fetch

// Cohort is the data loaded for one cohort, ready for evaluation.
type Cohort struct {
	Name    string
	Source  string // source ID, e.g. "gamepot.main"
	Dataset string
	// Records are the cohort's records after filter and where, in a stable
	// order. Values are plain Go values decoded from JSON with json.Number.
	Records []map[string]any
	// Lines hold the records instead, as their lines of JSON text, when
	// they were read from a snapshot (snapshot.DecodeLine decodes one);
	// Records is nil then. A million records cost their text this way,
	// and the engine decodes them a part at a time.
	Lines []string
	// Err is why the cohort could not be loaded; Records is nil then.
	Err error
	// Unused marks a cohort that no selected check reads, directly or
	// through users: it was not loaded.
	Unused bool
	// Stats says how it was read.
	Stats Stats
}
