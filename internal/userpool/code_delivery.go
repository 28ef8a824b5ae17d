package userpool

import (
	"context"
	"strings"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/mail"
	"github.com/moat-dev/moat/internal/sms"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// codeMedium is a way a sign-in code reaches a user: by email or by SMS.
type codeMedium struct {
	name      string // CODE_DELIVERY_DELIVERY_MEDIUM, also the custom sender's signin.SenderMedium
	attribute string // where the address is
	mask      func(string) string
	// send delivers in the pool's wording, or the CustomMessage hook's.
	send func(s *Service, ctx context.Context, p *pool, to, code string, custom *signin.MessageEvent) error
}

var (
	emailMedium = codeMedium{name: "EMAIL", attribute: "email", mask: maskEmail, send: (*Service).mailSignInCode}
	smsMedium   = codeMedium{name: "SMS", attribute: "phone_number", mask: maskPhone, send: (*Service).textSignInCode}
)

var errSignInCodeDelivery = awserr.New(awserr.CodeDeliveryFailure, "Unable to deliver the sign-in code to the user. Try again when delivery works, or use another factor.")

// deliverSignInCode sends a sign-in code by m and reports the masked destination.
func (s *Service) deliverSignInCode(ctx context.Context, m codeMedium, call signin.Call, p *pool, u store.User, code string) (*CodeDeliveryDetails, error) {
	to := u.Attributes[m.attribute]
	if to == "" {
		return nil, invalidParameter("The user has no %s to send a code to.", m.attribute)
	}
	delivery := &CodeDeliveryDetails{Destination: m.mask(to), DeliveryMedium: m.name, AttributeName: m.attribute}
	why := messageFor{call, signin.MessageAuthentication}
	if handed, err := s.customSender(ctx, why, signin.SenderMedium(m.name), u, code); err != nil {
		return nil, err
	} else if handed {
		return delivery, nil
	}
	custom, err := s.customMessage(ctx, why, u, false)
	if err != nil {
		return nil, err
	}
	if err := m.send(s, ctx, p, to, code, custom); err != nil {
		// The cause (a server's answer) is for the operator, not the client.
		s.log.ErrorContext(ctx, "a sign-in code could not be delivered", "pool", p.ID, "medium", m.name, "error", err)
		return nil, errSignInCodeDelivery
	}
	return delivery, nil
}

// mailSignInCode mails a code in the pool's EmailMfaConfiguration message.
func (s *Service) mailSignInCode(ctx context.Context, p *pool, to, code string, custom *signin.MessageEvent) error {
	subject, body := "Your authentication code", "Your authentication code is {####}."
	if m := p.Config.MFA; m != nil && m.Email != nil {
		if m.Email.Subject != "" {
			subject = m.Email.Subject
		}
		if m.Email.Message != "" {
			body = m.Email.Message
		}
	}
	subject, body = customEmail(custom, subject, body)
	return s.mail.Send(ctx, mail.Message{To: to, Subject: subject, Body: strings.ReplaceAll(body, "{####}", code)})
}

// textSignInCode texts a code in the pool's SmsAuthenticationMessage.
func (s *Service) textSignInCode(ctx context.Context, p *pool, to, code string, custom *signin.MessageEvent) error {
	body := "Your authentication code is {####}."
	if p.Config.SmsAuthenticationMessage != "" {
		body = p.Config.SmsAuthenticationMessage
	}
	body = customSMS(custom, body)
	return s.sms.Send(ctx, sms.Message{To: to, Body: strings.ReplaceAll(body, "{####}", code)})
}

// maskPhone renders a number as Cognito does: +*******1234.
func maskPhone(number string) string {
	if len(number) <= 4 {
		return "+****"
	}
	return "+" + strings.Repeat("*", len(number)-5) + number[len(number)-4:]
}
