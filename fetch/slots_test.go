package fetch

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"sync"
	"testing"
)

// queued waits until n requests wait for a slot of s.
func queued(t *testing.T, s *slots, n int) {
	t.Helper()
	for {
		s.mu.Lock()
		got := len(s.waiting[0]) + len(s.waiting[1])
		s.mu.Unlock()
		if got == n {
			return
		}
		if got > n {
			t.Fatalf("%d waiting, want %d", got, n)
		}
		runtime.Gosched()
	}
}

func TestSlotsUrgentFirst(t *testing.T) {
	s := newSlots(1)
	ctx := context.Background()
	if err := s.acquire(ctx, false); err != nil {
		t.Fatal(err)
	}
	order := make(chan string, 3)
	var wg sync.WaitGroup
	wait := func(name string, urgent bool) {
		wg.Go(func() {
			if err := s.acquire(ctx, urgent); err != nil {
				t.Error(err)
				return
			}
			order <- name
			s.release()
		})
	}
	wait("first", false)
	queued(t, s, 1)
	wait("second", false)
	queued(t, s, 2)
	wait("urgent", true)
	queued(t, s, 3)
	s.release()
	wg.Wait()
	close(order)
	var got []string
	for name := range order {
		got = append(got, name)
	}
	if want := []string{"urgent", "first", "second"}; !slices.Equal(got, want) {
		t.Errorf("served %v, want %v", got, want)
	}
	if s.free != 1 {
		t.Errorf("%d slots free at the end, want 1", s.free)
	}
}

func TestSlotsCancelled(t *testing.T) {
	s := newSlots(1)
	if err := s.acquire(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.acquire(ctx, true) }()
	queued(t, s, 1)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("acquire = %v, want context.Canceled", err)
	}
	queued(t, s, 0)
	s.release()
	if s.free != 1 {
		t.Errorf("%d slots free, want 1: a cancelled wait must not keep one", s.free)
	}
}
