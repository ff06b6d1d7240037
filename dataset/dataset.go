// Package dataset gives the facts gpaudit knows about each upstream dataset:
// which source kind serves it, how it is fetched, and which field names the player.
package dataset

import "sort"

// Info describes one dataset a cohort can read.
type Info struct {
	// Name is the dataset name used in HCL, e.g. "linkings".
	Name string
	// SourceKind is the kind of source that serves it: "gamepot" or "ncloud_chat".
	SourceKind string
	// SubjectKey is the record field that holds the player id (see API.md).
	SubjectKey string
	// List reports whether the dataset has a list endpoint that takes filter/sort/option.
	List bool
	// PerPlayer reports whether the dataset can be read one player at a time (users, users_file).
	PerPlayer bool
}

var all = map[string]Info{
	"linkings":     {Name: "linkings", SourceKind: "gamepot", SubjectKey: "user_id", List: true},
	"memberblock":  {Name: "memberblock", SourceKind: "gamepot", SubjectKey: "member_id", List: true},
	"user_block":   {Name: "user_block", SourceKind: "gamepot", SubjectKey: "member_id", PerPlayer: true},
	"chat_members": {Name: "chat_members", SourceKind: "ncloud_chat", SubjectKey: "id", List: true, PerPlayer: true},
}

// Lookup returns the dataset called name.
func Lookup(name string) (Info, bool) {
	d, ok := all[name]
	return d, ok
}

// Names returns every dataset name, sorted.
func Names() []string {
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Subject returns the player id of a record of this dataset, or "" when the
// record has no string in its subject field.
func (d Info) Subject(record map[string]any) string {
	s, _ := record[d.SubjectKey].(string)
	return s
}
