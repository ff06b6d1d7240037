// Package dataset gives the facts gpaudit knows about each upstream dataset:
// which source kind serves it, its endpoints and their headers, the shape of
// their answers, and which field names the player. They live in one table so
// that the client, plan and the sandbox cannot disagree about a path: a new
// dataset is one row here, plus its tests.
package dataset

import "sort"

// Headers is how the requests of an API name their project and what they
// must carry besides x-api-key (API.md, "Hosts and headers").
type Headers int

const (
	// GamepotHeaders are GAMEPOT 3.0's: x-project-id and
	// Accept: application/json.
	GamepotHeaders Headers = iota + 1
	// GamepotV1Headers are GAMEPOT open API v1's: the project id is in the
	// path, and accept-language may choose the language of messages.
	GamepotV1Headers
	// ChatHeaders are Ncloud Chat's: x-project-id.
	ChatHeaders
)

// Answer is the shape of a per-player endpoint's answer; the client reads
// it and the sandbox writes it.
type Answer int

const (
	// ResultAnswer is GAMEPOT v1's {"status":1,"result":{…}}, its times in
	// the JSDates fields written by JavaScript's Date.toString(). A null or
	// empty result, or a negative status whose message says not found,
	// means the player has no record.
	ResultAnswer Answer = iota + 1
	// ObjectAnswer is the record itself; HTTP 404, null or {} mean the
	// player has no record.
	ObjectAnswer
)

// Info describes one dataset a cohort can read. Its slices are shared by
// every copy and must not be modified.
type Info struct {
	// Name is the dataset name used in HCL, e.g. "linkings".
	Name string
	// SourceKind is the kind of source that serves it: "gamepot" or "ncloud_chat".
	SourceKind string
	// SubjectKey is the record field that holds the player id (see API.md).
	SubjectKey string
	// ListPath is the list endpoint, which takes filter, sort and option;
	// "" when the dataset has none.
	ListPath string
	// PlayerPath is the endpoint that reads one player, with the
	// placeholders {userId} and, where the API wants it in the path,
	// {projectId}; "" when the dataset cannot be read one player at a time.
	// Plans and errors name it with its placeholders; the sandbox serves it
	// as a ServeMux pattern.
	PlayerPath string
	// Headers is how requests to the dataset's endpoints name the project.
	Headers Headers
	// Sort is the list endpoint's sort when a cohort gives none: creation
	// time, so that old records keep their offsets as new ones arrive at the
	// end, then id as a tie-breaker.
	Sort []string
	// CountResource names the dataset inside the count answer shape
	// {"data":{"<resource>":{"totalCount":N}}}.
	CountResource string
	// CountShape is the count answer shape the sandbox gives by default (one
	// of sandbox.CountShapes). They differ between datasets on purpose, so
	// that every test that counts exercises more than one shape.
	CountShape string
	// PlayerAnswer is the shape of PlayerPath's answer.
	PlayerAnswer Answer
	// JSDates are the fields a ResultAnswer writes as JavaScript dates; the
	// client turns them into RFC 3339, the sandbox back.
	JSDates []string
}

var all = map[string]Info{
	"linkings": {
		Name: "linkings", SourceKind: "gamepot", SubjectKey: "user_id",
		ListPath: "/v2/linkings", Headers: GamepotHeaders, Sort: []string{"createdAt", "id"},
		CountResource: "linkings", CountShape: "count", // GAMEPOT 3.0 documents no count shape
	},
	"memberblock": {
		Name: "memberblock", SourceKind: "gamepot", SubjectKey: "member_id",
		ListPath: "/v2/memberblock", Headers: GamepotHeaders, Sort: []string{"createdAt", "id"},
		CountResource: "memberblock", CountShape: "totalCount", // GAMEPOT 3.0 documents no count shape
	},
	"user_block": {
		Name: "user_block", SourceKind: "gamepot", SubjectKey: "member_id",
		PlayerPath: "/v1/api/project/{projectId}/user/{userId}/block", Headers: GamepotV1Headers,
		PlayerAnswer: ResultAnswer, JSDates: []string{"startedAt", "endedAt", "createdAt", "updatedAt", "deletedAt"},
	},
	"chat_members": {
		Name: "chat_members", SourceKind: "ncloud_chat", SubjectKey: "id",
		ListPath: "/v1/api/members", Headers: ChatHeaders, Sort: []string{"created_at", "id"},
		CountResource: "members", CountShape: "data", // Ncloud Chat's documented example
		PlayerPath: "/v1/api/members/{userId}", PlayerAnswer: ObjectAnswer,
	},
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

// All returns every dataset, sorted by name, for the code that serves or
// checks each of them in turn.
func All() []Info {
	infos := make([]Info, 0, len(all))
	for _, n := range Names() {
		infos = append(infos, all[n])
	}
	return infos
}

// List reports whether the dataset has a list endpoint, so that a cohort
// may give a filter and no users.
func (d Info) List() bool { return d.ListPath != "" }

// PerPlayer reports whether the dataset can be read one player at a time,
// so that a cohort may give users or users_file.
func (d Info) PerPlayer() bool { return d.PlayerPath != "" }

// Subject returns the player id of a record of this dataset, or "" when the
// record has no string in its subject field.
func (d Info) Subject(record map[string]any) string {
	s, _ := record[d.SubjectKey].(string)
	return s
}
