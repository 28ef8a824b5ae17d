package userpool

import (
	"context"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// messageFor is why a message is sent and for which call: what the
// pool's CustomMessage hook is told.
type messageFor struct {
	call   signin.Call
	source signin.MessageSource
}

// customMessage asks the pool's CustomMessage hook, if any, for its own
// wording of a message to u, before the placeholders are filled in; nil
// means the pool's own. askUsername: the message must name the user (an
// invitation).
func (s *Service) customMessage(ctx context.Context, m messageFor, u store.User, askUsername bool) (*signin.MessageEvent, error) {
	h := s.hooks.CustomMessage
	if h == nil {
		return nil, nil
	}
	e := &signin.MessageEvent{Call: m.call, Source: m.source, Username: u.Username, UserAttributes: hookAttributes(u)}
	if askUsername {
		e.UsernameParameter = signin.UsernamePlaceholder
	}
	if err := h.CustomMessage(ctx, e); err != nil {
		return nil, hookFailed(err)
	}
	return e, nil
}

// customEmail is the email a hook's answer makes of the pool's.
func customEmail(e *signin.MessageEvent, subject, body string) (string, string) {
	if e == nil {
		return subject, body
	}
	if e.EmailSubject != "" {
		subject = e.EmailSubject
	}
	if e.EmailMessage != "" {
		body = e.EmailMessage
	}
	return subject, body
}

// customSMS is the text a hook's answer makes of the pool's.
func customSMS(e *signin.MessageEvent, body string) string {
	if e != nil && e.SMSMessage != "" {
		return e.SMSMessage
	}
	return body
}
