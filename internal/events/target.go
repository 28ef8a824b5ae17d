package events

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/moat-dev/moat/internal/store"
)

// Transport hands one event to a receiver and says whether it took it.
type Transport interface {
	Deliver(ctx context.Context, e store.OutboxEvent) error
	Close() error
}

// Target is one configured receiver: its transport and how long it gets.
type Target struct {
	Name      string
	Transport Transport
	// MaxAttempts is how many failures make an event a dead letter.
	MaxAttempts int
	// Backoff is the wait after the first failure, doubled after each
	// further one up to MaxBackoff, with a fifth of jitter either way.
	Backoff, MaxBackoff time.Duration
	// Timeout bounds one attempt.
	Timeout time.Duration
}

// retryAfter is the wait after the given number of failures.
func (t *Target) retryAfter(failures int) time.Duration {
	wait := t.Backoff
	for i := 1; i < failures && wait < t.MaxBackoff; i++ {
		wait *= 2
	}
	wait = min(wait, t.MaxBackoff)
	jitter := time.Duration(rand.Int64N(int64(wait)/5+1)) * 2
	return wait - wait/5 + jitter
}
