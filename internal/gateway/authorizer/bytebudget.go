package authorizer

import (
	"context"
	"sync"
	"time"
)

// byteBudget is a count of bytes that holders take and give back. A taker
// that finds too little waits for gives, up to a deadline; waiters are not
// queued, so small requests are not held up behind a large one.
type byteBudget struct {
	mu      sync.Mutex
	free    int64
	waiting int
	given   chan struct{} // closed, and replaced, when bytes come back to a waiter
}

func newByteBudget(total int64) *byteBudget {
	return &byteBudget{free: total, given: make(chan struct{})}
}

// take reserves n bytes, waiting at most wait for them; false: none was
// reserved, because the wait ran out or ctx ended.
func (b *byteBudget) take(ctx context.Context, n int64, wait time.Duration) bool {
	var timeout <-chan time.Time
	for {
		b.mu.Lock()
		if b.free >= n {
			b.free -= n
			b.mu.Unlock()
			return true
		}
		b.waiting++
		given := b.given
		b.mu.Unlock()
		if timeout == nil {
			t := time.NewTimer(wait)
			defer t.Stop()
			timeout = t.C
		}
		var ok bool
		select {
		case <-given:
			ok = true
		case <-timeout:
		case <-ctx.Done():
		}
		b.mu.Lock()
		b.waiting--
		b.mu.Unlock()
		if !ok {
			return false
		}
	}
}

// give returns n bytes.
func (b *byteBudget) give(n int64) {
	if n == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.free += n
	if b.waiting > 0 {
		close(b.given)
		b.given = make(chan struct{})
	}
}
