package sandbox

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"mime"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gpaudit/gpaudit/dataset"
)

// routes serves the endpoints of every dataset in the table, so that the
// sandbox and the client cannot disagree about a path, and notes in
// languagePatterns those that take accept-language. The ServeMux patterns,
// without the method, are also the keys of Stats.ByPath.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	s.languagePatterns = map[string]bool{}
	for _, d := range dataset.All() {
		if d.List() {
			mux.HandleFunc(http.MethodGet+" "+d.ListPath, func(w http.ResponseWriter, r *http.Request) {
				s.list(w, r, d)
			})
		}
		if !d.PerPlayer() {
			continue
		}
		pattern := http.MethodGet + " " + d.PlayerPath
		if d.Headers == dataset.GamepotV1Headers {
			s.languagePatterns[pattern] = true
		}
		switch d.PlayerAnswer {
		case dataset.ResultAnswer:
			mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) { s.userBlock(w, r, d) })
		case dataset.ObjectAnswer:
			mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) { s.chatMember(w, r, d) })
		}
	}
	mux.HandleFunc("/", s.unknown)
	return mux
}

// ServeHTTP answers one request: after Latency, a due scripted fault, the
// rate limit and FailRate, in that order, get the first say; otherwise the
// endpoint answers from the snapshot.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, pattern := s.mux.Handler(r)
	endpoint := endpointName(pattern)
	s.stats.request(endpoint)

	if !s.pause(r.Context(), s.opts.Latency) {
		s.logf("%s %s: dropped, the client went away during latency", r.Method, endpoint)
		return
	}
	if f, ok := s.faults.scripted(r.URL.Path); ok {
		s.stats.add(1, 0)
		s.logf("%s %s: fault %s", r.Method, endpoint, f.Kind)
		s.answerFault(w, r, f)
		return
	}
	if s.limiter != nil {
		if ok, wait := s.limiter.take(); !ok {
			s.stats.add(0, 1)
			s.logf("%s %s: 429 rate limited", r.Method, endpoint)
			writeRateLimited(w, http.StatusTooManyRequests, retryAfterSeconds(wait))
			return
		}
	}
	if s.faults.fail() {
		s.stats.add(1, 0)
		s.logf("%s %s: 503 fail rate", r.Method, endpoint)
		writeHTML503(w, "")
		return
	}
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	s.mux.ServeHTTP(rec, r)
	if lang := r.Header.Get("accept-language"); lang != "" && s.languagePatterns[pattern] {
		s.logf("%s %s: %d (accept-language %q)", r.Method, endpoint, rec.status, lang)
		return
	}
	s.logf("%s %s: %d", r.Method, endpoint, rec.status)
}

// endpointName turns a ServeMux pattern into a Stats.ByPath key.
func endpointName(pattern string) string {
	_, path, ok := strings.Cut(pattern, " ")
	if !ok {
		return "other" // the catch-all "/"
	}
	return path
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf("sandbox: "+format, args...)
	}
}

// pause waits d, and reports false when the request or the server ended first.
func (s *Server) pause(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}

// statusRecorder remembers the status code for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// apiError is an answer in the APIs' own error shape {"status":N,"message":…}.
type apiError struct {
	httpStatus int
	status     int
	message    string
}

func (e *apiError) write(w http.ResponseWriter) {
	body, _ := json.Marshal(struct {
		Status  int    `json:"status"`
		Message string `json:"message"`
	}{e.status, e.message})
	writeJSON(w, e.httpStatus, body)
}

// The HTTP statuses of the API errors. The real ones are not documented;
// the client must read the body's status either way.
func errHeaderMissing(header string) *apiError {
	return &apiError{http.StatusBadRequest, -9, "required header missing: " + header}
}

var (
	errWrongKey = &apiError{http.StatusUnauthorized, -1, "API key is not registered or has no permission."}
	errProject  = &apiError{http.StatusBadRequest, -6, "projectId was wrong."}
)

func errParam(err error) *apiError {
	return &apiError{http.StatusBadRequest, -11, err.Error()}
}

// authenticate checks the headers of a request for dataset d and returns
// the source its project id names: the path's for the v1 GAMEPOT API, the
// x-project-id header's otherwise.
func (s *Server) authenticate(r *http.Request, d dataset.Info) (*source, *apiError) {
	key := r.Header.Get("x-api-key")
	if key == "" {
		return nil, errHeaderMissing("x-api-key")
	}
	projectID := ""
	if d.Headers == dataset.GamepotV1Headers {
		projectID = r.PathValue("projectId")
	}
	if projectID == "" {
		if projectID = r.Header.Get("x-project-id"); projectID == "" {
			return nil, errHeaderMissing("x-project-id")
		}
	}
	if d.Headers == dataset.GamepotHeaders && !acceptsJSON(r.Header.Values("Accept")) {
		return nil, errHeaderMissing("Accept: application/json")
	}
	if subtle.ConstantTimeCompare([]byte(key), []byte(s.opts.APIKey)) != 1 {
		return nil, errWrongKey
	}
	src, ok := s.sources[projectID]
	if !ok || src.kind != d.SourceKind {
		return nil, errProject
	}
	return src, nil
}

// acceptsJSON reports whether the Accept header values admit application/json.
func acceptsJSON(values []string) bool {
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err == nil && (mt == "application/json" || mt == "application/*" || mt == "*/*") {
				return true
			}
		}
	}
	return false
}

// list answers the list endpoint of d: a page of records, or their count.
func (s *Server) list(w http.ResponseWriter, r *http.Request, d dataset.Info) {
	src, apiErr := s.authenticate(r, d)
	if apiErr != nil {
		apiErr.write(w)
		return
	}
	lq, err := parseListQuery(r.URL.Query())
	if err != nil {
		errParam(err).write(w)
		return
	}
	var rows []int32
	t := src.tables[d.Name]
	if t != nil { // a dataset the snapshot lacks is a dataset with no records
		if !t.coversFilter(lq.filter) {
			errFilterNotCovered(t, lq.filterKey).write(w)
			return
		}
		rows = s.views.view(t, &lq)
	}
	if lq.count {
		writeJSON(w, http.StatusOK, countBody(s.countShape[d.Name], d, len(rows)))
		return
	}
	writeJSON(w, http.StatusOK, pageBody(t, s.page(rows, &lq)))
}

// page picks the rows of the list page lq asks for, with the list faults
// OffsetCap, PageCap and SwapDuplicate applied in that order.
func (s *Server) page(rows []int32, lq *listQuery) []int32 {
	if s.opts.OffsetCap > 0 && lq.offset >= s.opts.OffsetCap {
		return nil
	}
	perPage := lq.perPage
	if s.opts.PageCap > 0 {
		perPage = min(perPage, s.opts.PageCap)
	}
	start := min(lq.offset, len(rows))
	end := min(start+perPage, len(rows))
	page := rows[start:end]
	if s.opts.SwapDuplicate && start > 0 && len(page) > 0 {
		page = slices.Clone(page) // rows is a cached view, shared by every request
		page[0] = rows[start-1]
	}
	return page
}

// pageBody joins the encoded records of rows into one JSON array.
func pageBody(t *table, rows []int32) []byte {
	if len(rows) == 0 {
		return []byte("[]")
	}
	parts := make([][]byte, len(rows))
	n := len(rows) + 1 // brackets and commas
	for i, row := range rows {
		parts[i] = t.encode(row)
		n += len(parts[i])
	}
	body := make([]byte, 0, n)
	body = append(body, '[')
	for i, p := range parts {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, p...)
	}
	return append(body, ']')
}

// userBlock answers the per-player endpoint of d in the v1 result shape
// (dataset.ResultAnswer), the block endpoint's
// GET /v1/api/project/{projectId}/user/{userId}/block.
func (s *Server) userBlock(w http.ResponseWriter, r *http.Request, d dataset.Info) {
	src, apiErr := s.authenticate(r, d)
	if apiErr != nil {
		apiErr.write(w)
		return
	}
	result := []byte("null") // not blocked
	if t := src.tables[d.Name]; t != nil {
		userID := r.PathValue("userId")
		if !t.coversPlayer(userID) {
			errPlayerNotCovered(t, userID).write(w)
			return
		}
		if rec := t.activeBlock(t.answeredAs(userID, s.opts.WrongPlayer)); rec != nil {
			result = marshal(v1Record(rec, d.JSDates))
		}
	}
	body := make([]byte, 0, len(result)+32)
	body = append(body, `{"status":1,"result":`...)
	body = append(body, result...)
	writeJSON(w, http.StatusOK, append(body, '}'))
}

// v1Record returns a copy of a stored user_block record with its RFC 3339
// times in fields written back the way the v1 API writes them.
func v1Record(rec map[string]any, fields []string) map[string]any {
	out := make(map[string]any, len(rec))
	for k, v := range rec {
		out[k] = v
	}
	for _, k := range fields {
		if s, ok := out[k].(string); ok {
			if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
				out[k] = jsDateString(t)
			}
		}
	}
	return out
}

// jsDateString renders t as JavaScript's Date.prototype.toString does in a
// zone of t's offset: "Mon May 11 2020 12:02:00 GMT+0900 (Korean Standard Time)".
func jsDateString(t time.Time) string {
	return t.Format("Mon Jan 02 2006 15:04:05 GMT-0700") + " (" + zoneName(t) + ")"
}

// zoneName is the parenthesised zone name: the long names of the two
// offsets gpaudit meets most, else the "GMT+09:00" form browsers use when
// they know no name.
func zoneName(t time.Time) string {
	switch _, offset := t.Zone(); offset {
	case 0:
		return "Coordinated Universal Time"
	case 9 * 60 * 60:
		return "Korean Standard Time"
	}
	return t.Format("GMT-07:00")
}

// chatMember answers the per-player endpoint of d with the record itself
// (dataset.ObjectAnswer), Chat's GET /v1/api/members/{userId}.
func (s *Server) chatMember(w http.ResponseWriter, r *http.Request, d dataset.Info) {
	src, apiErr := s.authenticate(r, d)
	if apiErr != nil {
		apiErr.write(w)
		return
	}
	if t := src.tables[d.Name]; t != nil {
		userID := r.PathValue("userId")
		if !t.coversPlayer(userID) {
			errPlayerNotCovered(t, userID).write(w)
			return
		}
		if rows := t.lookup(t.info.SubjectKey, t.answeredAs(userID, s.opts.WrongPlayer)); len(rows) > 0 {
			writeJSON(w, http.StatusOK, t.encode(rows[0]))
			return
		}
	}
	writeJSON(w, http.StatusNotFound, []byte(`{"message":"member not found"}`))
}

// unknown answers every path that is not an endpoint, and other methods.
func (s *Server) unknown(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET")
		(&apiError{http.StatusMethodNotAllowed, -11, "method not allowed: the sandbox answers GET only"}).write(w)
		return
	}
	(&apiError{http.StatusNotFound, -11, "unknown endpoint"}).write(w)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// gatewayRateLimited is the NAVER API gateway's answer to too many requests.
const gatewayRateLimited = `{"error":{"errorCode":"420","message":"Rate limited"}}`

func writeRateLimited(w http.ResponseWriter, status int, retryAfter string) {
	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	writeJSON(w, status, []byte(gatewayRateLimited))
}

const html503 = "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n" +
	"<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n</body>\r\n</html>\r\n"

func writeHTML503(w http.ResponseWriter, retryAfter string) {
	h := w.Header()
	h.Set("Content-Type", "text/html")
	if retryAfter != "" {
		h.Set("Retry-After", retryAfter)
	}
	h.Set("Content-Length", strconv.Itoa(len(html503)))
	w.WriteHeader(http.StatusServiceUnavailable)
	w.Write([]byte(html503))
}

// answerFault answers a request with scripted fault f.
func (s *Server) answerFault(w http.ResponseWriter, r *http.Request, f Fault) {
	switch f.Kind {
	case Fault429:
		writeRateLimited(w, http.StatusTooManyRequests, retryAfterSeconds(max(f.RetryAfter, time.Second)))
	case FaultGatewayError:
		writeRateLimited(w, http.StatusTooManyRequests, "")
	case FaultHTML503:
		retryAfter := ""
		if f.RetryAfter > 0 {
			retryAfter = retryAfterSeconds(f.RetryAfter)
		}
		writeHTML503(w, retryAfter)
	case FaultMalformedJSON:
		writeJSON(w, http.StatusOK, s.truncatedAnswer(r))
	case FaultReset:
		resetConnection(w)
	case FaultHang:
		select {
		case <-r.Context().Done():
		case <-s.done:
			panic(http.ErrAbortHandler) // the server is closing: drop the connection
		}
	}
}

// truncatedAnswer is the first half of the answer the request would get.
func (s *Server) truncatedAnswer(r *http.Request) []byte {
	var buf bufferWriter
	s.mux.ServeHTTP(&buf, r)
	body := buf.body.Bytes()
	body = body[:len(body)/2]
	// Half of a count can still be a whole number; half of any object or
	// array never parses.
	if json.Valid(body) || len(body) == 0 {
		return []byte(`{"status":1,"result":`)
	}
	return body
}

// bufferWriter captures an answer in memory.
type bufferWriter struct {
	header http.Header
	body   bytes.Buffer
}

func (b *bufferWriter) Header() http.Header {
	if b.header == nil {
		b.header = http.Header{}
	}
	return b.header
}
func (b *bufferWriter) Write(p []byte) (int, error) { return b.body.Write(p) }
func (b *bufferWriter) WriteHeader(int)             {}

// resetConnection closes the request's connection without an answer, with
// a TCP reset when it can, as a crashing proxy would.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// HTTP/2, or a writer that cannot be hijacked: net/http aborts the
		// stream instead.
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.SetLinger(0)
	}
	conn.Close()
}
