package fetch

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gpaudit/gpaudit/snapshot"
)

// APIError is an error answer of a GAMEPOT or Ncloud Chat endpoint: a body
// with a numeric status other than 1 ({"status":-6,"message":"…"}) or the
// NAVER API gateway's {"error":{"errorCode":"420","message":"…"}}. Callers
// branch on it with errors.As, e.g. to tell a wrong key from a network
// failure.
type APIError struct {
	// Endpoint is the method and path, e.g. "GET /v2/linkings"; per-player
	// paths keep their placeholders. It never holds the query or a key.
	Endpoint string
	// HTTPStatus is the HTTP status the error came with; the APIs send their
	// error bodies with 200 as well as with 4xx.
	HTTPStatus int
	// Code is the body's status ("-6") or the gateway's errorCode ("420").
	Code string
	// Message is the server's message, shortened, with any API key removed
	// (or the message withheld, when removing the key cannot leave it
	// readable; see Client.redact).
	Message string
	// Meaning is the documented meaning of Code (see API.md), "" if undocumented.
	Meaning string
	// Gateway reports whether the error came from the API gateway rather than
	// from GAMEPOT or Ncloud Chat itself.
	Gateway bool

	// text is the server's message as the rules for "not found" read it
	// (Client.scrub): a withheld message must not turn "member not found"
	// into a failure.
	text string
}

// Error names the endpoint, the code and what it means.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.Endpoint)
	if e.Gateway {
		b.WriteString(": API gateway error ")
	} else {
		b.WriteString(": status ")
	}
	b.WriteString(e.Code)
	if e.Meaning != "" {
		b.WriteString(" (" + e.Meaning + ")")
	}
	if e.Message != "" {
		b.WriteString(": " + strconv.Quote(e.Message))
	}
	if e.HTTPStatus != 0 && e.HTTPStatus != http.StatusOK {
		fmt.Fprintf(&b, " [HTTP %d]", e.HTTPStatus)
	}
	return b.String()
}

// statusMeanings are the documented error statuses of GAMEPOT's bodies.
var statusMeanings = map[int]string{
	-1:  "API key not registered or without permission",
	-2:  "API key differs from the dashboard's",
	-3:  "API key was deleted",
	-4:  "API key is disabled",
	-5:  "API key has expired",
	-6:  "project id does not exist",
	-9:  "a required header is missing",
	-11: "bad request parameter",
	-12: "bad request parameter",
	-13: "bad request parameter",
	-14: "bad request parameter",
	-15: "bad request parameter",
	-16: "bad request parameter",
}

// gatewayMeanings are the documented errorCodes of the NAVER API gateway.
var gatewayMeanings = map[string]string{
	"400": "quota exceeded",
	"410": "throttle limited",
	"420": "rate limited",
}

// retryable reports whether asking again may succeed. The documented
// statuses are about keys, projects, headers and parameters, which the same
// request cannot fix; so is an exhausted quota. Throttling passes.
func (e *APIError) retryable() bool {
	if e.Gateway {
		return e.Code == "410" || e.Code == "420"
	}
	if n, err := strconv.Atoi(e.Code); err == nil {
		if _, documented := statusMeanings[n]; documented {
			return false
		}
	}
	// An undocumented status with a server error is worth another try; with
	// 200 or 4xx it is an answer.
	return e.HTTPStatus == http.StatusTooManyRequests || e.HTTPStatus >= 500
}

// errRedirectRefused is a redirect to another host, which would carry the
// API key there; asking again gives the same redirect.
var errRedirectRefused = errors.New("redirect to another host refused")

// errTooLarge marks an answer over ClientOptions.MaxBodyBytes.
var errTooLarge = errors.New("answer is larger than the size limit")

// request is one GET the client sends, with retries.
type request struct {
	// endpoint names the request in errors: method and path, no query.
	endpoint string
	url      string
	header   http.Header
	// notFound404 makes HTTP 404 an answer ("no such player") instead of an error.
	notFound404 bool
}

// answer is a decoded successful response.
type answer struct {
	value    any  // the JSON body, numbers as json.Number
	notFound bool // HTTP 404 on a notFound404 request
}

// attemptError is why one attempt failed and whether to try again.
type attemptError struct {
	err        error
	retry      bool
	retryAfter time.Duration // the server's Retry-After, 0 if none
}

// get sends req until it succeeds, fails for good, or runs out of retries,
// and hands the answer to accept. accept returns the number of records the
// answer gave, for progress; its error is final (a malformed answer will not
// improve by asking again).
func (c *Client) get(ctx context.Context, s *source, req request, tr *tracker, accept func(answer) (int, error)) error {
	for attempt := 1; ; attempt++ {
		ans, aerr := c.attempt(ctx, s, req)
		if aerr == nil {
			n, err := accept(ans)
			tr.request(n, false)
			return err
		}
		if ctx.Err() != nil {
			tr.request(0, false)
			return fmt.Errorf("%s: %w", req.endpoint, ctxErr(ctx))
		}
		retry := aerr.retry && attempt <= c.opts.MaxRetries
		tr.request(0, retry)
		if !retry {
			if attempt > 1 {
				return fmt.Errorf("%w (gave up after %d attempts)", aerr.err, attempt)
			}
			return aerr.err
		}
		if sleep(ctx, c.backoff(attempt, aerr.retryAfter)) != nil {
			return fmt.Errorf("%s: %w", req.endpoint, ctxErr(ctx))
		}
	}
}

// attempt sends req once, within the source's limits.
func (c *Client) attempt(ctx context.Context, s *source, req request) (answer, *attemptError) {
	if err := s.acquire(ctx); err != nil {
		return answer{}, &attemptError{err: fmt.Errorf("%s: %w", req.endpoint, err)}
	}
	defer s.release()

	actx, cancel := context.WithTimeout(ctx, c.opts.RequestTimeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(actx, http.MethodGet, req.url, nil)
	if err != nil {
		return answer{}, &attemptError{err: fmt.Errorf("%s: %w", req.endpoint, stripURL(err))}
	}
	hreq.Header = req.header.Clone()
	resp, err := c.http.Do(hreq)
	if err != nil {
		return answer{}, c.transportError(ctx, actx, req, err)
	}
	defer resp.Body.Close()
	body, err := readCapped(resp.Body, c.opts.MaxBodyBytes)
	if err != nil {
		if errors.Is(err, errTooLarge) {
			return answer{}, &attemptError{err: fmt.Errorf("%s: %w (%d bytes)", req.endpoint, err, c.opts.MaxBodyBytes)}
		}
		return answer{}, c.transportError(ctx, actx, req, err)
	}
	return c.classify(req, resp, body)
}

// transportError describes a request that got no complete answer. Resets,
// time-outs and cut bodies are worth retrying; a refused redirect is not,
// nor anything once the caller's context ended, nor a request net/http could
// not even send.
func (c *Client) transportError(ctx, actx context.Context, req request, err error) *attemptError {
	if ctx.Err() != nil {
		return &attemptError{err: ctxErr(ctx)}
	}
	if errors.Is(err, errRedirectRefused) {
		return &attemptError{err: fmt.Errorf("%s: %w", req.endpoint, errRedirectRefused)}
	}
	if errors.Is(actx.Err(), context.DeadlineExceeded) {
		return &attemptError{
			err:   fmt.Errorf("%s: no answer within %s", req.endpoint, c.opts.RequestTimeout),
			retry: true,
		}
	}
	err = stripURL(err)
	return &attemptError{err: fmt.Errorf("%s: %w", req.endpoint, err), retry: networkFailure(err)}
}

// networkFailure reports whether err is the network failing, which asking
// again may get past: a reset, a refused or dropped connection, a time-out,
// a body cut short. Everything else net/http returns is about the request
// itself (a header value it refuses to send, an unsupported scheme) or a
// server that will answer the same way again (an untrusted certificate, a
// host name that does not exist), and retrying only delays the error.
func networkFailure(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return !dnsErr.IsNotFound
	}
	var certErr *tls.CertificateVerificationError
	if errors.As(err, &certErr) {
		return false
	}
	var netErr net.Error
	var errno syscall.Errno
	if errors.As(err, &netErr) || errors.As(err, &errno) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	// net/http's HTTP/2 failures (GOAWAY, stream resets, a lost connection)
	// and its "server closed idle connection" are unexported types: their
	// text is the only handle on them.
	msg := err.Error()
	return strings.HasPrefix(msg, "http2: ") || strings.Contains(msg, "server closed idle connection")
}

// deadlineError is the caller's context reaching its deadline: in gpaudit,
// the run's --timeout. errors.Is(err, context.DeadlineExceeded) holds; the
// text says what it means for the cohort instead of "context deadline
// exceeded".
type deadlineError struct{ text string }

func (e *deadlineError) Error() string { return e.text }
func (e *deadlineError) Unwrap() error { return context.DeadlineExceeded }

var (
	errRunDeadline = &deadlineError{"not fetched before the run's --timeout"}
	// errRateLimitPastDeadline is a request that the rate limit would let
	// through only after the deadline; waiting for it is pointless.
	errRateLimitPastDeadline = &deadlineError{"not fetched before the run's --timeout: the rate limit allows no more requests before it"}
)

// ctxErr is why ctx ended, with a deadline said as errRunDeadline.
func ctxErr(ctx context.Context) error {
	err := ctx.Err()
	if errors.Is(err, context.DeadlineExceeded) {
		return errRunDeadline
	}
	return err
}

// stripURL drops the URL that net/http puts in its errors: its query holds
// the cohort's filter, which may name a player's email.
func stripURL(err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return uerr.Err
	}
	return err
}

// classify turns a complete HTTP answer into a decoded body or an error.
func (c *Client) classify(req request, resp *http.Response, body []byte) (answer, *attemptError) {
	status := resp.StatusCode
	serverBusy := status == http.StatusTooManyRequests || status >= 500
	var retryAfter time.Duration
	if serverBusy {
		retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), resp.Header.Get("Date"))
	}

	if status == http.StatusNotFound && req.notFound404 {
		return c.classify404(req, body)
	}

	v, jerr := snapshot.DecodeJSON(body)
	if jerr != nil {
		what := c.describeBody(body, jerr)
		if serverBusy {
			return answer{}, &attemptError{err: fmt.Errorf("%s: HTTP %d with %s", req.endpoint, status, what), retry: true, retryAfter: retryAfter}
		}
		if status >= 400 {
			return answer{}, &attemptError{err: fmt.Errorf("%s: HTTP %d with %s", req.endpoint, status, what)}
		}
		// Truncated JSON is a connection cut short; anything else is not
		// JSON at all, which asking again will not change.
		return answer{}, &attemptError{
			err:   fmt.Errorf("%s: %s", req.endpoint, what),
			retry: errors.Is(jerr, io.ErrUnexpectedEOF),
		}
	}
	if apiErr := c.bodyError(req, status, v); apiErr != nil {
		return answer{}, &attemptError{err: apiErr, retry: apiErr.retryable(), retryAfter: retryAfter}
	}
	if serverBusy {
		return answer{}, &attemptError{
			err:        fmt.Errorf("%s: HTTP %d with a JSON body that is no known error", req.endpoint, status),
			retry:      true,
			retryAfter: retryAfter,
		}
	}
	if status >= 400 {
		return answer{}, &attemptError{err: fmt.Errorf("%s: HTTP %d with a JSON body that is no known error", req.endpoint, status)}
	}
	return answer{value: v}, nil
}

// classify404 reads HTTP 404 from the Chat member endpoint, where API.md
// decides that a 404 with a JSON body is about the member: "not found",
// whatever the body's status, since the server sends its key statuses
// there too. Two 404s stay errors, because taking them as "not found"
// would make every player vanish without one: a body that is not JSON (a
// proxy or a route that does not exist), and a JSON body about the request
// itself (the API gateway's error shape, or a message naming the project,
// key, header or route and not the member). An empty body is not JSON.
func (c *Client) classify404(req request, body []byte) (answer, *attemptError) {
	v, err := snapshot.DecodeJSON(body)
	if err != nil {
		// An empty body too: API.md lists only JSON answers as "not found".
		return answer{}, &attemptError{err: fmt.Errorf("%s: HTTP 404 with %s", req.endpoint, c.describeBody(body, err))}
	}
	apiErr := c.bodyError(req, http.StatusNotFound, v)
	if apiErr != nil && apiErr.Gateway {
		return answer{}, &attemptError{err: apiErr, retry: apiErr.retryable()}
	}
	obj, _ := v.(map[string]any)
	msg, _ := obj["message"].(string)
	if !requestWords.MatchString(msg) || memberNotFound(msg) {
		return answer{notFound: true}, nil
	}
	if apiErr != nil {
		return answer{}, &attemptError{err: apiErr}
	}
	return answer{}, &attemptError{
		err: fmt.Errorf("%s: HTTP 404 about the request, not the member: %q", req.endpoint, clip(c.redact(msg), 200)),
	}
}

// memberNotFound reports whether msg says the member was not found, even
// if it names the project or key too ("member not found in this project").
func memberNotFound(msg string) bool {
	return notFoundWords.MatchString(msg) && memberWords.MatchString(msg)
}

// bodyError recognises the two error shapes in a decoded body. A record
// has an "id", so an object with one is never taken for an error even if it
// has a status field of its own.
func (c *Client) bodyError(req request, httpStatus int, v any) *APIError {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	if gw, ok := obj["error"].(map[string]any); ok {
		code := scalarText(gw["errorCode"])
		if code != "" {
			meaning, documented := gatewayMeanings[code]
			if !documented {
				// Any text at all: shown as the message is.
				code = clip(c.redact(code), 40)
			}
			msg, _ := gw["message"].(string)
			return &APIError{
				Endpoint:   req.endpoint,
				HTTPStatus: httpStatus,
				Code:       code,
				Message:    clip(c.redact(msg), 200),
				Meaning:    meaning,
				Gateway:    true,
				text:       c.scrub(msg),
			}
		}
	}
	if _, isRecord := obj["id"]; isRecord {
		return nil
	}
	n, ok := obj["status"].(json.Number)
	if !ok || string(n) == "1" {
		return nil
	}
	code, err := n.Int64()
	if err != nil {
		code = 0
	}
	msg, _ := obj["message"].(string)
	return &APIError{
		Endpoint:   req.endpoint,
		HTTPStatus: httpStatus,
		Code:       string(n),
		Message:    clip(c.redact(msg), 200),
		Meaning:    statusMeanings[int(code)],
		text:       c.scrub(msg),
	}
}

// describeBody says what a body that is not JSON looks like. HTML and text
// are quoted (first 200 bytes) since they come from proxies and servers, not
// from player data; JSON cut short is only described, since its first bytes
// are records that may hold emails.
func (c *Client) describeBody(body []byte, jerr error) string {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return "an empty body"
	}
	if trimmed[0] == '{' || trimmed[0] == '[' {
		if errors.Is(jerr, io.ErrUnexpectedEOF) {
			return fmt.Sprintf("truncated JSON (%d bytes)", len(body))
		}
		// The parser quotes a byte of the body, which may be a short key.
		return fmt.Sprintf("malformed JSON (%d bytes): %s", len(body), c.redact(jerr.Error()))
	}
	// Redact before clipping, so that no part of a key survives the cut.
	return fmt.Sprintf("a body that is not JSON: %q", clip(c.redact(string(body)), 200))
}

// readCapped reads r whole, failing with errTooLarge beyond limit bytes.
func readCapped(r io.Reader, limit int64) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > limit {
		return nil, errTooLarge
	}
	return body, nil
}

// maxRetryAfter bounds how long a server may make the client wait: beyond a
// minute, failing and letting the user decide is kinder than hanging.
const maxRetryAfter = 60 * time.Second

// parseRetryAfter reads Retry-After as seconds or as an HTTP date. A date is
// measured against the answer's own Date header, so a skewed local clock
// does not matter; without one the wait is unknown and left to the backoff.
func parseRetryAfter(value, date string) time.Duration {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseFloat(value, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > maxRetryAfter.Seconds() {
			return maxRetryAfter
		}
		d = time.Duration(secs * float64(time.Second))
	} else {
		at, err := http.ParseTime(value)
		if err != nil {
			return 0
		}
		now, err := http.ParseTime(date)
		if err != nil {
			return 0
		}
		d = at.Sub(now)
	}
	return min(max(d, 0), maxRetryAfter)
}

// maxBackoff bounds the exponential backoff between attempts.
const maxBackoff = 30 * time.Second

// backoff is the wait before attempt+1: full jitter over an exponentially
// growing window, so that clients that failed together do not return
// together; at least the server's Retry-After.
func (c *Client) backoff(attempt int, retryAfter time.Duration) time.Duration {
	window := c.opts.Backoff
	for i := 1; i < attempt && window < maxBackoff; i++ {
		window *= 2
	}
	window = min(window, maxBackoff)
	if retryAfter > 0 {
		// The server said when; a little jitter keeps parallel requests apart.
		return retryAfter + c.jitter(c.opts.Backoff)
	}
	return c.jitter(window)
}

// jitter returns a random duration in [0, d).
func (c *Client) jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	c.randMu.Lock()
	defer c.randMu.Unlock()
	return time.Duration(c.rand.Int64N(int64(d)))
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// scalarText renders a JSON string or number as text, "" otherwise.
func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return string(x)
	}
	return ""
}

// The APIs say "no such player" only in words. These recognise a message
// that says something was not found and that it is the player (or, on the
// v1 endpoint, the block); a message that names the project, the key, a
// header or a route is about the request, however it is worded.
var (
	notFoundWords = regexp.MustCompile(`(?i)not\s*found|not\s*exists?|n't\s*exist|no\s+such|unknown\s+(user|member|player)|not\s*blocked`)
	memberWords   = regexp.MustCompile(`(?i)user|member|player`)
	blockWords    = regexp.MustCompile(`(?i)user|member|player|block`)
	requestWords  = regexp.MustCompile(`(?i)project|api[\s_-]*key|\bkey\b|header|route|endpoint|path|url|cannot\s+get`)
)

// saysNotFound reports whether msg says that the thing subject names was
// not found, and names nothing about the request.
func saysNotFound(msg string, subject *regexp.Regexp) bool {
	return notFoundWords.MatchString(msg) && subject.MatchString(msg) && !requestWords.MatchString(msg)
}
