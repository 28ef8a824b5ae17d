// Package sms delivers the text messages a user pool sends (SMS_MFA and
// SMS_OTP codes): to an HTTP webhook the operator runs in front of their SMS
// provider, or to the log when none is configured.
package sms

import (
	"context"
	"log/slog"
)

// Message is one text message.
type Message struct {
	To   string // E.164 phone number
	Body string
}

// Sender delivers messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// LogSender writes messages to the log instead of delivering them: with no
// webhook configured this is how an operator reads SMS codes, as with mail.
type LogSender struct{ Logger *slog.Logger }

func (l LogSender) Send(ctx context.Context, m Message) error {
	l.Logger.InfoContext(ctx, "SMS not sent (no SMS webhook configured); message follows", "to", m.To, "body", m.Body)
	return nil
}
