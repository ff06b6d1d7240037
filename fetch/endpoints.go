package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/dataset"
	"github.com/gpaudit/gpaudit/snapshot"
)

// headers builds the headers of a request to s; the key goes nowhere else.
func (c *Client) headers(s *source, info dataset.Info) http.Header {
	h := make(http.Header, 5)
	h.Set("x-api-key", s.cfg.APIKey)
	h.Set("Accept", "application/json")
	h.Set("User-Agent", c.opts.UserAgent)
	if info.Headers == dataset.GamepotV1Headers {
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
	info := datasetOf(coh)
	query := countQuery(coh)
	if offset >= 0 {
		query = listQuery(info, coh, offset, c.perPage)
	}
	return request{
		endpoint: http.MethodGet + " " + info.ListPath,
		url:      s.base + info.ListPath + "?" + encodeQuery(query),
		header:   c.headers(s, info),
	}
}

// datasetOf is the table row of a cohort whose dataset sourceFor accepted.
func datasetOf(coh *config.Cohort) dataset.Info {
	info, _ := dataset.Lookup(coh.Dataset)
	return info
}

// page fetches the page at offset of a list cohort. Every record must match
// the cohort's filter: a server that filters differently from
// snapshot.MatchFilter (ignoring a key, matching loosely) would otherwise
// have records evaluated that the cohort excludes, and the run would differ
// from one over its own saved snapshot.
func (c *Client) page(ctx context.Context, s *source, coh *config.Cohort, offset int, tr *tracker) ([]map[string]any, error) {
	req := c.listRequest(s, coh, offset)
	var records []map[string]any
	err := c.get(ctx, s, req, tr, func(a answer) (int, error) {
		var err error
		records, err = listRecords(a.value)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", req.endpoint, err)
		}
		unmatched := 0
		for _, r := range records {
			if !snapshot.MatchFilter(r, coh.Filter) {
				unmatched++
			}
		}
		if unmatched > 0 {
			return 0, fmt.Errorf("%s: %d of %d records do not match the cohort's filter %s: the server filters differently from gpaudit",
				req.endpoint, unmatched, len(records), filterKeys(coh.Filter))
		}
		return len(records), nil
	})
	if err != nil {
		return nil, fmt.Errorf("page at offset %d: %w", offset, err)
	}
	return records, nil
}

// filterKeys names a filter's keys, not its values: they may be a player's
// email.
func filterKeys(filter map[string]any) string {
	keys := make([]string, 0, len(filter))
	for k := range filter {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return "on [" + strings.Join(keys, " ") + "]"
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

// count sends a list cohort's count request. An answer that arrives but
// cannot be read as a count is a *countShapeError.
func (c *Client) count(ctx context.Context, s *source, coh *config.Cohort, tr *tracker) (int, error) {
	req := c.listRequest(s, coh, -1)
	var n int
	err := c.get(ctx, s, req, tr, func(a answer) (int, error) {
		var err error
		if n, err = parseCount(a.value); err != nil {
			return 0, &countShapeError{fmt.Errorf("%s: %w", req.endpoint, err)}
		}
		return 0, nil
	})
	return n, err
}

// countShapeError is a count answer in no shape parseCount knows (including
// a list: the server ignored option.count). Count reports it; Cohort then
// pages without a count, and the cohort is not verified.
type countShapeError struct{ err error }

func (e *countShapeError) Error() string { return e.err.Error() }
func (e *countShapeError) Unwrap() error { return e.err }

// maxListTries bounds how often a list is paged from the start again after
// it changed under the client.
const maxListTries = 3

// errListMoved is a page that does not begin with the record that ended the
// page before, or that is empty where that record was expected: records were
// added or removed ahead of it while the list was paged, so offsets shifted
// and a record may have been skipped.
var errListMoved = errors.New("the list changed while it was paged; try again")

// list is a list cohort as paged: its records, de-duplicated by id, and
// whether their number was held against the endpoint's count.
type list struct {
	records  []map[string]any
	verified bool
}

// fetchList reads every page of a list cohort, paging it again from the
// start when it changes meanwhile, at most maxListTries times.
func (c *Client) fetchList(ctx context.Context, s *source, coh *config.Cohort, tr *tracker) (list, error) {
	for try := 1; ; try++ {
		l, err := c.pageList(ctx, s, coh, tr)
		if !errors.Is(err, errListMoved) {
			return l, err
		}
		if try == maxListTries {
			return list{}, fmt.Errorf("paged %d times: %w", try, err)
		}
	}
}

// pageList pages through a list cohort once, and holds what it received
// against the endpoint's count, asked before and after paging (SPEC.md,
// Completeness): a server may cap per_page silently or stop answering past
// some offset, and neither may pass for the end of the list.
//
// Offsets advance by the rows each page actually holds, and pages overlap by
// one record: each page after the first starts at the offset of the
// previous page's last record, which it must repeat. Were a record before it
// removed between the two requests, offsets would shift back by one and the
// next record would fall between the pages unseen; the overlap turns that
// into a mismatch, and so does an added record. Paging ends at a page that
// holds nothing new: the repeated record alone, or no record where none was
// expected.
//
// When the first page is full, the count is known and several requests may
// run at once, the pages the count announces are fetched concurrently; the
// rest, if the data grew meanwhile or a page came back short, one at a time.
func (c *Client) pageList(ctx context.Context, s *source, coh *config.Cohort, tr *tracker) (list, error) {
	before, counted, err := c.countIfKnown(ctx, s, coh, tr)
	if err != nil {
		return list{}, err
	}
	if counted {
		tr.setTotal(before)
	}
	first, err := c.page(ctx, s, coh, 0, tr)
	if err != nil {
		return list{}, err
	}
	p := newListPages()
	done, err := p.add(first, 0)
	if err != nil {
		return list{}, err
	}
	if !done && counted && len(first) == c.perPage && c.opts.Concurrency > 1 {
		pages, err := c.pagesAtOnce(ctx, s, coh, before, tr)
		if err != nil {
			return list{}, err
		}
		for i, page := range pages {
			if offset := (i + 1) * (c.perPage - 1); offset != p.next || done {
				break // a page came back short: the rest were asked at the wrong offsets
			}
			if done, err = p.add(page, p.next); err != nil {
				return list{}, err
			}
		}
	}
	for !done {
		page, err := c.page(ctx, s, coh, p.next, tr)
		if err != nil {
			return list{}, err
		}
		if done, err = p.add(page, p.next); err != nil {
			return list{}, err
		}
	}
	if !counted {
		return list{records: p.records}, nil
	}
	after, counted, err := c.countIfKnown(ctx, s, coh, tr)
	if err != nil {
		return list{}, err
	}
	if !counted {
		return list{records: p.records}, nil
	}
	if want := min(before, after); len(p.records) < want {
		return list{}, fmt.Errorf("received %d distinct records, fewer than the %d the endpoint counts (%d before paging, %d after): "+
			"the server gave part of the list", len(p.records), want, before, after)
	}
	return list{records: p.records, verified: true}, nil
}

// countIfKnown asks for a list cohort's count; counted is false when the
// endpoint answers in no shape parseCount knows.
func (c *Client) countIfKnown(ctx context.Context, s *source, coh *config.Cohort, tr *tracker) (n int, counted bool, err error) {
	n, err = c.count(ctx, s, coh, tr)
	var shapeErr *countShapeError
	switch {
	case errors.As(err, &shapeErr):
		return 0, false, nil
	case err != nil:
		return 0, false, fmt.Errorf("count: %w", err)
	}
	return n, true, nil
}

// listPages joins overlapping pages into one list.
type listPages struct {
	records []map[string]any
	seen    map[snapshot.ID]struct{}
	// first is the list's first record; last the last record of the page
	// before, which the next page repeats when overlap is set.
	first, last map[string]any
	overlap     bool
	// next is the offset of the next page.
	next int
}

func newListPages() *listPages {
	return &listPages{seen: map[snapshot.ID]struct{}{}}
}

// add joins the page asked at offset and reports whether it ended the list.
func (l *listPages) add(page []map[string]any, offset int) (bool, error) {
	fresh := page
	if l.overlap {
		if len(page) == 0 {
			return false, fmt.Errorf("page at offset %d is empty where the last record of the page before was expected: "+
				"the server stops answering past some offset, or records were removed: %w", offset, errListMoved)
		}
		if !sameRecord(page[0], l.last) {
			if len(page) > 1 && sameRecord(page[0], l.first) {
				return false, fmt.Errorf("page at offset %d repeats the first page: the server does not page", offset)
			}
			return false, fmt.Errorf("page at offset %d does not begin with the last record of the page before: %w", offset, errListMoved)
		}
		fresh = page[1:]
	}
	if len(fresh) == 0 {
		return true, nil
	}
	before := len(l.records)
	// A repeat of an earlier record is dropped here and held against the
	// count at the end: in place of another record, it leaves the list short.
	l.records = appendNew(l.records, l.seen, fresh)
	if len(l.records) == before {
		return false, fmt.Errorf("page at offset %d repeats earlier records only: the server does not page", offset)
	}
	if l.first == nil {
		l.first = page[0]
	}
	l.last = page[len(page)-1]
	// A page of one row cannot both repeat a record and bring a new one, so
	// the page after it starts past it.
	l.overlap = len(page) > 1
	l.next = offset + len(page)
	if l.overlap {
		l.next--
	}
	return false, nil
}

// sameRecord reports whether a and b are one record: the same id, or equal
// as a whole when they have none.
func sameRecord(a, b map[string]any) bool {
	idA, okA := snapshot.RecordID(a)
	idB, okB := snapshot.RecordID(b)
	if okA || okB {
		return okA && okB && idA == idB
	}
	return snapshot.ValueEqual(a, b)
}

// pagesAtOnce fetches, with at most Concurrency at once, the pages after the
// first that a list of total records needs when every page is full: page i
// of the result starts at offset (i+1)*(perPage-1), and the last of them is
// the first expected to be short. It stops scheduling pages once one comes
// back short, so a count that overstates costs little.
func (c *Client) pagesAtOnce(ctx context.Context, s *source, coh *config.Cohort, total int, tr *tracker) ([][]map[string]any, error) {
	step := c.perPage - 1
	// The page at offset k*step is short once fewer than perPage records
	// are left from it: k*step > total-perPage.
	last := 0
	if total > c.perPage {
		last = (total-c.perPage)/step + 1
	}
	var (
		mu    sync.Mutex
		pages [][]map[string]any
		short atomic.Bool
	)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.opts.Concurrency)
	for i := 0; i < last && !short.Load() && gctx.Err() == nil; i++ {
		mu.Lock()
		pages = append(pages, nil)
		mu.Unlock()
		g.Go(func() error {
			p, err := c.page(gctx, s, coh, (i+1)*step, tr)
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
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, ctxErr(ctx)
	}
	return pages, nil
}

// fetchPlayers looks up each of ids once, at most Concurrency at once, and
// returns the records found in the order of ids.
func (c *Client) fetchPlayers(ctx context.Context, s *source, coh *config.Cohort, ids []string, tr *tracker) ([]map[string]any, error) {
	info := datasetOf(coh)
	found := make([]map[string]any, len(ids))
	asked := make(map[string]struct{}, len(ids))
	for _, id := range ids {
		asked[id] = struct{}{}
	}
	tr.perPlayer(len(asked))
	clear(asked)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.opts.Concurrency)
	for i, id := range ids {
		if gctx.Err() != nil {
			break // a lookup failed or the fetch was cancelled: start no more
		}
		if _, dup := asked[id]; dup {
			continue
		}
		asked[id] = struct{}{}
		g.Go(func() error {
			r, err := c.player(gctx, s, info, id, tr)
			if err != nil {
				return fmt.Errorf("player %q: %w", id, err)
			}
			found[i] = r
			tr.lookedUp()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		// Lookups that were never started found nothing: that is no answer.
		return nil, ctxErr(ctx)
	}
	seen := make(map[snapshot.ID]struct{}, len(ids))
	out := make([]map[string]any, 0, len(ids))
	for _, r := range found {
		if r != nil {
			out = appendNew(out, seen, []map[string]any{r})
		}
	}
	return out, nil
}

// player looks up one player; a nil record means not found.
func (c *Client) player(ctx context.Context, s *source, info dataset.Info, id string, tr *tracker) (map[string]any, error) {
	v1 := info.PlayerAnswer == dataset.ResultAnswer
	req := request{
		endpoint:    http.MethodGet + " " + info.PlayerPath,
		url:         s.base + playerPath(info, s.cfg.ProjectID, id),
		header:      c.headers(s, info),
		notFound404: info.PlayerAnswer == dataset.ObjectAnswer,
	}
	var record map[string]any
	err := c.get(ctx, s, req, tr, func(a answer) (int, error) {
		if a.notFound {
			return 0, nil
		}
		var err error
		if v1 {
			record, err = blockRecord(a.value, info, id)
		} else {
			record, err = memberRecord(a.value, id)
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
	if v1 && errors.As(err, &apiErr) && blockNotFound(apiErr) {
		return nil, nil
	}
	return record, err
}

// memberRecord reads a Chat member answer: an object about the player
// asked for, or null or {} for a player who does not exist.
func memberRecord(v any, userID string) (map[string]any, error) {
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
	if err := aboutPlayer(r, "id", userID); err != nil {
		return nil, err
	}
	return r, nil
}

// aboutPlayer checks that a per-player answer is about the player asked
// for. An answer about someone else is a server (or proxy cache) mixing up
// players: taking it as the asked player's record, or as "not found", would
// both be false evidence. An answer that does not say whom it is about is
// taken as the asked player's (v1 block answers leave member_id out).
func aboutPlayer(r map[string]any, key, userID string) error {
	v, present := r[key]
	if !present {
		return nil
	}
	got := scalarText(v)
	if got == "" {
		return fmt.Errorf("the answer's %s is %s, not a player id", key, describeShape(v))
	}
	if got != userID {
		return fmt.Errorf("the answer is about player %q, not the player asked for", got)
	}
	return nil
}

// blockRecord unwraps a v1 block answer, {"status":1,"result":{…}}, and
// converts its times (info.JSDates) to RFC 3339. A null or empty result
// means the player is not blocked: no record.
func blockRecord(v any, info dataset.Info, userID string) (map[string]any, error) {
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
	for _, field := range info.JSDates {
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
		converted, err := jsDateToRFC3339(text)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", field, err)
		}
		out[field] = converted
	}
	if err := aboutPlayer(out, info.SubjectKey, userID); err != nil {
		return nil, err
	}
	// The subject key, which the answer may leave out.
	out[info.SubjectKey] = userID
	return out, nil
}

// blockNotFound reports whether a v1 block error means "not blocked": a
// negative status, whatever its code (API.md: {"status":-1,"message":"user
// not found"} is "not found"), not sent with a server error, and whose
// message says the user, member or block was not found ("project not
// found" or "key not found" is a failure).
func blockNotFound(e *APIError) bool {
	if e.Gateway || e.HTTPStatus >= 500 || !strings.HasPrefix(e.Code, "-") {
		return false
	}
	return saysNotFound(e.text, blockWords)
}
