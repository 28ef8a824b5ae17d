package signin

import "context"

// CustomSender hands a pool's codes and temporary passwords to its custom
// sender functions (Cognito's CustomEmailSender and CustomSMSSender)
// instead of moat's mail and SMS delivery. Delivery is the function's: an
// error means only that the message could not be handed over.
type CustomSender interface {
	SendCode(ctx context.Context, e *SenderEvent) error
}

// SenderMedium is which of the pool's senders a message goes to.
type SenderMedium string

const (
	SenderEmail SenderMedium = "EMAIL"
	SenderSMS   SenderMedium = "SMS"
)

// Sender is the pool's function for medium; nil when it has none.
func (c *LambdaConfig) Sender(medium SenderMedium) *VersionedLambda {
	switch {
	case c == nil:
		return nil
	case medium == SenderEmail:
		return c.CustomEmailSender
	default:
		return c.CustomSMSSender
	}
}

// SenderEvent is a message for a custom sender. Source is the message's
// CustomMessage source, which names the sender's (CustomMessage_SignUp is
// CustomEmailSender_SignUp or CustomSMSSender_SignUp).
type SenderEvent struct {
	Call
	Medium         SenderMedium
	Source         MessageSource
	Username       string
	UserAttributes map[string]string
	// Code is the code or temporary password, in the clear: the hook
	// seals it.
	Code string
}
