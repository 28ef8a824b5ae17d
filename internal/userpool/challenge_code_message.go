package userpool

import (
	"context"
	"time"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// EMAIL_OTP, SMS_MFA and SMS_OTP: a one-time code sent to the user's email
// address or phone number when the challenge is issued, as a second factor
// or, through USER_AUTH, as the first (EMAIL_OTP, SMS_OTP). A wrong code counts toward
// the lockout and against the code's own budget; a right one is spent.

// messageCode is one such challenge: its name, the response field its code
// comes back in, and the medium it goes out by.
type messageCode struct {
	name     signin.ChallengeName
	response string
	medium   codeMedium
}

func init() {
	for _, m := range []messageCode{
		{signin.EmailOTP, "EMAIL_OTP_CODE", emailMedium},
		{signin.SMSMFA, "SMS_MFA_CODE", smsMedium},
		{signin.SMSOTP, "SMS_OTP_CODE", smsMedium},
	} {
		registerChallenge(m.name, challengeHandler{issue: m.issue, respond: m.respond})
	}
}

// codePurpose is the purpose sign-in codes are kept under; one is pending at a time.
const codePurpose = "signin"

func (m messageCode) issue(s *Service, ctx context.Context, a *attempt, u store.User, next nextStep) (*AuthOutput, error) {
	if err := s.limiter.Codes(ctx, a.pool.ID, u.Key); err != nil {
		return nil, err
	}
	life := time.Duration(a.client.Config.AuthSessionValidity) * time.Minute
	code, err := s.issueCode(ctx, a.pool, u, codePurpose, life)
	if err != nil {
		return nil, err
	}
	delivery, err := s.deliverSignInCode(ctx, m.medium, a.call, a.pool, u, code)
	if err != nil {
		return nil, err
	}
	return s.challenge(a, u, m.name, next, map[string]string{
		"CODE_DELIVERY_DELIVERY_MEDIUM": delivery.DeliveryMedium,
		"CODE_DELIVERY_DESTINATION":     delivery.Destination,
		"USER_ID_FOR_SRP":               u.Username,
	}), nil
}

func (m messageCode) respond(s *Service, ctx context.Context, a *attempt, cs challengeSession, sealed []byte) (*AuthOutput, error) {
	var next nextStep
	u, err := s.factorUser(ctx, a, cs, &next)
	if err != nil {
		return nil, err
	}
	code, err := requireResponse(a.params, m.response)
	if err != nil {
		return nil, err
	}
	err = s.proveFactor(ctx, s.users, u, func(u *store.User, st *userState) error {
		if err := s.consumeCode(u, st, codePurpose, code); err != nil {
			if err == errCodeMismatch {
				return errMFACodeMismatch
			}
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.factorAccepted(ctx, a, u, cs, sealed, next)
}
