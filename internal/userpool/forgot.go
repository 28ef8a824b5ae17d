package userpool

import (
	"context"

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
	delivery, err := s.mailCode(ctx, p, u, codeReset, resetCodeLife)
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
	np, err := p.hashNewPassword(in.Password)
	if err != nil {
		return nil, err
	}
	err = s.redeemCode(ctx, p, u, codeReset, in.ConfirmationCode, func(u *store.User, st *userState) {
		np.setOn(p, u, st)
		if u.Status == "RESET_REQUIRED" || u.Status == "FORCE_CHANGE_PASSWORD" {
			u.Status = "CONFIRMED"
		}
		st.FailedSignIns, st.LockedUntilMillis, st.TempPasswordExpiresAt = 0, 0, 0
	})
	return &Empty{}, err
}
