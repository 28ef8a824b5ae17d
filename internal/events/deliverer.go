package events

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/moat-dev/moat/internal/store"
)

// LeaseName is the store lease the delivering replica holds.
const LeaseName = "events.delivery"

// Deliverer hands the outbox to its targets. Run it on every replica: the
// one holding the lease delivers, the others wait to take over.
//
// For each target it keeps a cursor (the last event read past) and holds
// (events that failed, or wait behind a failed one of their stream). An
// event's stream is retried with backoff until it is taken or has failed
// MaxAttempts times, when it becomes a dead letter and its stream moves on;
// other streams are not held up. Every change to that bookkeeping renews
// the lease in its own transaction, so a replica that lost the lease can
// change nothing, and no attempt starts unless the lease outlasts it.
type Deliverer struct {
	store     store.Store
	targets   []*Target
	holder    string
	poll      time.Duration
	leaseTTL  time.Duration
	retention time.Duration
	log       *slog.Logger
	now       func() time.Time

	mu         sync.Mutex
	leaseUntil time.Time
}

// DelivererConfig configures a Deliverer; zero values take the defaults.
type DelivererConfig struct {
	Store   store.Store
	Targets []*Target
	// Poll is how often an idle target looks for new events (250 ms).
	Poll time.Duration
	// LeaseTTL is how long the lease lasts unrenewed (30 s): a replica
	// takes over that long after the holder stopped.
	LeaseTTL time.Duration
	// Retention is how long events every target has passed are kept (7 days).
	Retention time.Duration
	Logger    *slog.Logger
	Now       func() time.Time
}

const (
	pageSize     = 100
	pruneEvery   = 10 * time.Minute
	leaseMargin  = time.Second
	lastErrorMax = 500
)

func NewDeliverer(cfg DelivererConfig) *Deliverer {
	d := &Deliverer{store: cfg.Store, targets: cfg.Targets, holder: uuid.NewString(), poll: cfg.Poll,
		leaseTTL: cfg.LeaseTTL, retention: cfg.Retention, log: cfg.Logger, now: cfg.Now}
	if d.poll <= 0 {
		d.poll = 250 * time.Millisecond
	}
	if d.leaseTTL <= 0 {
		d.leaseTTL = 30 * time.Second
	}
	if d.retention <= 0 {
		d.retention = 7 * 24 * time.Hour
	}
	if d.log == nil {
		d.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if d.now == nil {
		d.now = time.Now
	}
	for _, t := range d.targets {
		d.leaseTTL = max(d.leaseTTL, leaseFor(t.Timeout))
	}
	return d
}

// StartCursors gives every target that has none a cursor at the newest
// event, so a target starts with the events written after it was first
// configured. Call it before serving, so no change is written in between.
func StartCursors(ctx context.Context, st store.Events, targets []*Target) error {
	last, err := st.LastEventSeq(ctx)
	if err != nil {
		return err
	}
	for _, t := range targets {
		if _, err := st.GetEventCursor(ctx, t.Name); errors.Is(err, store.ErrNotFound) {
			if err := st.SetEventCursor(ctx, t.Name, last); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
	}
	return nil
}

// leaseFor is the shortest lease for attempts bounded by timeout: renewed
// every third of its life, it must outlast an attempt that starts then.
func leaseFor(timeout time.Duration) time.Duration { return 3 * (timeout + leaseMargin) }

var errLeaseLost = errors.New("events: the delivery lease went to another replica")

// Run delivers while it holds the lease and waits for it otherwise, until
// ctx ends; then it releases the lease and closes the transports.
func (d *Deliverer) Run(ctx context.Context) {
	defer func() {
		for _, t := range d.targets {
			_ = t.Transport.Close()
		}
	}()
	for {
		if d.renew(ctx, d.store) == nil {
			d.log.Info("delivering events", "targets", len(d.targets))
			d.deliverWhileLeased(ctx)
		}
		select {
		case <-ctx.Done():
			release, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_ = d.store.ReleaseLease(release, LeaseName, d.holder)
			cancel()
			return
		case <-time.After(d.leaseTTL / 3):
		}
	}
}

// deliverWhileLeased runs every target, and the lease's upkeep, until the
// lease is lost or ctx ends.
func (d *Deliverer) deliverWhileLeased(ctx context.Context) {
	ctx, lost := context.WithCancel(ctx)
	defer lost()
	var wg sync.WaitGroup
	for _, t := range d.targets {
		wg.Go(func() {
			for ctx.Err() == nil {
				busy, err := d.step(ctx, t)
				if errors.Is(err, errLeaseLost) {
					d.log.Warn("event delivery stops on this replica", "error", err)
					lost()
					return
				}
				if err != nil && ctx.Err() == nil {
					d.log.Error("event delivery", "target", t.Name, "error", err)
				}
				if !busy {
					sleep(ctx, d.poll)
				}
			}
		})
	}
	wg.Go(func() {
		lastPrune := time.Time{}
		for ctx.Err() == nil {
			if err := d.renew(ctx, d.store); err != nil {
				if ctx.Err() == nil {
					d.log.Warn("event delivery stops on this replica", "error", err)
				}
				lost()
				return
			}
			if d.now().Sub(lastPrune) >= pruneEvery {
				lastPrune = d.now()
				if err := d.prune(ctx); err != nil && ctx.Err() == nil {
					d.log.Error("pruning delivered events", "error", err)
				}
			}
			sleep(ctx, d.leaseTTL/3)
		}
	})
	wg.Wait()
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// renew takes or renews the lease through st (inside a transaction, it
// fences the transaction's other writes).
func (d *Deliverer) renew(ctx context.Context, st store.Leases) error {
	now := d.now()
	until := now.Add(d.leaseTTL)
	ok, err := st.TakeLease(ctx, LeaseName, d.holder, now.UnixMilli(), until.UnixMilli())
	if err != nil {
		return err
	}
	if !ok {
		return errLeaseLost
	}
	d.mu.Lock()
	d.leaseUntil = until
	d.mu.Unlock()
	return nil
}

// commit runs fn in a transaction that first renews the lease. It is not
// cut short when ctx ends: what an attempt did is recorded even as moat
// stops, so a graceful stop redelivers nothing.
func (d *Deliverer) commit(ctx context.Context, fn func(ctx context.Context, tx store.Store) error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return d.store.Atomic(ctx, func(tx store.Store) error {
		if err := d.renew(ctx, tx); err != nil {
			return err
		}
		return fn(ctx, tx)
	})
}

// leased makes sure the lease outlasts an attempt of t that starts now.
func (d *Deliverer) leased(ctx context.Context, t *Target) error {
	d.mu.Lock()
	left := d.leaseUntil.Sub(d.now())
	d.mu.Unlock()
	if left > t.Timeout+leaseMargin {
		return nil
	}
	return d.renew(ctx, d.store)
}

// attempt hands e to t once.
func (d *Deliverer) attempt(ctx context.Context, t *Target, e store.OutboxEvent) error {
	if err := d.leased(ctx, t); err != nil {
		return err
	}
	// Not cut short when ctx ends either: an attempt the receiver took
	// but moat abandoned would be sent again.
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.Timeout)
	defer cancel()
	return t.Transport.Deliver(actx, e)
}

// step does one round for t: the due heads of held streams, then new
// events. busy says there may be more to do at once.
func (d *Deliverer) step(ctx context.Context, t *Target) (busy bool, err error) {
	holds, err := d.store.ListEventHolds(ctx, t.Name, false)
	if err != nil {
		return false, err
	}
	waiting := map[string]int{} // alive holds per stream
	for _, h := range holds {
		waiting[h.Stream]++
	}
	tried := map[string]bool{}
	for _, h := range holds {
		if tried[h.Stream] || h.NextAttemptAt > d.now().UnixMilli() {
			tried[h.Stream] = true // a stream's head not due keeps the rest back
			continue
		}
		err := d.attempt(ctx, t, h.Event)
		if err != nil && (errors.Is(err, errLeaseLost) || ctx.Err() != nil) {
			return false, errors.Join(err, ctx.Err())
		}
		if err == nil {
			if err := d.commit(ctx, func(ctx context.Context, tx store.Store) error { return tx.DeleteEventHold(ctx, t.Name, h.Seq) }); err != nil {
				return false, err
			}
			waiting[h.Stream]--
			busy = true
			continue
		}
		tried[h.Stream] = true
		next := d.failed(t, h, err)
		if err := d.commit(ctx, func(ctx context.Context, tx store.Store) error { return tx.PutEventHold(ctx, next) }); err != nil {
			return false, err
		}
		if next.DeadAt != 0 {
			waiting[h.Stream]--
			busy = true
		}
	}

	cursor, err := d.store.GetEventCursor(ctx, t.Name)
	if errors.Is(err, store.ErrNotFound) {
		cursor, err = 0, nil
	}
	if err != nil {
		return busy, err
	}
	page, err := d.store.ListEvents(ctx, cursor, pageSize)
	if err != nil {
		return busy, err
	}
	for _, e := range page {
		var hold *store.EventHold
		if waiting[e.Stream] > 0 {
			hold = &store.EventHold{Target: t.Name, Seq: e.Seq, Stream: e.Stream}
		} else {
			err := d.attempt(ctx, t, e)
			if err != nil && (errors.Is(err, errLeaseLost) || ctx.Err() != nil) {
				return false, errors.Join(err, ctx.Err())
			}
			if err != nil {
				failed := d.failed(t, store.EventHold{Target: t.Name, Seq: e.Seq, Stream: e.Stream, Event: e}, err)
				hold = &failed
			}
		}
		if hold != nil && hold.DeadAt == 0 {
			waiting[e.Stream]++
		}
		err := d.commit(ctx, func(ctx context.Context, tx store.Store) error {
			if hold != nil {
				if err := tx.PutEventHold(ctx, *hold); err != nil {
					return err
				}
			}
			return tx.SetEventCursor(ctx, t.Name, e.Seq)
		})
		if err != nil {
			return false, err
		}
	}
	return busy || len(page) == pageSize, nil
}

// failed is h after one more failed attempt: due again after the backoff,
// or dead once it has failed MaxAttempts times.
func (d *Deliverer) failed(t *Target, h store.EventHold, cause error) store.EventHold {
	h.Attempts++
	h.LastError = cause.Error()
	if len(h.LastError) > lastErrorMax {
		h.LastError = h.LastError[:lastErrorMax]
	}
	now := d.now()
	if h.Attempts >= t.MaxAttempts {
		h.DeadAt = now.Unix()
		d.log.Warn("event delivery gave up: a dead letter (moat events dead-letters)", "target", t.Name,
			"event", h.Event.ID, "attempts", h.Attempts, "error", h.LastError)
		return h
	}
	h.NextAttemptAt = now.Add(t.retryAfter(h.Attempts)).UnixMilli()
	return h
}

// prune deletes events older than the retention that every target has
// read past and none holds.
func (d *Deliverer) prune(ctx context.Context) error {
	through, err := d.store.LastEventSeq(ctx)
	if err != nil {
		return err
	}
	for _, t := range d.targets {
		c, err := d.store.GetEventCursor(ctx, t.Name)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		through = min(through, c)
	}
	return d.commit(ctx, func(ctx context.Context, tx store.Store) error {
		n, err := tx.PruneEvents(ctx, through, d.now().Add(-d.retention).Unix())
		if n > 0 {
			d.log.Info("pruned delivered events", "count", n)
		}
		return err
	})
}
