package sandbox_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gpaudit/gpaudit/fetch/sandbox"
	"github.com/gpaudit/gpaudit/snapshot"
)

const benchRecords = 100_000

// benchServer serves 100,000 linkings and as many user_block records.
func benchServer(b *testing.B) *sandbox.Server {
	b.Helper()
	providers := []string{"google", "apple", "facebook"}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.FixedZone("", 9*60*60))
	linkings := snapshot.File{Source: "gamepot.main", Dataset: "linkings", Filters: []map[string]any{{}}}
	blocks := snapshot.File{Source: "gamepot.main", Dataset: "user_block"}
	for i := range benchRecords {
		user := fmt.Sprintf("user-%06d", i)
		blocks.Users = append(blocks.Users, user)
		// Creation times repeat, so the id tie-breaker does real work.
		created := base.Add(time.Duration(i%5000) * time.Minute).Format(time.RFC3339)
		linkings.Records = append(linkings.Records, map[string]any{
			"id": fmt.Sprintf("link-%06d", i), "user_id": user, "provider": providers[i%3],
			"username": fmt.Sprintf("name%d", i), "email": fmt.Sprintf("p%d@example.com", i),
			"member_id": map[string]any{"id": fmt.Sprintf("g%06d", i)},
			"createdAt": created, "updatedAt": created, "deletedAt": nil,
		})
		blocks.Records = append(blocks.Records, map[string]any{
			"id": fmt.Sprintf("block-%06d", i), "member_id": user, "deleted": false, "status": 1 + i%2,
			"type": "manual", "message": nil, "startedAt": created, "endedAt": nil, "createdAt": created,
		})
	}
	s, err := sandbox.New(sandbox.Options{Data: writeSnapshot(b, []snapshot.File{linkings, blocks}), APIKey: testKey})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkListPage serves one 100-record page of a filtered, sorted list
// from 100,000 records, as a client paging through it asks for it.
func BenchmarkListPage(b *testing.B) {
	s := benchServer(b)
	q := listQuery(`{"provider":"google"}`, `{"createdAt":"-1","id":"1"}`, `{"offset":20000,"per_page":100}`)
	req := httptest.NewRequest(http.MethodGet, "/v2/linkings?"+q.Encode(), nil)
	req.Header = gamepotHeaders("gamepot.main")
	serve := func() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK || w.Body.Len() < 100*100 {
			b.Fatalf("status %d, %d bytes", w.Code, w.Body.Len())
		}
	}
	serve() // the first request filters and sorts; pages after it do not
	for b.Loop() {
		serve()
	}
}

// BenchmarkUserBlock looks players up one by one on the v1 endpoint.
func BenchmarkUserBlock(b *testing.B) {
	s := benchServer(b)
	reqs := make([]*http.Request, 1000)
	for i := range reqs {
		reqs[i] = httptest.NewRequest(http.MethodGet, fmt.Sprintf("/v1/api/project/gamepot.main/user/user-%06d/block", i*97), nil)
		reqs[i].Header = v1Headers()
	}
	i := 0
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, reqs[i%len(reqs)])
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
		i++
	}
}
