package usage

import (
	"context"
	"sync"
	"time"
)

// MemoryLimiter keeps buckets in this process: exact and fast, for one node.
// A bucket whose theoretical arrival time has passed is full, the same as no
// bucket, so idle buckets are dropped without changing any decision; the map
// holds at most maxBuckets, and past that the oldest-looking live ones go.
type MemoryLimiter struct {
	now        func() time.Time
	maxBuckets int

	mu   sync.Mutex
	tats map[string]time.Time // when each bucket is next full
}

// NewMemoryLimiter returns a limiter holding at most maxBuckets buckets
// (at least 1). now is the clock; nil means time.Now.
func NewMemoryLimiter(maxBuckets int, now func() time.Time) *MemoryLimiter {
	if now == nil {
		now = time.Now
	}
	return &MemoryLimiter{now: now, maxBuckets: max(1, maxBuckets), tats: map[string]time.Time{}}
}

func (m *MemoryLimiter) Allow(_ context.Context, key string, rate float64, burst int) (Decision, error) {
	interval, depth, ok := gcraParams(rate, burst)
	if !ok {
		return Decision{}, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	tat, found := m.tats[key]
	if !found || tat.Before(now) {
		tat = now
	}
	next := tat.Add(interval)
	if allowAt := next.Add(-depth); now.Before(allowAt) {
		return Decision{RetryAfter: allowAt.Sub(now)}, nil
	}
	if !found && len(m.tats) >= m.maxBuckets {
		m.evict(now)
	}
	m.tats[key] = next
	return Decision{Allowed: true}, nil
}

// evict drops full buckets and, if that is not enough, live ones until a
// quarter of the room is free, so a full map does not sweep on every insert.
func (m *MemoryLimiter) evict(now time.Time) {
	for k, tat := range m.tats {
		if !tat.After(now) {
			delete(m.tats, k)
		}
	}
	for k := range m.tats {
		if len(m.tats) < m.maxBuckets*3/4+1 {
			break
		}
		delete(m.tats, k)
	}
}

// Len is the number of buckets held (for tests and metrics).
func (m *MemoryLimiter) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.tats)
}
