package userpool

import (
	"context"

	"github.com/moat-dev/moat/internal/store"
)

// publicUser resolves the client and user an unsigned, username-based call
// (confirm, resend, forgot password) names, with SECRET_HASH checked.
func (s *Service) publicUser(ctx context.Context, clientID, secretHash, username string) (*pool, *client, store.User, error) {
	c, err := s.findClient(ctx, clientID)
	if err != nil {
		return nil, nil, store.User{}, err
	}
	p, err := s.loadPool(ctx, c.PoolID)
	if err != nil {
		return nil, nil, store.User{}, err
	}
	u, err := s.lookupUser(ctx, p, username)
	if err != nil {
		if err == errUserNotFound {
			if hashErr := c.checkSecretHash(secretHash, username); hashErr != nil {
				return nil, nil, store.User{}, hashErr
			}
		}
		return nil, nil, store.User{}, err
	}
	if err := c.checkSecretHash(secretHash, username, u.Username, u.Sub); err != nil {
		return nil, nil, store.User{}, err
	}
	return p, c, u, nil
}

// hideMissingUser turns "no such user" into a decoy delivery when the client
// hides user existence, so code requests for unknown users answer as for
// real ones.
func (s *Service) hideMissingUser(ctx context.Context, err error, clientID, username string) (*CodeDeliveryDetails, bool) {
	if err != errUserNotFound {
		return nil, false
	}
	c, cerr := s.findClient(ctx, clientID)
	if cerr != nil || !c.preventsUserExistenceErrors() {
		return nil, false
	}
	return s.decoyDelivery(c.PoolID, username), true
}
