package userpool

import (
	"context"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// customSender hands code for u to the pool's custom sender for medium,
// when it has one: handed says it did, and moat then sends nothing itself
// (nor asks CustomMessage for wording: the function writes the message).
func (s *Service) customSender(ctx context.Context, m messageFor, medium signin.SenderMedium, u store.User, code string) (handed bool, err error) {
	h := s.hooks.CustomSender
	if h == nil || m.call.Triggers.Sender(medium) == nil {
		return false, nil
	}
	e := &signin.SenderEvent{Call: m.call, Medium: medium, Source: m.source, Username: u.Username, UserAttributes: hookAttributes(u), Code: code}
	return true, hookFailed(h.SendCode(ctx, e))
}
