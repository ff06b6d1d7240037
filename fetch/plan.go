package fetch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/dataset"
)

// PageSize is the per_page the client asks of list endpoints: the largest
// the APIs document, so a cohort takes the fewest requests.
const PageSize = 100

// PageRequests is the number of page requests Cohort sends to read a list
// of n records, the two count requests aside. Pages of PageSize overlap by
// one record, each repeating the last of the page before so that a list
// that changes while it is paged is noticed, and paging ends at a page that
// brings nothing new: the repeated record alone, or an empty first page.
func PageRequests(n int) int {
	if n == 0 {
		return 1
	}
	// The first page brings up to PageSize records, each later one
	// PageSize-1 new ones, and one more brings nothing new.
	more := max(n-PageSize, 0)
	return 1 + (more+PageSize-2)/(PageSize-1) + 1
}

// QueryParam is one query parameter as the client sends it, before URL
// encoding: the list endpoints take JSON documents as values.
type QueryParam struct {
	Name  string
	Value string
}

// RequestPlan describes the requests Cohort would send for one cohort,
// worked out without the network and without credentials.
type RequestPlan struct {
	Cohort  string
	Source  string // source ID, e.g. "gamepot.main"
	Dataset string
	Method  string // "GET"
	// Path is the endpoint's path. Per-player paths keep the placeholders
	// {projectId} and {userId}: the project id may come from the
	// environment, which planning does not need.
	Path string
	// Query are the parameters of the first request, in the order sent
	// (filter, sort, option); nil for per-player endpoints.
	Query []QueryParam
	// Headers are the names of the headers sent; values are never planned,
	// since one of them is the API key.
	Headers []string
	// PerPlayer reports one request per player; Lookups is then how many
	// players will be looked up, or -1 while they come from a users cohort
	// not yet fetched.
	PerPlayer bool
	Lookups   int
	// Err is why no request can be planned (e.g. a dataset the source
	// cannot serve); the other fields are then partial.
	Err error
}

// PlanCohort works out the requests Cohort(ctx, coh, users) would send to
// src. For a per-player cohort whose users come from another cohort, pass
// nil users: the number of lookups is then unknown.
func PlanCohort(src *config.Source, coh *config.Cohort, users []string) RequestPlan {
	p := RequestPlan{Cohort: coh.Name, Source: coh.Source, Dataset: coh.Dataset, Method: http.MethodGet}
	info, err := checkServes(src, coh)
	if err != nil {
		p.Err = err
		return p
	}
	perPlayer := !info.List() || users != nil || coh.Users != nil || coh.UsersCohort != ""
	if perPlayer && !info.PerPlayer() {
		p.Err = fmt.Errorf("dataset %s cannot be read per player", coh.Dataset)
		return p
	}
	p.Headers = headerNames(src, info)
	if !perPlayer {
		p.Path = info.ListPath
		p.Query = listQuery(info, coh, 0, PageSize)
		return p
	}
	p.PerPlayer = true
	p.Path = info.PlayerPath
	switch {
	case users != nil:
		p.Lookups = countDistinct(users)
	case coh.Users != nil:
		p.Lookups = countDistinct(coh.Users)
	default:
		p.Lookups = -1
	}
	return p
}

// countDistinct is the number of different ids: the client looks each up once.
func countDistinct(ids []string) int {
	return len(slices.Compact(slices.Sorted(slices.Values(ids))))
}

// checkServes checks that src is the cohort's source and serves its dataset.
func checkServes(src *config.Source, coh *config.Cohort) (dataset.Info, error) {
	info, ok := dataset.Lookup(coh.Dataset)
	if !ok {
		return dataset.Info{}, fmt.Errorf("unknown dataset %q", coh.Dataset)
	}
	if src == nil {
		return dataset.Info{}, errors.New("no source")
	}
	if src.ID() != coh.Source {
		return dataset.Info{}, fmt.Errorf("cohort reads source %s, not %s", coh.Source, src.ID())
	}
	if src.Kind != info.SourceKind {
		return dataset.Info{}, fmt.Errorf("a %s source does not serve dataset %s", src.Kind, coh.Dataset)
	}
	return info, nil
}

// playerPath is the per-player endpoint for one player of a project, its
// placeholders filled in path-escaped.
func playerPath(info dataset.Info, projectID, userID string) string {
	r := strings.NewReplacer("{projectId}", url.PathEscape(projectID), "{userId}", url.PathEscape(userID))
	return r.Replace(info.PlayerPath)
}

// headerNames lists the headers a request sends, in the order they are set.
func headerNames(src *config.Source, info dataset.Info) []string {
	if info.Headers == dataset.GamepotV1Headers {
		names := []string{"x-api-key", "Accept"}
		if src.Language != "" {
			names = append(names, "accept-language")
		}
		return names
	}
	return []string{"x-api-key", "x-project-id", "Accept"}
}

// listQuery is the query of the page at offset of a list cohort.
func listQuery(info dataset.Info, coh *config.Cohort, offset, perPage int) []QueryParam {
	return []QueryParam{
		{"filter", filterJSON(coh.Filter)},
		{"sort", sortJSON(info.Sort, coh.Sort)},
		{"option", `{"offset":` + strconv.Itoa(offset) + `,"per_page":` + strconv.Itoa(perPage) + `}`},
	}
}

// countQuery is the query of a list cohort's count request.
func countQuery(coh *config.Cohort) []QueryParam {
	return []QueryParam{
		{"filter", filterJSON(coh.Filter)},
		{"option", `{"count":true}`},
	}
}

// filterJSON renders a filter as compact JSON with sorted keys; none is {}
// since the endpoints require the parameter.
func filterJSON(filter map[string]any) string {
	if len(filter) == 0 {
		return "{}"
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(filter); err != nil {
		// Config builds filters from HCL values, which always encode.
		panic(fmt.Sprintf("encode filter: %v", err))
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// sortJSON renders the sort document. JSON object keys are ordered here (the
// first is the primary key), which encoding/json's sorted maps cannot
// express, so it is written by hand: the cohort's keys in name order, since
// HCL maps carry no order, then "id" ascending as a tie-breaker so that
// offset paging is stable when sort keys are equal. Without a cohort sort,
// the dataset's default fields, ascending (dataset.Info.Sort).
func sortJSON(defaults []string, sort map[string]string) string {
	keys := make([]string, 0, len(sort)+len(defaults)+1)
	dirs := make(map[string]string, cap(keys))
	if len(sort) == 0 {
		for _, k := range defaults {
			keys = append(keys, k)
			dirs[k] = "1"
		}
	} else {
		for k, d := range sort {
			keys = append(keys, k)
			dirs[k] = d
		}
		slices.Sort(keys)
	}
	if _, ok := dirs["id"]; !ok {
		keys = append(keys, "id")
		dirs["id"] = "1"
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(jsonString(k))
		b.WriteByte(':')
		b.WriteString(jsonString(dirs[k]))
	}
	b.WriteByte('}')
	return b.String()
}

func jsonString(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(buf.String(), "\n")
}

// encodeQuery URL-encodes params in order. Spaces become %20 rather than
// "+", which every server decodes the same way.
func encodeQuery(params []QueryParam) string {
	var b strings.Builder
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p.Name))
		b.WriteByte('=')
		b.WriteString(strings.ReplaceAll(url.QueryEscape(p.Value), "+", "%20"))
	}
	return b.String()
}
