package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"

	"github.com/gpaudit/gpaudit/engine"
)

// baselineDoc is the part of a JSON report (see jsonDoc) a baseline reads.
// Pointers tell a missing field from a zero one: a document without them
// is not a gpaudit report.
type baselineDoc struct {
	SchemaVersion *int `json:"schema_version"`
	Tool          *struct {
		Name string `json:"name"`
	} `json:"tool"`
	Checks *[]struct {
		Name     string `json:"name"`
		Findings []struct {
			ID       *string `json:"id"`
			Subject  string  `json:"subject"`
			RecordID string  `json:"record_id"`
		} `json:"findings"`
	} `json:"checks"`
}

// baselineID is the shape of a finding id in a baseline.
var baselineID = regexp.MustCompile(`^f-[0-9a-f]{16}$`)

// ReadBaseline reads a JSON report that gpaudit wrote earlier (--format json
// or --out json=…, schema_version 1) as a baseline: the findings of each of
// its checks. Anything else is an error that says what the document is, so
// that a baseline from the wrong file never makes every finding new.
func ReadBaseline(r io.Reader) (engine.Baseline, error) {
	dec := json.NewDecoder(r)
	var doc baselineDoc
	if err := dec.Decode(&doc); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return nil, fmt.Errorf("not a gpaudit JSON report: %s is a JSON %s", orDocument(typeErr.Field), typeErr.Value)
		}
		return nil, fmt.Errorf("not a JSON document: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("not one JSON document: more follows the first")
	}
	switch {
	case doc.Tool == nil || doc.Tool.Name == "":
		return nil, errors.New("not a gpaudit JSON report: it has no tool.name")
	case doc.Tool.Name != "gpaudit":
		return nil, fmt.Errorf("not a gpaudit JSON report: tool.name is %q", doc.Tool.Name)
	case doc.SchemaVersion == nil:
		return nil, errors.New("not a gpaudit JSON report: it has no schema_version")
	case *doc.SchemaVersion != 1:
		return nil, fmt.Errorf("a gpaudit JSON report of schema_version %d; this gpaudit reads schema_version 1", *doc.SchemaVersion)
	case doc.Checks == nil:
		return nil, errors.New("not a gpaudit JSON report: it has no checks")
	}
	b := engine.Baseline{}
	for _, c := range *doc.Checks {
		if c.Name == "" {
			return nil, errors.New("not a gpaudit JSON report: a check has no name")
		}
		list := b[c.Name]
		for i, f := range c.Findings {
			if f.ID == nil || !baselineID.MatchString(*f.ID) {
				return nil, fmt.Errorf("finding %d of check %s has no finding id (f- and 16 hex digits): "+
					"the report was written by a gpaudit that gave none; run that check again to make a baseline", i+1, c.Name)
			}
			list = append(list, engine.Resolved{ID: *f.ID, Subject: f.Subject, RecordID: f.RecordID})
		}
		b[c.Name] = list
	}
	return b, nil
}

// orDocument names a field of a decode error, "the document" at the top.
func orDocument(field string) string {
	if field == "" {
		return "the document"
	}
	return field
}
