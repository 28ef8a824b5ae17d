package password

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"time"
)

// ErrBusy means every hashing worker stayed busy for the pool's whole wait,
// or the queue in front of them was full: the caller should answer "too
// many requests" at once rather than pile up.
var ErrBusy = errors.New("password: every hashing worker is busy")

// Pool runs password work (argon2id at 19 MiB, SRP exponentiations) on a
// fixed number of workers with a short queue, so the memory and CPU a burst
// of sign-ins can take is bounded, and what cannot be served soon is
// refused quickly instead of slowing every request down.
type Pool struct {
	slots   chan struct{}
	waiting atomic.Int64
	queue   int64
	wait    time.Duration
}

// NewPool returns a pool of workers (at least 1) with room for queue
// callers waiting at most wait for a worker.
func NewPool(workers, queue int, wait time.Duration) *Pool {
	return &Pool{slots: make(chan struct{}, max(workers, 1)), queue: int64(max(queue, 0)), wait: wait}
}

// DefaultPool has one worker per CPU moat may use, a queue of four callers
// per worker (drained in about four hash times) and a half-second wait, so
// what cannot be served is refused well within a second.
func DefaultPool() *Pool {
	n := runtime.GOMAXPROCS(0)
	return NewPool(n, 4*n, 500*time.Millisecond)
}

// Saturated reports whether the queue is full: work offered now would be
// refused, so a caller can refuse at once, before doing any work for it.
func (p *Pool) Saturated() bool { return p.waiting.Load() >= p.queue }

// Do runs fn on a worker, or fails with ErrBusy (or ctx's error) without
// running it.
func (p *Pool) Do(ctx context.Context, fn func()) error {
	select {
	case p.slots <- struct{}{}:
	default:
		if err := p.await(ctx); err != nil {
			return err
		}
	}
	defer func() { <-p.slots }()
	fn()
	return nil
}

// await queues for a worker, if the queue has room, for at most the wait.
func (p *Pool) await(ctx context.Context) error {
	if p.waiting.Add(1) > p.queue {
		p.waiting.Add(-1)
		return ErrBusy
	}
	defer p.waiting.Add(-1)
	timer := time.NewTimer(p.wait)
	defer timer.Stop()
	select {
	case p.slots <- struct{}{}:
		return nil
	case <-timer.C:
		return ErrBusy
	case <-ctx.Done():
		return ctx.Err()
	}
}
