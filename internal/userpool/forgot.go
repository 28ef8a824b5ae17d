package userpool

import (
	"context"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/password"
	"github.com/moat-dev/moat/internal/store"
)

type ForgotPasswordInput struct {
	ClientId       string            `json:"ClientId"`
	SecretHash     string            `json:"SecretHash,omitempty"`
	Username       string            `json:"Username"`
	ClientMetadata map[string]string `json:"ClientMetadata,omitempty"`
}

// ForgotPassword sends a reset code (valid one hour) to the user's verified email.
func (s *Service) ForgotPassword(ctx context.Context, in *ForgotPasswordInput) (*CodeDeliveryOutput, error) {
	p, _, u, err := s.publicUser(ctx, in.ClientId, in.SecretHash, in.Username)
	if err != nil {
		if decoy, ok := s.hideMissingUser(ctx, err, in.ClientId, in.Username); ok {
			return &CodeDeliveryOutput{CodeDeliveryDetails: decoy}, nil
		}
		return nil, err
	}
	if !u.Enabled {
		return nil, errUserDisabled
	}
	if u.Attributes["email"] == "" || (u.Attributes["email_verified"] != "true" && u.Status != "UNCONFIRMED") {
		return nil, invalidParameter("Cannot reset password for the user as there is no registered/verified email or phone_number")
	}
	if err := s.limit(ctx, "codes", s.limits.CodesPerUser, p.ID+"/"+u.Key, errTooManyCodes); err != nil {
		return nil, err
	}
	code, err := s.issueCode(ctx, p, u, codeReset, resetCodeLife)
	if err != nil {
		return nil, err
	}
	delivery, err := s.sendCode(ctx, p, u, code)
	if err != nil {
		return nil, err
	}
	return &CodeDeliveryOutput{CodeDeliveryDetails: delivery}, nil
}

type ConfirmForgotPasswordInput struct {
	ClientId         string            `json:"ClientId"`
	SecretHash       string            `json:"SecretHash,omitempty"`
	Username         string            `json:"Username"`
	ConfirmationCode string            `json:"ConfirmationCode"`
	Password         string            `json:"Password"`
	ClientMetadata   map[string]string `json:"ClientMetadata,omitempty"`
}

// ConfirmForgotPassword sets a new password with a reset code. It also
// lifts a lockout: proving control of the email is a fresh start.
func (s *Service) ConfirmForgotPassword(ctx context.Context, in *ConfirmForgotPasswordInput) (*Empty, error) {
	p, _, u, err := s.publicUser(ctx, in.ClientId, in.SecretHash, in.Username)
	if err != nil {
		return nil, err
	}
	if err := checkPassword(p.passwordPolicy(), in.Password); err != nil {
		return nil, err
	}
	hash, err := password.Hash(in.Password)
	if err != nil {
		return nil, awserr.Internal(err)
	}
	var codeErr error
	err = s.store.UpdateUser(ctx, p.ID, u.Key, func(old store.User) (store.User, error) {
		st, err := decodeState(old)
		if err != nil {
			return old, err
		}
		if codeErr = s.consumeCode(&old, &st, codeReset, in.ConfirmationCode); codeErr == nil {
			old.PasswordHash = hash
			if old.Status == "RESET_REQUIRED" || old.Status == "FORCE_CHANGE_PASSWORD" {
				old.Status = "CONFIRMED"
			}
			st.FailedSignIns, st.LockedUntilMillis, st.TempPasswordExpiresAt = 0, 0, 0
		}
		old.State = encodeState(st)
		old.UpdatedAt = s.clock()
		return old, nil
	})
	if err != nil {
		return nil, storeErr(err, errUserNotFound)
	}
	return &Empty{}, codeErr
}
