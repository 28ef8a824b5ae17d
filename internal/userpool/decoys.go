package userpool

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/moat-dev/moat/internal/store"
)

// When a client hides which users exist (PreventUserExistenceErrors), an
// answer about a user that does not exist must match one about a user that
// does, in content and in time. The decoys here do the work a real user's
// answer costs.

// decoyUserKey is a key no username can have (control characters are not
// allowed in usernames), so no user is ever found or changed under it.
const decoyUserKey = "\x01decoy"

// decoyUpdate costs what an update of a user costs — the same write
// transaction and row lookup — without changing anything.
func (s *Service) decoyUpdate(ctx context.Context, p *pool) error {
	err := s.store.UpdateUser(ctx, p.ID, decoyUserKey, func(u store.User) (store.User, error) { return u, nil })
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return storeErr(err, nil)
}

// deliveryTimes remembers how long the latest real deliveries took, so a
// decoy delivery can take as long without sending anything.
type deliveryTimes struct {
	mu     sync.Mutex
	recent []time.Duration
	next   int
}

const deliveriesRemembered = 15

func (d *deliveryTimes) record(took time.Duration) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.recent) < deliveriesRemembered {
		d.recent = append(d.recent, took)
		return
	}
	d.recent[d.next] = took
	d.next = (d.next + 1) % deliveriesRemembered
}

// typical is the median of the recent deliveries (zero before the first).
func (d *deliveryTimes) typical() time.Duration {
	d.mu.Lock()
	sorted := slices.Clone(d.recent)
	d.mu.Unlock()
	if len(sorted) == 0 {
		return 0
	}
	slices.Sort(sorted)
	return sorted[len(sorted)/2]
}

// imitateDelivery waits as long as a real delivery typically takes.
func (s *Service) imitateDelivery(ctx context.Context) {
	t := time.NewTimer(s.delivery.typical())
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
