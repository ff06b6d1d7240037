package fetch

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/dataset"
	"github.com/gpaudit/gpaudit/snapshot"
)

// ClientOptions bound how the Client treats the APIs. Zero values take the
// defaults given.
type ClientOptions struct {
	// HTTPClient sends the requests; default: a client with connection
	// time-outs and no proxy (pass one to use a proxy). The Client works on
	// a copy that refuses redirects to another host, which would carry the
	// API key there.
	HTTPClient *http.Client
	// Concurrency is the most requests in flight per source (default 4).
	Concurrency int
	// RateLimit is the most requests per second per source (default 10);
	// negative means no limit.
	RateLimit float64
	// RequestTimeout bounds one attempt, answer included (default 30s).
	RequestTimeout time.Duration
	// MaxRetries is how many times a failed request is sent again (default
	// 5); negative means never.
	MaxRetries int
	// Backoff is the base of the exponential backoff between attempts
	// (default 250ms).
	Backoff time.Duration
	// MaxBodyBytes caps the size of one answer (default 64 MiB).
	MaxBodyBytes int64
	// UserAgent is sent with every request (default "gpaudit").
	UserAgent string
	// Progress, if set, is called after every request with the cohort's
	// running totals, and once more with Done set. Calls for one cohort never
	// overlap, but different cohorts may call it at the same time.
	Progress func(Progress)
	// Rand is the source of backoff jitter (default: randomly seeded).
	Rand *rand.Rand
	// Via says, in reports, how cohorts were read: ViaAPI (the default) or
	// ViaSandbox.
	Via string
}

// Progress is a cohort's running totals while it is fetched.
type Progress struct {
	Cohort   string
	Records  int // records received so far
	Requests int // requests answered or failed so far, retries included
	Retries  int
	// Total is the number of records the count request announced, or -1
	// when there was none (one page, no concurrency). For a per-player
	// cohort it is the number of players to look up.
	Total int
	// PerPlayer says the cohort is read with one lookup per player; LookedUp
	// counts the players answered so far, found or not.
	PerPlayer bool
	LookedUp  int
	Done      bool
	Err       error // with Done: why the cohort failed
	// Verified, with Done, reports that the records received were held
	// against the endpoint's count (list cohorts whose count is answered).
	Verified bool
}

// Client reads cohorts from the GAMEPOT and Ncloud Chat APIs. It implements
// Store, is safe for concurrent use, and remembers what it fetched for
// Fetched.
type Client struct {
	opts    ClientOptions
	http    *http.Client
	sources map[string]*source
	keys    []string // every source's API key, for redact

	randMu sync.Mutex
	rand   *rand.Rand

	mu      sync.Mutex
	fetched map[string]*fetchedFile // by source + "/" + dataset

	perPage int // PageSize; tests lower or raise it to provoke the server
}

// source is one API source and the limits shared by all its requests.
type source struct {
	cfg   *config.Source
	base  string        // endpoint without a trailing slash
	err   error         // why the source cannot be used, reported on use
	limit *rate.Limiter // nil: no limit
	slots *slots
	// turn lets one request at a time wait for the rate limit, so that an
	// urgent request is the next to get a token rather than queue behind
	// every slot holder's reservation.
	turn *slots
}

// NewClient returns a Client for sources, whose attributes must already be
// resolved (config.Source.Resolve). A source that is missing an endpoint,
// project id or key fails when a cohort first uses it, so unused sources
// need no credentials.
func NewClient(sources []*config.Source, opts ClientOptions) (*Client, error) {
	if opts.Concurrency < 0 {
		return nil, fmt.Errorf("new client: concurrency %d is negative", opts.Concurrency)
	}
	opts.Concurrency = cmp.Or(opts.Concurrency, 4)
	if opts.RateLimit == 0 {
		opts.RateLimit = 10
	}
	opts.RequestTimeout = cmp.Or(opts.RequestTimeout, 30*time.Second)
	opts.Via = cmp.Or(opts.Via, ViaAPI)
	switch {
	case opts.MaxRetries == 0:
		opts.MaxRetries = 5
	case opts.MaxRetries < 0:
		opts.MaxRetries = 0
	}
	opts.Backoff = cmp.Or(opts.Backoff, 250*time.Millisecond)
	opts.MaxBodyBytes = cmp.Or(opts.MaxBodyBytes, 64<<20)
	opts.UserAgent = cmp.Or(opts.UserAgent, "gpaudit")
	if math.IsNaN(opts.RateLimit) {
		return nil, errors.New("new client: rate limit is not a number")
	}
	if opts.RequestTimeout < 0 || opts.Backoff < 0 || opts.MaxBodyBytes < 0 {
		return nil, errors.New("new client: a time-out, backoff or size limit is negative")
	}
	if !validHeaderValue(opts.UserAgent) {
		return nil, errors.New("new client: the user agent contains a newline or other character not allowed in an HTTP header")
	}

	c := &Client{
		opts:    opts,
		http:    sameHostClient(opts.HTTPClient, opts.Concurrency),
		sources: make(map[string]*source, len(sources)),
		rand:    opts.Rand,
		fetched: make(map[string]*fetchedFile),
		perPage: PageSize,
	}
	if c.rand == nil {
		c.rand = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	for _, src := range sources {
		id := src.ID()
		if _, dup := c.sources[id]; dup {
			return nil, fmt.Errorf("new client: source %s is given twice", id)
		}
		s := &source{
			cfg:   src,
			limit: newLimiter(opts.RateLimit),
			slots: newSlots(opts.Concurrency),
			turn:  newSlots(1),
		}
		s.base, s.err = checkSource(src)
		c.sources[id] = s
		if src.APIKey != "" && !slices.Contains(c.keys, src.APIKey) {
			c.keys = append(c.keys, src.APIKey)
		}
	}
	// Longest first: a key inside another must not be replaced out of it
	// and leave the rest of the longer one showing.
	slices.SortFunc(c.keys, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	return c, nil
}

// checkSource returns the source's endpoint without a trailing slash, or why
// the source cannot be used. Its messages never include the key.
func checkSource(src *config.Source) (string, error) {
	if src.Kind != "gamepot" && src.Kind != "ncloud_chat" {
		return "", fmt.Errorf("unknown source kind %q", src.Kind)
	}
	if src.Endpoint == "" {
		return "", errors.New("no endpoint (is the source resolved?)")
	}
	u, err := url.Parse(src.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", errors.New("endpoint is not an http(s) URL")
	}
	if u.User != nil {
		return "", errors.New("endpoint must not hold credentials")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", errors.New("endpoint must not have a query or fragment")
	}
	if src.ProjectID == "" {
		return "", errors.New("no project_id")
	}
	if src.APIKey == "" {
		return "", errors.New("no api_key")
	}
	// These go into headers. net/http refuses to send a value with a
	// newline (a key pasted with one, or read from a file that ends in
	// one), and no retry changes that; the value itself is never quoted,
	// since one of them is the key.
	for _, h := range []struct{ what, value string }{
		{"API key", src.APIKey}, {"project id", src.ProjectID}, {"language", src.Language},
	} {
		if !validHeaderValue(h.value) {
			return "", fmt.Errorf("the %s contains a newline or other character not allowed in an HTTP header", h.what)
		}
	}
	return strings.TrimRight(src.Endpoint, "/"), nil
}

// validHeaderValue reports whether net/http will send v as a header value:
// no control characters other than tab.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if b := v[i]; b < ' ' && b != '\t' || b == 0x7f {
			return false
		}
	}
	return true
}

// sameHostClient returns a copy of hc (or a default client) that does not
// follow redirects to another host: net/http would forward x-api-key there.
func sameHostClient(hc *http.Client, concurrency int) *http.Client {
	var out http.Client
	if hc != nil {
		out = *hc
	} else {
		dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
		out.Transport = &http.Transport{
			DialContext:           dialer.DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          100,
			MaxIdleConnsPerHost:   max(concurrency, 2),
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ExpectContinueTimeout: time.Second,
		}
	}
	next := out.CheckRedirect
	out.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) > 0 && (req.URL.Host != via[0].URL.Host || req.URL.Scheme != via[0].URL.Scheme) {
			return errRedirectRefused
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &out
}

// acquire takes one of the source's request slots and waits for its rate
// limit; release gives the slot back.
func (s *source) acquire(ctx context.Context) error {
	urgent := isUrgent(ctx)
	if err := s.slots.acquire(ctx, urgent); err != nil {
		return ctxErr(ctx)
	}
	if s.limit == nil {
		return nil
	}
	if err := s.turn.acquire(ctx, urgent); err != nil {
		s.slots.release()
		return ctxErr(ctx)
	}
	err := s.limit.Wait(ctx)
	s.turn.release()
	if err != nil {
		s.slots.release()
		if ctx.Err() != nil {
			return ctxErr(ctx)
		}
		// The next slot comes after the run's deadline.
		return errRateLimitPastDeadline
	}
	return nil
}

// newLimiter spaces requests 1/rps apart with no burst, as the APIs
// document no burst allowance; nil for no limit.
func newLimiter(rps float64) *rate.Limiter {
	if rps <= 0 {
		return nil
	}
	return rate.NewLimiter(rate.Limit(rps), 1)
}

func (s *source) release() { s.slots.release() }

// Cohort fetches the records of cohort coh: through the list endpoint when
// users is nil, one request per player otherwise. It implements Store.
// Records are de-duplicated by id, in the order the API gave them (list) or
// in the order of users (per player). A list answer holding a record that
// does not match the cohort's filter fails the cohort; per-player records
// are kept only when they match it. The records are shared with Fetched and
// must not be modified.
func (c *Client) Cohort(ctx context.Context, coh *config.Cohort, users []string) ([]map[string]any, error) {
	r, err := c.Read(ctx, coh, users)
	return r.Records, err
}

// Read is Cohort with the Stats of the fetch: requests, retries, and
// whether the records were verified. It implements Store.
func (c *Client) Read(ctx context.Context, coh *config.Cohort, users []string) (Read, error) {
	tr := c.newTracker(coh.Name)
	records, err := c.cohort(ctx, coh, users, tr)
	p := tr.finish(len(records), err)
	return Read{Records: records, Stats: Stats{
		Via:      c.Via(),
		Requests: p.Requests,
		Retries:  p.Retries,
		Verified: err == nil && p.Verified,
	}}, err
}

// Via is how the Client reads: ClientOptions.Via, ViaAPI by default.
func (c *Client) Via() string { return c.opts.Via }

func (c *Client) cohort(ctx context.Context, coh *config.Cohort, users []string, tr *tracker) ([]map[string]any, error) {
	s, info, err := c.sourceFor(coh)
	if err != nil {
		return nil, err
	}
	switch {
	case users == nil && info.List():
		l, err := c.fetchList(ctx, s, coh, tr)
		if err != nil {
			return nil, fmt.Errorf("fetch %s: %w", coh.Dataset, err)
		}
		tr.setVerified(l.verified)
		c.remember(coh, l.records, filterOrEmpty(coh.Filter), nil)
		return l.records, nil
	case users == nil:
		return nil, fmt.Errorf("fetch %s: the dataset is read per player and the cohort names no users", coh.Dataset)
	case !info.PerPlayer():
		return nil, fmt.Errorf("fetch %s: the dataset cannot be read per player", coh.Dataset)
	}
	found, err := c.fetchPlayers(ctx, s, coh, users, tr)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", coh.Dataset, err)
	}
	c.remember(coh, found, nil, users)
	tr.setVerified(true) // every player asked was answered, found or not
	out := make([]map[string]any, 0, len(found))
	for _, r := range found {
		if snapshot.MatchFilter(r, coh.Filter) {
			out = append(out, r)
		}
	}
	return out, nil
}

// Count asks a list cohort's endpoint how many records match its filter:
// one count request, no pages.
func (c *Client) Count(ctx context.Context, coh *config.Cohort) (int, error) {
	tr := c.newTracker(coh.Name)
	n, err := c.countCohort(ctx, coh, tr)
	tr.finish(0, err)
	return n, err
}

func (c *Client) countCohort(ctx context.Context, coh *config.Cohort, tr *tracker) (int, error) {
	s, info, err := c.sourceFor(coh)
	if err != nil {
		return 0, err
	}
	if !info.List() || coh.Users != nil || coh.UsersCohort != "" {
		return 0, fmt.Errorf("count %s: the cohort is read per player; there is nothing to count", coh.Dataset)
	}
	n, err := c.count(ctx, s, coh, tr)
	if err != nil {
		return 0, fmt.Errorf("count %s: %w", coh.Dataset, err)
	}
	return n, nil
}

// sourceFor finds the cohort's source and checks it can serve the dataset.
func (c *Client) sourceFor(coh *config.Cohort) (*source, dataset.Info, error) {
	s, ok := c.sources[coh.Source]
	if !ok {
		return nil, dataset.Info{}, fmt.Errorf("source %s was not given to the client", coh.Source)
	}
	info, err := checkServes(s.cfg, coh)
	if err != nil {
		return nil, dataset.Info{}, err
	}
	if s.err != nil {
		return nil, dataset.Info{}, fmt.Errorf("source %s: %w", coh.Source, s.err)
	}
	return s, info, nil
}

// minSubstitutedKey is the shortest API key that redact replaces inside a
// server's text. A shorter one turns up by chance in ordinary words (a key
// "e" is in "member", "abc" in "abcdef"): replacing it would leave a message
// nobody can read, so text that holds one is withheld whole instead.
const minSubstitutedKey = 6

// redactedKey takes the place of an API key in a server's text.
const redactedKey = "[api key]"

// withheldText takes the place of a server's text that redact cannot show
// without an API key in it.
const withheldText = "[withheld: it contains the API key]"

// scrub replaces the API keys of at least minSubstitutedKey bytes in s with
// redactedKey. What it gives may still hold a key: it is the text that the
// rules for "not found" read, never text to show (that is redact's).
func (c *Client) scrub(s string) string {
	for _, k := range c.keys {
		if len(k) >= minSubstitutedKey {
			s = strings.ReplaceAll(s, k, redactedKey)
		}
	}
	return s
}

// redact makes text that came from a server safe to show: no API key, of
// any length, appears in what it returns. Keys long enough are replaced
// (see scrub); when a key is still there after that, because it is shorter
// than minSubstitutedKey or because a replacement and the text around it
// spell a key again, the whole text gives way to withheldText.
func (c *Client) redact(s string) string {
	s = c.scrub(s)
	for _, k := range c.keys {
		if strings.Contains(s, k) {
			return withheldText
		}
	}
	return s
}

// tracker keeps one cohort's Progress.
type tracker struct {
	fn func(Progress)
	mu sync.Mutex
	p  Progress
}

func (c *Client) newTracker(cohort string) *tracker {
	return &tracker{fn: c.opts.Progress, p: Progress{Cohort: cohort, Total: -1}}
}

// request counts one answered or failed request that gave records and
// whether it will be retried, and reports progress.
func (t *tracker) request(records int, retry bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.p.Requests++
	t.p.Records += records
	if retry {
		t.p.Retries++
	}
	if t.fn != nil {
		t.fn(t.p)
	}
}

func (t *tracker) setVerified(v bool) {
	t.mu.Lock()
	t.p.Verified = v
	t.mu.Unlock()
}

// perPlayer announces lookups of n players.
func (t *tracker) perPlayer(n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.p.PerPlayer, t.p.Total = true, n
	if t.fn != nil {
		t.fn(t.p)
	}
}

// lookedUp counts one player answered and reports progress.
func (t *tracker) lookedUp() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.p.LookedUp++
	if t.fn != nil {
		t.fn(t.p)
	}
}

func (t *tracker) setTotal(n int) {
	t.mu.Lock()
	t.p.Total = n
	t.mu.Unlock()
}

// finish reports the cohort's end and returns its totals; records is the
// final count after de-duplication.
func (t *tracker) finish(records int, err error) Progress {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.p.Done = true
	t.p.Err = err
	if err == nil {
		t.p.Records = records
	}
	if t.fn != nil {
		t.fn(t.p)
	}
	return t.p
}

// fetchedFile is everything fetched for one source and dataset.
type fetchedFile struct {
	source, dataset string
	records         []map[string]any
	ids             map[snapshot.ID]struct{}
	filters         []map[string]any
	filterSeen      map[string]struct{}
	users           []string
	userSeen        map[string]struct{}
}

// remember adds a successfully fetched cohort to what Fetched returns. Only
// whole cohorts are remembered: a snapshot must not claim a filter or a
// player whose records were not all received.
func (c *Client) remember(coh *config.Cohort, records []map[string]any, filter map[string]any, users []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := coh.Source + "/" + coh.Dataset
	f, ok := c.fetched[key]
	if !ok {
		f = &fetchedFile{
			source:     coh.Source,
			dataset:    coh.Dataset,
			ids:        make(map[snapshot.ID]struct{}),
			filterSeen: make(map[string]struct{}),
			userSeen:   make(map[string]struct{}),
		}
		c.fetched[key] = f
	}
	f.records = appendNew(f.records, f.ids, records)
	if filter != nil {
		text := filterJSON(filter)
		if _, seen := f.filterSeen[text]; !seen {
			f.filterSeen[text] = struct{}{}
			f.filters = append(f.filters, filter)
		}
	}
	for _, u := range users {
		if _, seen := f.userSeen[u]; !seen {
			f.userSeen[u] = struct{}{}
			f.users = append(f.users, u)
		}
	}
}

// Fetched returns everything fetched so far, one entry per source and
// dataset, sorted by them: records de-duplicated by id in the order first
// received, the filters sent to list endpoints ({} for none) and the players
// looked up, found or not. Written with snapshot.Write it gives a snapshot
// that covers exactly what was fetched. Records are shared, not copied.
func (c *Client) Fetched() []snapshot.File {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]snapshot.File, 0, len(c.fetched))
	for _, f := range c.fetched {
		out = append(out, snapshot.File{
			Source:  f.source,
			Dataset: f.dataset,
			Records: slices.Clone(f.records),
			Filters: slices.Clone(f.filters),
			Users:   slices.Clone(f.users),
		})
	}
	slices.SortFunc(out, func(a, b snapshot.File) int {
		return cmp.Or(strings.Compare(a.Source, b.Source), strings.Compare(a.Dataset, b.Dataset))
	})
	return out
}

// appendNew appends the records of add whose ID (snapshot.RecordID) is not
// in seen, adding their IDs to it. Records without an ID are all kept.
func appendNew(dst []map[string]any, seen map[snapshot.ID]struct{}, add []map[string]any) []map[string]any {
	for _, r := range add {
		if id, ok := snapshot.RecordID(r); ok {
			if _, dup := seen[id]; dup {
				continue
			}
			seen[id] = struct{}{}
		}
		dst = append(dst, r)
	}
	return dst
}

func filterOrEmpty(f map[string]any) map[string]any {
	if f == nil {
		return map[string]any{}
	}
	return f
}
