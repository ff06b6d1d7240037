package fetch

import (
	"context"
	"slices"
	"sync"
)

// slots bounds the requests in flight to one source. Waiting requests are
// served in order, except that those of an urgent cohort (one that other
// cohorts take their users from) go first: a chain of cohorts is then not
// held up behind independent cohorts that share its source and its rate
// limit.
type slots struct {
	mu      sync.Mutex
	free    int
	waiting [2][]chan struct{} // urgent, then the rest; free > 0 only when both are empty
}

func newSlots(n int) *slots { return &slots{free: n} }

// acquire takes a slot, waiting for one until ctx ends.
func (s *slots) acquire(ctx context.Context, urgent bool) error {
	s.mu.Lock()
	if s.free > 0 {
		s.free--
		s.mu.Unlock()
		return nil
	}
	queue := 1
	if urgent {
		queue = 0
	}
	granted := make(chan struct{})
	s.waiting[queue] = append(s.waiting[queue], granted)
	s.mu.Unlock()

	select {
	case <-granted:
		return nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	if i := slices.Index(s.waiting[queue], granted); i >= 0 {
		s.waiting[queue] = slices.Delete(s.waiting[queue], i, i+1)
		s.mu.Unlock()
		return ctx.Err()
	}
	s.mu.Unlock()
	// The slot was granted as ctx ended: pass it on.
	s.release()
	return ctx.Err()
}

// release gives a slot back, to the first urgent waiter if there is one.
func (s *slots) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for q := range s.waiting {
		if len(s.waiting[q]) > 0 {
			close(s.waiting[q][0])
			s.waiting[q] = s.waiting[q][1:]
			return
		}
	}
	s.free++
}

// urgentKey marks a context whose requests are urgent (see slots).
type urgentKey struct{}

// withUrgent marks ctx's requests as those of a cohort others wait for.
func withUrgent(ctx context.Context) context.Context {
	return context.WithValue(ctx, urgentKey{}, true)
}

func isUrgent(ctx context.Context) bool {
	urgent, _ := ctx.Value(urgentKey{}).(bool)
	return urgent
}
