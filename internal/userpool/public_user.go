package userpool

import (
	"context"
	"time"

	"github.com/moat-dev/moat/internal/store"
)

// publicUser resolves the client and user an unsigned, username-based call
// (confirm, resend, forgot password) names, with SECRET_HASH checked. For a
// user that does not exist it fails with errUserNotFound but still returns
// the pool and client, for the caller to answer as the client wants; on a
// client that hides user existence that answer comes no sooner than a found
// user's typically does (see imitateLookup).
func (s *Service) publicUser(ctx context.Context, clientID, secretHash, username string) (*pool, *client, store.User, error) {
	start := time.Now()
	c, p, err := s.clientAndPool(ctx, clientID)
	if err != nil {
		return nil, nil, store.User{}, err
	}
	u, err := s.lookupUser(ctx, p, username)
	if err == errUserNotFound {
		if hashErr := c.checkSecretHash(secretHash, username); hashErr != nil {
			return nil, nil, store.User{}, hashErr
		}
		if c.preventsUserExistenceErrors() {
			s.imitateLookup(ctx, start)
		}
		return p, c, u, err
	}
	if err != nil {
		return nil, nil, store.User{}, err
	}
	if err := c.checkSecretHash(secretHash, username, u.Username, u.Sub); err != nil {
		return nil, nil, store.User{}, err
	}
	s.lookups.record(time.Since(start))
	return p, c, u, nil
}

// hidesMissingUser reports whether err is "no such user" on a client that
// hides user existence: the caller then answers as for a real user.
func hidesMissingUser(err error, c *client) bool {
	return err == errUserNotFound && c.preventsUserExistenceErrors()
}

// decoyCodeDelivery answers a code request for a user that does not exist:
// the same budget spent, the same store work, as long as a real code takes
// to issue and mail, and a plausible masked destination.
func (s *Service) decoyCodeDelivery(ctx context.Context, p *pool, username string) (*CodeDeliveryOutput, error) {
	if err := s.limiter.Codes(ctx, p.ID, p.userKey(username)); err != nil {
		return nil, err
	}
	// The wait is for the whole of a real issue-and-mail, which includes
	// its write: waiting for a typical write first would overshoot it.
	start := time.Now()
	if err := s.decoyTransaction(ctx, p); err != nil {
		return nil, err
	}
	s.imitateDelivery(ctx, start)
	return &CodeDeliveryOutput{CodeDeliveryDetails: s.decoyDelivery(p.ID, username)}, nil
}
