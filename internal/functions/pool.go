package functions

import (
	"context"
	"errors"
	"time"

	"github.com/moat-dev/moat/internal/store"
)

// pool is one function's workers on this replica.
type pool struct {
	idle     []*worker // warm, the most recently used last
	busy     map[*worker]bool
	inflight int     // invocations running, cold starts included
	metrics  *series // the function's
}

var errClosed = errors.New("functions: the runtime is shut down")

// acquire admits one invocation of fn under its reserved concurrency and
// the global limit, and hands out a warm worker of fn's current revision
// when there is one (nil: the caller starts one, a cold start).
func (r *Runtime) acquire(fn store.Function) (*pool, *worker, error) {
	var stale []*worker
	defer func() {
		for _, w := range stale {
			go w.kill()
		}
	}()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, nil, errClosed
	}
	p := r.pools[fn.Name]
	if p == nil {
		p = &pool{busy: map[*worker]bool{}, metrics: r.metrics.series(fn.Name)}
		r.pools[fn.Name] = p
	}
	if fn.ReservedConcurrency >= 0 && p.inflight >= int(fn.ReservedConcurrency) {
		p.metrics.throttle()
		return nil, nil, throttle(reasonReserved)
	}
	if r.running >= r.maxConcurrency {
		p.metrics.throttle()
		return nil, nil, throttle(reasonAccount)
	}
	p.inflight++
	r.running++
	p.metrics.concurrency(p.inflight)
	now := time.Now()
	for len(p.idle) > 0 {
		w := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		if w.fn.RevisionID == fn.RevisionID && w.alive() && now.Before(w.retire) {
			p.busy[w] = true
			return p, w, nil
		}
		stale = append(stale, w) // an older revision, dead, or its credentials ending
	}
	return p, nil, nil
}

// started records a cold-started worker as busy in p; false when the
// runtime shut down meanwhile (the caller kills it).
func (r *Runtime) started(p *pool, w *worker) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return false
	}
	p.busy[w] = true
	return true
}

// release ends an invocation; the worker (nil when none started) goes
// back to the warm pool when keep, and is killed otherwise.
func (r *Runtime) release(p *pool, w *worker, keep bool) {
	r.mu.Lock()
	p.inflight--
	r.running--
	p.metrics.concurrency(p.inflight)
	if w != nil {
		delete(p.busy, w)
		if keep && !r.closed && w.alive() {
			w.idle = time.Now()
			p.idle = append(p.idle, w)
			w = nil
		}
	}
	r.mu.Unlock()
	if w != nil {
		w.kill()
	}
}

// reap stops workers idle longer than the idle timeout, or whose
// credentials near their end, until ctx ends.
func (r *Runtime) reap(ctx context.Context) {
	every := min(r.idleTimeout/4, 30*time.Second)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			for _, w := range r.expired(now) {
				w.kill()
			}
		}
	}
}

func (r *Runtime) expired(now time.Time) []*worker {
	r.mu.Lock()
	defer r.mu.Unlock()
	var gone []*worker
	for name, p := range r.pools {
		kept := p.idle[:0]
		for _, w := range p.idle {
			if now.Sub(w.idle) > r.idleTimeout || !now.Before(w.retire) || !w.alive() {
				gone = append(gone, w)
			} else {
				kept = append(kept, w)
			}
		}
		p.idle = kept
		if len(p.idle) == 0 && p.inflight == 0 {
			delete(r.pools, name)
		}
	}
	return gone
}

// dropIdle kills the function's warm workers, so the next call starts one.
func (r *Runtime) dropIdle(function string) {
	r.mu.Lock()
	var idle []*worker
	if p := r.pools[function]; p != nil {
		idle, p.idle = p.idle, nil
	}
	r.mu.Unlock()
	for _, w := range idle {
		w.kill()
	}
}
