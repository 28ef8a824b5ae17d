// Package fanout hands values to whoever watches a key — the console's
// live tails of an API's requests and of a function's log — without ever
// making the publisher wait: a watcher that falls behind loses values, a
// slow browser never slows the gateway or a function.
package fanout

import (
	"sync"
	"sync/atomic"
)

// Hub is a set of watchers by key. Its zero value is ready to use.
type Hub[T any] struct {
	watching atomic.Int32 // lets publishers skip building what nobody reads
	mu       sync.Mutex
	watchers map[*watcher[T]]struct{}
}

type watcher[T any] struct {
	key string
	ch  chan<- T
}

// Watch sends the values published under key to ch (without blocking,
// dropping what ch has no room for) until stop is called.
func (h *Hub[T]) Watch(key string, ch chan<- T) (stop func()) {
	w := &watcher[T]{key: key, ch: ch}
	h.mu.Lock()
	if h.watchers == nil {
		h.watchers = map[*watcher[T]]struct{}{}
	}
	h.watchers[w] = struct{}{}
	h.watching.Add(1)
	h.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			h.mu.Lock()
			delete(h.watchers, w)
			h.watching.Add(-1)
			h.mu.Unlock()
		})
	}
}

// Watched reports whether anyone watches any key: a publisher checks it
// before building a value.
func (h *Hub[T]) Watched() bool { return h.watching.Load() > 0 }

// Publish offers v to the watchers of key.
func (h *Hub[T]) Publish(key string, v T) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for w := range h.watchers {
		if w.key != key {
			continue
		}
		select {
		case w.ch <- v:
		default:
		}
	}
}
