package userpool

import (
	"context"

	"github.com/moat-dev/moat/internal/userpool/signin"
)

// postConfirmation runs the after-confirmation hook, if any, for a user
// just confirmed (or whose password was just reset); it reads the user
// back, so the hook sees the confirmed status and verified address.
func (s *Service) postConfirmation(ctx context.Context, call signin.Call, source signin.ConfirmationSource, userKey string) error {
	h := s.hooks.PostConfirmation
	if h == nil {
		return nil
	}
	u, err := s.store.GetUser(ctx, call.PoolID, userKey)
	if err != nil {
		return storeErr(err, errUserNotFound)
	}
	return hookFailed(h.PostConfirmation(ctx, &signin.ConfirmationEvent{Call: call, Source: source, Username: u.Username, UserAttributes: hookAttributes(u)}))
}
