package userpool

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/throttle"
)

// When a client hides which users exist (PreventUserExistenceErrors), an
// answer about a user that does not exist must match one about a user that
// does, in content and in time. A decoy does the work a real user's answer
// costs where it can (a password hash, an SRP proof, a store transaction),
// and where the real work has no harmless twin (mailing a code, rewriting
// the user's row) it takes as long as that work typically takes here.

// decoyUserKey is a key no username can have (control characters are not
// allowed in usernames), so no user is ever found or changed under it.
const decoyUserKey = "\x01decoy"

// decoyUpdate stands for an update of a user's row (counting an attempt, a
// wrong code, issuing a code): a write transaction that finds no row and
// changes nothing, then as long as a real update typically takes.
func (s *Service) decoyUpdate(ctx context.Context, p *pool) error {
	start := time.Now()
	if err := s.decoyTransaction(ctx, p); err != nil {
		return err
	}
	waitUntil(ctx, start.Add(s.userWrites.typical()))
	return nil
}

// decoyTransaction is the write transaction alone, for a decoy that waits
// for the typical time of some larger piece of work itself.
func (s *Service) decoyTransaction(ctx context.Context, p *pool) error {
	_, err := s.users.update(ctx, p.ID, decoyUserKey, func(u store.User) (store.User, change, error) { return u, change{}, nil })
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return storeErr(err, nil)
	}
	return nil
}

// decoyCheck is checkOnWorker for a user that does not exist: the same
// bookkeeping's cost and the same check, with nothing to count. The
// bookkeeping runs before the worker is taken, as it changes nothing, so a
// worker is never held for it.
func (s *Service) decoyCheck(ctx context.Context, p *pool, check func()) error {
	if s.hasher.Saturated() {
		return throttle.ErrTooManyRequests
	}
	if err := s.decoyUpdate(ctx, p); err != nil {
		return err
	}
	if err := s.hasher.Do(ctx, check); err != nil {
		return hashingFailed(err)
	}
	return s.users.decoyNote(ctx) // the failed sign-in's event a real user's check records
}

// updateUserTimed is users.update for the updates a decoy stands for; it
// remembers how long they take.
func (s *Service) updateUserTimed(ctx context.Context, u store.User, update func(store.User) (store.User, change, error)) error {
	start := time.Now()
	_, err := s.users.update(ctx, u.PoolID, u.Key, update)
	s.userWrites.record(time.Since(start))
	return err
}

// typicalTimes remembers how long the latest runs of some work took.
type typicalTimes struct {
	mu     sync.Mutex
	recent []time.Duration
	next   int
}

const runsRemembered = 15

func (d *typicalTimes) record(took time.Duration) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.recent) < runsRemembered {
		d.recent = append(d.recent, took)
		return
	}
	d.recent[d.next] = took
	d.next = (d.next + 1) % runsRemembered
}

// typical is the median of the recent runs (zero before the first).
func (d *typicalTimes) typical() time.Duration {
	d.mu.Lock()
	sorted := slices.Clone(d.recent)
	d.mu.Unlock()
	if len(sorted) == 0 {
		return 0
	}
	slices.Sort(sorted)
	return sorted[len(sorted)/2]
}

// imitateDelivery waits until a code issued and mailed from start would
// typically be on its way.
func (s *Service) imitateDelivery(ctx context.Context, start time.Time) {
	waitUntil(ctx, start.Add(s.delivery.typical()))
}

// imitateLookup waits until a user found from start would typically be
// resolved: a found user's rows are read and decoded, which a miss skips,
// and that difference alone told an unknown user apart.
func (s *Service) imitateLookup(ctx context.Context, start time.Time) {
	waitUntil(ctx, start.Add(s.lookups.typical()))
}

// waitUntil returns at deadline, to well under a millisecond: timers alone
// wake up to a millisecond late, which a prober could measure, so the last
// millisecond is waited out yielding.
func waitUntil(ctx context.Context, deadline time.Time) {
	if d := time.Until(deadline) - time.Millisecond; d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return
		}
	}
	for time.Now().Before(deadline) && ctx.Err() == nil {
		runtime.Gosched()
	}
}
