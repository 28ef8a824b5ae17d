// Package mail delivers the messages a user pool sends (invitations,
// verification and reset codes).
package mail

import (
	"context"
	"log/slog"
)

// Message is one email.
type Message struct {
	To      string
	Subject string
	Body    string // plain text
	HTML    string // optional; when set the message also carries this HTML alternative
}

// Sender delivers messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// LogSender writes messages to the log instead of delivering them: with no
// SMTP server configured this is how an operator reads codes and temporary
// passwords, as documented.
type LogSender struct{ Logger *slog.Logger }

func (l LogSender) Send(ctx context.Context, m Message) error {
	l.Logger.InfoContext(ctx, "email not sent (no SMTP configured); message follows",
		"to", m.To, "subject", m.Subject, "body", m.Body)
	return nil
}
