package waf

import (
	"context"
	"sync"
	"time"
)

// RateCounter counts requests per key over a sliding window for
// rate-based rules.
type RateCounter interface {
	// Add counts one request for key at now and returns how many were
	// counted for key in the window ending at now, this one included.
	Add(ctx context.Context, key string, window time.Duration, now time.Time) (int64, error)
}

// bucket is the counters' resolution: WAFv2 re-evaluates rates about
// every ten seconds, and a window is that many ten-second buckets, the
// current one included.
const bucket = 10 * time.Second

func bucketsIn(window time.Duration) int64 { return max(1, int64(window/bucket)) }

func bucketOf(t time.Time) int64 { return t.Unix() / int64(bucket/time.Second) }

// defaultMemoryKeys bounds how many keys an in-memory counter tracks.
const defaultMemoryKeys = 100_000

// MemoryCounter counts in this process: exact, for one node. It tracks at
// most maxKeys keys; past that, keys whose window has passed go first,
// then others.
type MemoryCounter struct {
	maxKeys int

	mu   sync.Mutex
	keys map[string]*windowCount
}

type windowCount struct {
	last   int64    // bucket of the latest request
	counts []uint32 // ring of per-bucket counts
	total  int64
}

// NewMemoryCounter returns a counter holding at most maxKeys keys (at
// least 1). The clock is the caller's (Add's now).
func NewMemoryCounter(maxKeys int) *MemoryCounter {
	return &MemoryCounter{maxKeys: max(1, maxKeys), keys: map[string]*windowCount{}}
}

func (m *MemoryCounter) Add(_ context.Context, key string, window time.Duration, now time.Time) (int64, error) {
	n, cur := bucketsIn(window), bucketOf(now)
	m.mu.Lock()
	defer m.mu.Unlock()
	w := m.keys[key]
	if w == nil || int64(len(w.counts)) != n {
		if w == nil && len(m.keys) >= m.maxKeys {
			m.evict(cur)
		}
		w = &windowCount{last: cur, counts: make([]uint32, n)}
		m.keys[key] = w
	}
	if cur > w.last {
		// Empty the buckets the window slid past.
		for b := w.last + 1; b <= cur && b <= w.last+n; b++ {
			slot := &w.counts[b%n]
			w.total -= int64(*slot)
			*slot = 0
		}
		w.last = cur
	}
	w.counts[w.last%n]++
	w.total++
	return w.total, nil
}

func (m *MemoryCounter) evict(cur int64) {
	for k, w := range m.keys {
		if w.last+int64(len(w.counts)) <= cur {
			delete(m.keys, k)
		}
	}
	for k := range m.keys {
		if len(m.keys) < m.maxKeys*3/4+1 {
			break
		}
		delete(m.keys, k)
	}
}
