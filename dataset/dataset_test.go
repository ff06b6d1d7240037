package dataset

import (
	"slices"
	"strings"
	"testing"
)

// TestTable checks that every row of the table is one the client, plan and
// the sandbox can serve: a mistake here would otherwise show only as a
// request to a wrong path.
func TestTable(t *testing.T) {
	// The headers each kind of source's APIs take (API.md, "Hosts and headers").
	kinds := map[string][]Headers{
		"gamepot":     {GamepotHeaders, GamepotV1Headers},
		"ncloud_chat": {ChatHeaders},
	}
	for _, d := range All() {
		t.Run(d.Name, func(t *testing.T) {
			if got, ok := Lookup(d.Name); !ok || got.Name != d.Name {
				t.Errorf("Lookup(%q) = %q, %v", d.Name, got.Name, ok)
			}
			headers, known := kinds[d.SourceKind]
			if !known {
				t.Errorf("source kind %q is not one of gamepot, ncloud_chat", d.SourceKind)
			} else if !slices.Contains(headers, d.Headers) {
				t.Errorf("headers %d are not those of a %s source", d.Headers, d.SourceKind)
			}
			if d.SubjectKey == "" {
				t.Error("no subject key")
			}
			if !d.List() && !d.PerPlayer() {
				t.Error("neither a list path nor a player path: the dataset cannot be read")
			}
			for _, p := range []string{d.ListPath, d.PlayerPath} {
				if p != "" && (!strings.HasPrefix(p, "/") || strings.ContainsAny(p, "?# ")) {
					t.Errorf("path %q is not a plain absolute path", p)
				}
			}
			if d.List() {
				if strings.Contains(d.ListPath, "{") {
					t.Errorf("list path %q has a placeholder", d.ListPath)
				}
				if len(d.Sort) == 0 || d.Sort[len(d.Sort)-1] != "id" {
					t.Errorf("default sort %q does not end with the tie-breaker id", d.Sort)
				}
				if d.CountResource == "" || d.CountShape == "" {
					t.Errorf("a list endpoint without a count resource (%q) or shape (%q)", d.CountResource, d.CountShape)
				}
			} else if d.Sort != nil || d.CountResource != "" || d.CountShape != "" {
				t.Error("a sort or count without a list endpoint")
			}
			if d.PerPlayer() {
				if strings.Count(d.PlayerPath, "{userId}") != 1 {
					t.Errorf("player path %q does not hold {userId} once", d.PlayerPath)
				}
				inPath := strings.Contains(d.PlayerPath, "{projectId}")
				if inPath != (d.Headers == GamepotV1Headers) {
					t.Errorf("player path %q and headers %d disagree on where the project id goes", d.PlayerPath, d.Headers)
				}
				rest := strings.NewReplacer("{userId}", "", "{projectId}", "").Replace(d.PlayerPath)
				if strings.ContainsAny(rest, "{}") {
					t.Errorf("player path %q has a placeholder other than {userId} and {projectId}", d.PlayerPath)
				}
				if d.PlayerAnswer != ResultAnswer && d.PlayerAnswer != ObjectAnswer {
					t.Errorf("player answer %d is no known shape", d.PlayerAnswer)
				}
			} else if d.PlayerAnswer != 0 {
				t.Error("a player answer without a player path")
			}
			if len(d.JSDates) > 0 && d.PlayerAnswer != ResultAnswer {
				t.Error("JavaScript dates in an answer that is not a v1 result")
			}
		})
	}
	var paths []string
	for _, d := range All() {
		paths = append(paths, d.ListPath, d.PlayerPath)
	}
	paths = slices.DeleteFunc(paths, func(p string) bool { return p == "" })
	slices.Sort(paths)
	for i := 1; i < len(paths); i++ {
		if paths[i] == paths[i-1] {
			t.Errorf("two datasets share the path %s", paths[i])
		}
	}
}

func TestNamesAndAll(t *testing.T) {
	names := Names()
	if !slices.IsSorted(names) || len(names) != len(All()) {
		t.Fatalf("Names() = %v, All() has %d", names, len(All()))
	}
	for i, d := range All() {
		if d.Name != names[i] {
			t.Errorf("All()[%d] is %s, want %s", i, d.Name, names[i])
		}
	}
}

func TestSubject(t *testing.T) {
	d, _ := Lookup("linkings")
	if got := d.Subject(map[string]any{"user_id": "p1", "member_id": map[string]any{"id": "g"}}); got != "p1" {
		t.Errorf("Subject = %q, want p1", got)
	}
	if got := d.Subject(map[string]any{"user_id": 7}); got != "" {
		t.Errorf("Subject of a number = %q, want empty", got)
	}
}
