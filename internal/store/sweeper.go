package store

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"
)

// Sweeper removes expired sessions and nonces periodically. Every replica
// may run one: SweepExpired is idempotent, and jitter spreads replicas out.
type Sweeper struct {
	Store Sweeps
	// Every is the time between sweeps (jittered by up to a fifth).
	Every time.Duration
	// SessionGrace keeps a session this long past its expiry, so the access
	// and ID tokens it minted last still find it (they outlive it by up to
	// their own lifetime) rather than reading as revoked.
	SessionGrace time.Duration
	Logger       *slog.Logger
	Now          func() time.Time // time.Now when nil
}

// Run sweeps once at once and then every s.Every until ctx ends.
func (s Sweeper) Run(ctx context.Context) {
	for {
		s.SweepOnce(ctx)
		wait := s.Every + time.Duration(rand.Int64N(int64(s.Every/5)+1))
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// SweepOnce runs one sweep, logging what it removed or why it failed.
func (s Sweeper) SweepOnce(ctx context.Context) (Swept, error) {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	t := now()
	swept, err := s.Store.SweepExpired(ctx, t.Add(-s.SessionGrace).Unix(), t.Unix())
	switch {
	case err != nil && ctx.Err() == nil:
		s.Logger.Warn("sweeping expired sessions and nonces failed; will retry", "error", err)
	case swept != Swept{}:
		s.Logger.Info("swept expired records", "sessions", swept.Sessions, "nonces", swept.Nonces)
	}
	return swept, err
}
