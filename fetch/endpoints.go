package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/gpaudit/gpaudit/config"
)

// headers builds the headers of a request to s; the key goes nowhere else.
func (c *Client) headers(s *source, datasetName string) http.Header {
	h := make(http.Header, 5)
	h.Set("x-api-key", s.cfg.APIKey)
	h.Set("Accept", "application/json")
	h.Set("User-Agent", c.opts.UserAgent)
	if datasetName == "user_block" {
		// The v1 endpoint carries the project id in its path.
		if s.cfg.Language != "" {
			h.Set("accept-language", s.cfg.Language)
		}
		return h
	}
	h.Set("x-project-id", s.cfg.ProjectID)
	return h
}

// listRequest is the request for the page at offset of a list cohort, or
// for its count when offset is negative.
func (c *Client) listRequest(s *source, coh *config.Cohort, offset int) request {
	path := listPath(coh.Dataset)
	query := countQuery(coh)
	if offset >= 0 {
		query = listQuery(s.cfg.Kind, coh, offset, c.perPage)
	}
	return request{
		endpoint: http.MethodGet + " " + path,
		url:      s.base + path + "?" + encodeQuery(query),
		header:   c.headers(s, coh.Dataset),
	}
}

// page fetches the page at offset of a list cohort.
func (c *Client) page(ctx context.Context, s *source, coh *config.Cohort, offset int, tr *tracker) ([]map[string]any, error) {
	req := c.listRequest(s, coh, offset)
	var records []map[string]any
	err := c.get(ctx, s, req, tr, func(a answer) (int, error) {
		var err error
		records, err = listRecords(a.value)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", req.endpoint, err)
		}
		return len(records), nil
	})
	if err != nil {
		return nil, fmt.Errorf("page at offset %d: %w", offset, err)
	}
	return records, nil
}

// listRecords checks that a list answer is an array of objects.
func listRecords(v any) ([]map[string]any, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("the answer is %s, not a list of records", describeShape(v))
	}
	records := make([]map[string]any, len(list))
	for i, item := range list {
		r, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("item %d of the answer is %s, not a record", i, describeShape(item))
		}
		records[i] = r
	}
	return records, nil
}

// count sends a list cohort's count request.
func (c *Client) count(ctx context.Context, s *source, coh *config.Cohort, tr *tracker) (int, error) {
	req := c.listRequest(s, coh, -1)
	var n int
	err := c.get(ctx, s, req, tr, func(a answer) (int, error) {
		var err error
		if n, err = parseCount(a.value); err != nil {
			return 0, fmt.Errorf("%s: %w", req.endpoint, err)
		}
		return 0, nil
	})
	return n, err
}

// fetchList reads every page of a list cohort. Paging is by offset until a
// short page. When the first page is full and several requests may run at
// once, a count request says how many pages remain and they are fetched
// concurrently; if the data grew meanwhile (the last expected page is
// full), paging goes on one page at a time. Records are de-duplicated by id,
// the first kept, since offsets shift when records are added or removed
// between pages.
func (c *Client) fetchList(ctx context.Context, s *source, coh *config.Cohort, tr *tracker) ([]map[string]any, error) {
	first, err := c.page(ctx, s, coh, 0, tr)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]struct{}, len(first))
	records := appendNew(nil, seen, first)
	if len(first) < c.perPage {
		return records, nil
	}
	offset := c.perPage

	if c.opts.Concurrency > 1 {
		total, err := c.count(ctx, s, coh, tr)
		switch {
		case errors.Is(err, errCountIsList):
			// The server ignores option.count: page one at a time.
		case err != nil:
			return nil, fmt.Errorf("count: %w", err)
		default:
			tr.setTotal(total)
			var done bool
			records, offset, done, err = c.pagesAtOnce(ctx, s, coh, total, records, seen, tr)
			if err != nil || done {
				return records, err
			}
		}
	}

	for {
		page, err := c.page(ctx, s, coh, offset, tr)
		if err != nil {
			return nil, err
		}
		before := len(records)
		records = appendNew(records, seen, page)
		if len(page) < c.perPage {
			return records, nil
		}
		if len(records) == before {
			return nil, fmt.Errorf("page at offset %d repeats earlier records only: the server does not page", offset)
		}
		offset += c.perPage
	}
}

// pagesAtOnce fetches the pages after the first that total announces, plus
// the one just past it (a full page always needs a next request to prove it
// was the last), with at most Concurrency at once. It stops scheduling pages
// once one comes back short, so a count that overstates costs little. It
// returns the records, the offset to go on from, and whether a short page
// ended the list.
func (c *Client) pagesAtOnce(ctx context.Context, s *source, coh *config.Cohort, total int,
	records []map[string]any, seen map[string]struct{}, tr *tracker) ([]map[string]any, int, bool, error) {
	last := total / c.perPage // the expected short page; the first (0) is already here
	var (
		mu    sync.Mutex
		pages [][]map[string]any // pages[i] is the page at offset (i+1)*perPage
		short atomic.Bool
	)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.opts.Concurrency)
	for i := 0; i < last && !short.Load() && gctx.Err() == nil; i++ {
		mu.Lock()
		pages = append(pages, nil)
		mu.Unlock()
		g.Go(func() error {
			p, err := c.page(gctx, s, coh, (i+1)*c.perPage, tr)
			if err != nil {
				return err
			}
			mu.Lock()
			pages[i] = p
			mu.Unlock()
			if len(p) < c.perPage {
				short.Store(true)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, 0, false, err
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, false, err
	}
	for i, p := range pages {
		before := len(records)
		records = appendNew(records, seen, p)
		if len(p) < c.perPage {
			return records, 0, true, nil
		}
		if len(records) == before {
			return nil, 0, false, fmt.Errorf("page at offset %d repeats earlier records only: the server does not page", (i+1)*c.perPage)
		}
	}
	return records, (len(pages) + 1) * c.perPage, false, nil
}

// fetchPlayers looks up each of ids, at most Concurrency at once, and
// returns the records found in the order of ids.
func (c *Client) fetchPlayers(ctx context.Context, s *source, coh *config.Cohort, ids []string, tr *tracker) ([]map[string]any, error) {
	found := make([]map[string]any, len(ids))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.opts.Concurrency)
	for i, id := range ids {
		if gctx.Err() != nil {
			break // a lookup failed or the fetch was cancelled: start no more
		}
		g.Go(func() error {
			r, err := c.player(gctx, s, coh.Dataset, id, tr)
			if err != nil {
				return fmt.Errorf("player %q: %w", id, err)
			}
			found[i] = r
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	seen := make(map[string]struct{}, len(ids))
	out := make([]map[string]any, 0, len(ids))
	for _, r := range found {
		if r != nil {
			out = appendNew(out, seen, []map[string]any{r})
		}
	}
	return out, nil
}

// player looks up one player; a nil record means not found.
func (c *Client) player(ctx context.Context, s *source, datasetName, id string, tr *tracker) (map[string]any, error) {
	path := playerPath(datasetName, s.cfg.ProjectID, id)
	req := request{
		endpoint:    http.MethodGet + " " + playerPathTemplate(datasetName),
		url:         s.base + path,
		header:      c.headers(s, datasetName),
		notFound404: datasetName == "chat_members",
	}
	var record map[string]any
	err := c.get(ctx, s, req, tr, func(a answer) (int, error) {
		if a.notFound {
			return 0, nil
		}
		var err error
		if datasetName == "user_block" {
			record, err = blockRecord(a.value, id)
		} else {
			record, err = memberRecord(a.value)
		}
		if err != nil {
			return 0, fmt.Errorf("%s: %w", req.endpoint, err)
		}
		if record == nil {
			return 0, nil
		}
		return 1, nil
	})
	var apiErr *APIError
	if datasetName == "user_block" && errors.As(err, &apiErr) && blockNotFound(apiErr) {
		return nil, nil
	}
	return record, err
}

// memberRecord reads a Chat member answer: an object, or null or {} for a
// player who does not exist.
func memberRecord(v any) (map[string]any, error) {
	if v == nil {
		return nil, nil
	}
	r, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the answer is %s, not a member", describeShape(v))
	}
	if len(r) == 0 {
		return nil, nil
	}
	return r, nil
}

// blockDateFields are the v1 block's times, written by Date.toString().
var blockDateFields = []string{"startedAt", "endedAt", "createdAt", "updatedAt", "deletedAt"}

// blockRecord unwraps a v1 block answer, {"status":1,"result":{…}}, and
// converts its times to RFC 3339. A null or empty result means the player is
// not blocked: no record.
func blockRecord(v any, userID string) (map[string]any, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the answer is %s, not {\"status\":1,\"result\":…}", describeShape(v))
	}
	result, present := obj["result"]
	if !present {
		return nil, fmt.Errorf("the answer is %s, with no result", describeShape(v))
	}
	if result == nil {
		return nil, nil
	}
	block, ok := result.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the answer's result is %s, not a block", describeShape(result))
	}
	if len(block) == 0 {
		return nil, nil
	}
	out := make(map[string]any, len(block)+1)
	for k, val := range block {
		out[k] = val
	}
	for _, field := range blockDateFields {
		val, ok := out[field]
		if !ok || val == nil {
			continue
		}
		text, ok := val.(string)
		if !ok {
			return nil, fmt.Errorf("field %s is %s, not a date", field, describeShape(val))
		}
		if text == "" {
			out[field] = nil
			continue
		}
		converted, err := JSDateToRFC3339(text)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", field, err)
		}
		out[field] = converted
	}
	if _, ok := out["member_id"]; !ok {
		// The subject key: the answer is about the player asked for.
		out["member_id"] = userID
	}
	return out, nil
}

// notFoundMessage recognises a v1 error that says there is no such block or
// player, as opposed to a failure.
var notFoundMessage = regexp.MustCompile(`(?i)not\s*found|not\s*exist|no\s+(such\s+)?(user|member|block)|not\s*blocked`)

// blockNotFound reports whether a v1 block error means "not blocked": a
// negative status that is none of the documented failures, not sent with a
// server error, and whose message says not found.
func blockNotFound(e *APIError) bool {
	if e.Gateway || e.Meaning != "" || e.HTTPStatus >= 500 || !strings.HasPrefix(e.Code, "-") {
		return false
	}
	return notFoundMessage.MatchString(e.Message)
}
