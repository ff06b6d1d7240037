// Package sandbox serves a snapshot folder as a local fake of the GAMEPOT and
// Ncloud Chat APIs, so that gpaudit's client, its tests and users' CI can run
// against real HTTP without a NAVER Cloud account.
//
// One Server answers both APIs on one loopback port (their paths do not
// collide) with the semantics described in API.md: exact-match filter,
// ordered sort, offset paging, count answers, required headers and the
// documented status codes. Project ids are the snapshot's source IDs, e.g.
// "gamepot.main". Fault injection (latency, random 503s, a rate limit and
// scripted faults) makes the client's retries testable; list faults (a
// capped per_page, an offset past which pages are empty, a record repeated
// in place of another) and a per-player answer about the wrong player make
// its completeness checks testable.
//
// It is modelled on net/http/httptest: NewServer starts a real server on
// 127.0.0.1 (sandboxtest.New also closes it when the test ends), and Serve
// runs it for `gpaudit sandbox`, refusing any address that is not loopback.
//
// # Answers
//
// The real APIs do not document their HTTP statuses; the sandbox answers:
//
//	list, ok               200 JSON array (per_page 20 when option has none)
//	count (option.count)   200 in the endpoint's count shape (see CountShapes)
//	v1 block               200 {"status":1,"result":{…}} with JavaScript Date.toString() times
//	v1 block, not blocked  200 {"status":1,"result":null}
//	chat member            200 the member object
//	chat member, unknown   404 {"message":"member not found"}
//	header missing         400 {"status":-9,"message":"required header missing: x-api-key"}
//	                           (or x-project-id, or "Accept: application/json" on /v2)
//	wrong key              401 {"status":-1,"message":"API key is not registered or has no permission."}
//	unknown project        400 {"status":-6,"message":"projectId was wrong."}
//	bad filter/sort/option 400 {"status":-11,"message":"<which parameter and why>"}
//	not in the snapshot    400 {"status":-11,"message":"the sandbox snapshot does not cover …"}
//	unknown path           404 {"status":-11,"message":"unknown endpoint"}
//	method other than GET  405 {"status":-11,"message":"method not allowed: the sandbox answers GET only"}
//	rate limited           429 {"error":{"errorCode":"420","message":"Rate limited"}} with Retry-After
//	FailRate               503 an HTML page
//
// Headers are checked in this order: x-api-key present, x-project-id
// present, Accept, key right, project known; parameters after them. A
// project id is known when it is a source of the snapshot of the API's kind
// (gamepot.* for GAMEPOT, ncloud_chat.* for Chat).
//
// # Coverage
//
// A snapshot holds what was fetched: the records matching the filters its
// manifest lists and the records of the players it lists as looked up. The
// sandbox answers only from that, by the rule an offline run applies: a list
// request (or its count) when some fetched filter is a subset of the
// request's filter; a per-player request when the player was looked up or
// the filter {} was fetched. Anything else is answered 400 status -11 "the
// sandbox snapshot does not cover …", never as absent, so that a run saved
// with --save-snapshot cannot claim data its source never held. A dataset
// with no file at all for a known project is different: it is the sandbox's
// way of describing a project without such records, and answers as empty
// (an empty list, a count of 0, not blocked, member not found).
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"log"
	"math"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gpaudit/gpaudit/snapshot"
)

// Options configure a Server.
type Options struct {
	// Data is the snapshot folder to serve (the layout in SPEC). Every data
	// file is read and checked when the Server is made.
	Data string
	// APIKey is the x-api-key every request must carry; it is required.
	APIKey string
	// Latency delays every answer, faults included. A request whose client
	// gives up while it waits gets no answer.
	Latency time.Duration
	// FailRate is the fraction of requests, 0..1, answered HTTP 503 with an
	// HTML body, as a load balancer in front of the API would.
	FailRate float64
	// RateLimit is the number of requests per second allowed over all
	// endpoints together (a token bucket whose burst is RateLimit rounded up);
	// excess requests are answered HTTP 429 with Retry-After. 0 means no limit.
	RateLimit float64
	// Seed drives FailRate, so that a run with the same seed and the same
	// sequence of requests fails the same requests.
	Seed uint64
	// Faults are scripted faults, for tests; see Fault.
	Faults []Fault
	// PageCap, when above 0, is the most rows a list page holds, whatever
	// per_page asks: a server that caps per_page silently. Counts are not
	// affected.
	PageCap int
	// OffsetCap, when above 0, makes every list page at an offset of
	// OffsetCap or more answer an empty list (HTTP 200, []), while counts
	// still report every matching record: a server that stops answering
	// past some offset. A page that starts below OffsetCap is answered
	// whole, even where it runs past it.
	OffsetCap int
	// SwapDuplicate makes every list page at an offset o above 0 answer, in
	// place of its first row (the record at position o of the filtered,
	// sorted list), the record at position o-1: the last record before the
	// page, which a client paging page after page has just received. Such a
	// client sees that record twice and never sees record o, one record lost
	// per page. The first page (offset 0), empty pages and counts are not
	// affected; PageCap and OffsetCap apply first.
	SwapDuplicate bool
	// WrongPlayer, when set, makes the per-player endpoints (the v1 block
	// and the Chat member by id) answer a lookup of this player id, HTTP 200,
	// with the record they would answer for another player: the first
	// player of the data file, in file order, other than WrongPlayer. It is
	// answered whether or not WrongPlayer has a record. A lookup of a
	// player the snapshot does not cover is still refused, and a data file
	// that holds no other player answers as usual. New fails when no
	// per-player data file of the snapshot both covers WrongPlayer and
	// holds another player, so that the fault cannot go unused by mistake.
	WrongPlayer string
	// CountShape forces the shape of count answers on every list endpoint:
	// "number", "count", "totalCount", "data" or "result" (see CountShapes).
	// "" keeps each endpoint's default.
	CountShape string
	// Logf, when set, receives one line per request: method, endpoint
	// pattern and the answer. Keys, query parameters and user ids are never
	// logged.
	Logf func(format string, args ...any)
}

// Server is a fake GAMEPOT and Ncloud Chat API serving one snapshot. It is
// an http.Handler; NewServer and Serve also run it on a loopback port. A
// Server is safe for concurrent use.
type Server struct {
	opts       Options
	countShape map[string]string // by dataset
	sources    map[string]*source
	views      viewCache
	mux        *http.ServeMux
	// languagePatterns are the endpoints whose accept-language the log shows.
	languagePatterns map[string]bool
	limiter          *limiter // nil when there is no rate limit
	faults           faultState
	stats            statsState

	// done is closed by Close and when Serve stops: answers still waiting
	// (latency, FaultHang) are then dropped instead of holding shutdown up.
	done      chan struct{}
	closeOnce sync.Once

	mu       sync.Mutex
	srv      *http.Server
	listener net.Listener
	url      string
}

// shutdownGrace bounds how long Serve waits for answers in progress once its
// context is done.
const shutdownGrace = 5 * time.Second

// New loads the snapshot in opts.Data and returns a Server that is not yet
// listening: use it as an http.Handler, or call Serve.
func New(opts Options) (*Server, error) {
	if err := checkOptions(&opts); err != nil {
		return nil, err
	}
	sources, err := loadSources(opts.Data)
	if err != nil {
		return nil, err
	}
	if opts.WrongPlayer != "" && !wrongPlayerAnswerable(sources, opts.WrongPlayer) {
		return nil, fmt.Errorf("wrong player %q: no per-player data file of the snapshot covers that player and holds another player to answer in its place",
			opts.WrongPlayer)
	}
	s := &Server{
		opts:       opts,
		countShape: countShapes(opts.CountShape),
		sources:    sources,
		views:      newViewCache(),
		faults:     newFaultState(opts),
		stats:      statsState{byPath: map[string]int{}},
		done:       make(chan struct{}),
	}
	if opts.RateLimit > 0 {
		l := newLimiter(opts.RateLimit)
		s.limiter = &l
	}
	s.mux = s.routes()
	return s, nil
}

func checkOptions(opts *Options) error {
	switch {
	case opts.Data == "":
		return errors.New("no snapshot folder given")
	case opts.APIKey == "":
		return errors.New("no API key given: every request must carry one")
	case opts.Latency < 0:
		return fmt.Errorf("latency %v is negative", opts.Latency)
	case math.IsNaN(opts.FailRate) || opts.FailRate < 0 || opts.FailRate > 1:
		return fmt.Errorf("fail rate %v is not between 0 and 1", opts.FailRate)
	case math.IsNaN(opts.RateLimit) || math.IsInf(opts.RateLimit, 0) || opts.RateLimit < 0:
		return fmt.Errorf("rate limit %v is not a number of requests per second ≥ 0", opts.RateLimit)
	case opts.PageCap < 0:
		return fmt.Errorf("page cap %d is negative: want 0 (no cap) or more rows", opts.PageCap)
	case opts.OffsetCap < 0:
		return fmt.Errorf("offset cap %d is negative: want 0 (no cap) or more", opts.OffsetCap)
	}
	if opts.CountShape != "" && !validCountShape(opts.CountShape) {
		return fmt.Errorf("count shape %q is not one of %v", opts.CountShape, CountShapes)
	}
	for i, f := range opts.Faults {
		if err := f.check(); err != nil {
			return fmt.Errorf("faults[%d]: %w", i, err)
		}
	}
	return nil
}

// NewServer is New followed by listening on a free port of 127.0.0.1, the
// way httptest.NewServer starts. Close stops it.
func NewServer(opts Options) (*Server, error) {
	s, err := New(opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	srv, err := s.start(ln)
	if err != nil {
		ln.Close()
		return nil, err
	}
	go srv.Serve(ln) // ends with ErrServerClosed when Close is called
	return s, nil
}

// start records srv and ln as the Server's one listener.
func (s *Server) start(ln net.Listener) (*http.Server, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return nil, errors.New("sandbox: the server is already running")
	}
	select {
	case <-s.done:
		return nil, errors.New("sandbox: the server is closed")
	default:
	}
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(logWriter{s.opts.Logf}, "sandbox: ", 0),
	}
	s.listener = ln
	s.url = "http://" + ln.Addr().String()
	return s.srv, nil
}

// URL is the base URL of the running server, e.g. "http://127.0.0.1:41234",
// or "" when it is not listening.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

// Close stops the server at once: connections are closed and answers still
// waiting are dropped. It may be called more than once.
func (s *Server) Close() {
	s.abort()
	s.mu.Lock()
	srv, ln := s.srv, s.listener
	s.mu.Unlock()
	if srv != nil {
		srv.Close()
		ln.Close() // in case Serve had not yet taken it over
	}
}

func (s *Server) abort() {
	s.closeOnce.Do(func() { close(s.done) })
}

// Serve listens on addr, which must be a loopback address such as
// 127.0.0.1:8080 or localhost:8080, and serves until ctx is done; it then
// stops accepting requests, drops answers still waiting (latency, hangs)
// and lets the others finish. The sandbox serves player data without TLS,
// so it refuses to listen on any other interface.
func (s *Server) Serve(ctx context.Context, addr string) error {
	ln, err := Listen(addr)
	if err != nil {
		return err
	}
	return s.ServeListener(ctx, ln)
}

// Listen opens addr for a Server, refusing any address that is not loopback
// (also when a host name resolves elsewhere). The caller learns the real
// address, e.g. of port 0, before serving starts.
func Listen(addr string) (net.Listener, error) {
	if err := checkLoopback(addr); err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err // net's error names the address
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
		ln.Close()
		return nil, fmt.Errorf("listen on %s: it resolved to %s, which is not loopback", addr, ln.Addr())
	}
	return ln, nil
}

// ServeListener serves on ln, from Listen, as Serve does.
func (s *Server) ServeListener(ctx context.Context, ln net.Listener) error {
	addr := ln.Addr().String()
	srv, err := s.start(ln)
	if err != nil {
		ln.Close()
		return err
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		if errors.Is(err, http.ErrServerClosed) {
			return nil // Close was called
		}
		return fmt.Errorf("serve on %s: %w", addr, err)
	case <-ctx.Done():
	}
	s.abort()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		srv.Close()
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}

// checkLoopback accepts host:port where host is "localhost" or a loopback IP.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host == "" {
		return errors.New("no host means every network interface; give a loopback address such as 127.0.0.1:8080")
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%s is not a loopback address; the sandbox listens on 127.0.0.1, ::1 or localhost only", host)
	}
	return nil
}

// logWriter sends net/http's own error lines to Options.Logf, or nowhere:
// a package never prints.
type logWriter struct{ logf func(string, ...any) }

func (w logWriter) Write(p []byte) (int, error) {
	if w.logf != nil {
		w.logf("%s", strings.TrimSuffix(string(p), "\n"))
	}
	return len(p), nil
}

// loadSources reads every data file of the snapshot at dir, so that a
// damaged file stops the sandbox at start rather than failing requests.
func loadSources(dir string) (map[string]*source, error) {
	snap, err := snapshot.Open(dir)
	if err != nil {
		return nil, err
	}
	sources := map[string]*source{}
	for _, f := range snap.Manifest().Files {
		records, err := snap.Records(context.Background(), f.Source, f.Dataset)
		if err != nil {
			return nil, fmt.Errorf("load %s/%s: %w", f.Source, f.Dataset, err)
		}
		src := sources[f.Source]
		if src == nil {
			src = newSource(f.Source)
			sources[f.Source] = src
		}
		src.tables[f.Dataset] = newTable(snap, f, records)
	}
	return sources, nil
}
