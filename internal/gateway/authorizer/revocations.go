package authorizer

import (
	"context"
	"errors"
	"time"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/tokens"
	"github.com/moat-dev/moat/internal/ttlcache"
)

const (
	// notRevokedFor bounds how long a revocation (global or admin sign-out)
	// may go unnoticed: a session found valid is trusted this long before
	// the store is asked again.
	notRevokedFor = 5 * time.Second
	// A revoked session never comes back; it is remembered as long as any
	// token of it can live, so replaying its tokens costs no store lookup.
	revokedFor = tokens.MaxTokenLifetime
	// sessionsRemembered bounds the answers kept per authorizer.
	sessionsRemembered = 10_000
)

// sessionKey names a sign-in session: the origin_jti every token it minted carries.
type sessionKey struct{ pool, originJTI string }

// revocations answers whether a token's sign-in session was revoked, from
// the store, remembering answers briefly so the hot path stays in memory.
type revocations struct {
	store   store.SessionLookup
	answers *ttlcache.Cache[sessionKey, bool]
	now     func() time.Time
}

func newRevocations(st store.SessionLookup, now func() time.Time) *revocations {
	return &revocations{store: st, answers: ttlcache.New[sessionKey, bool](sessionsRemembered, 0), now: now}
}

func (r *revocations) revoked(ctx context.Context, c *tokens.Claims) (bool, error) {
	if c.OriginJTI == "" {
		// A client_credentials token has no sign-in session to be revoked
		// in; moat mints every user's token within one.
		return !clientCredentialsToken(c), nil
	}
	key := sessionKey{pool: c.PoolID, originJTI: c.OriginJTI}
	now := r.now()
	if revoked, ok := r.answers.Get(key, now); ok {
		return revoked, nil
	}
	session, err := r.store.GetRefreshTokenByOriginJTI(ctx, c.PoolID, c.OriginJTI)
	var revoked bool
	ttl := notRevokedFor
	switch {
	case errors.Is(err, store.ErrNotFound):
		revoked = true // the session, or its user, was deleted
	case err != nil:
		return false, err
	default:
		revoked = session.RevokedBy(now.Unix())
		// A rotated-out session ends when its grace period does: trust it no longer.
		if until := time.Unix(session.RevokedAt, 0).Sub(now); !revoked && session.RevokedAt != 0 && until < ttl {
			ttl = until
		}
	}
	if revoked {
		ttl = revokedFor
	}
	r.answers.Put(key, revoked, now.Add(ttl), now)
	return revoked, nil
}

// clientCredentialsToken reports whether an access token is a machine
// client's own (the client_credentials grant): no user, sub the client id.
func clientCredentialsToken(c *tokens.Claims) bool {
	return c.TokenUse == tokens.UseAccess && c.Username == "" && c.Subject != "" && c.Subject == c.ClientID
}
