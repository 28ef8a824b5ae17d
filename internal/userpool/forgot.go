package userpool

import (
	"context"
	"net/netip"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

type ForgotPasswordInput struct {
	ClientId       string            `json:"ClientId"`
	SecretHash     string            `json:"SecretHash,omitempty"`
	Username       string            `json:"Username"`
	ClientMetadata map[string]string `json:"ClientMetadata,omitempty"`
}

// ForgotPassword sends a reset code (valid one hour) to the user's verified email.
func (s *Service) ForgotPassword(ctx context.Context, in *ForgotPasswordInput) (*CodeDeliveryOutput, error) {
	p, c, u, err := s.publicUser(ctx, in.ClientId, in.SecretHash, in.Username)
	if err == errUserNotFound {
		migrated, ok, migrateErr := s.migrateUser(ctx, p, p.call(c.ID, netip.Addr{}, in.ClientMetadata), signin.MigrateOnForgotPassword, in.Username, "")
		if migrateErr != nil {
			return nil, migrateErr
		}
		if ok {
			u, err = migrated, nil
		}
	}
	if hidesMissingUser(err, c) {
		return s.decoyCodeDelivery(ctx, p, in.Username)
	}
	if err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, errUserDisabled
	}
	if u.Attributes["email"] == "" || (u.Attributes["email_verified"] != "true" && u.Status != string(signin.Unconfirmed)) {
		return nil, invalidParameter("Cannot reset password for the user as there is no registered/verified email or phone_number")
	}
	if err := s.limiter.Codes(ctx, p.ID, u.Key); err != nil {
		return nil, err
	}
	delivery, err := s.mailCode(ctx, p, u, codeReset, resetCodeLife, messageFor{p.call(c.ID, netip.Addr{}, in.ClientMetadata), signin.MessageForgotPassword})
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
// lifts a lockout: proving control of the email is a fresh start. For an
// unknown user on a client that hides user existence it hashes the password
// and does the update's store work too, and answers as a wrong code.
func (s *Service) ConfirmForgotPassword(ctx context.Context, in *ConfirmForgotPasswordInput) (*Empty, error) {
	p, c, u, err := s.publicUser(ctx, in.ClientId, in.SecretHash, in.Username)
	hidden := hidesMissingUser(err, c)
	if err != nil && !hidden {
		return nil, err
	}
	if hidden {
		u.Username = in.Username
	}
	np, err := s.newPasswordFor(ctx, p, u.Username, in.Password)
	if err != nil {
		return nil, err
	}
	if hidden {
		return nil, s.decoyRedeem(ctx, p)
	}
	err = s.redeemCode(ctx, p, u, codeReset, in.ConfirmationCode, change{kind: passwordReset, operation: "ConfirmForgotPassword", clientID: c.ID}, func(u *store.User, st *userState) {
		np.setOn(u, st)
		if u.Status == string(signin.ResetRequired) || u.Status == string(signin.ForceChangePassword) {
			u.Status = string(signin.Confirmed)
		}
		st.FailedSignIns, st.LockedUntilMillis, st.TempPasswordExpiresAt = 0, 0, 0
	})
	if err != nil {
		return nil, err
	}
	return &Empty{}, s.postConfirmation(ctx, p.call(c.ID, netip.Addr{}, in.ClientMetadata), signin.ConfirmedForgotPassword, u.Key)
}

type AdminResetUserPasswordInput struct {
	UserPoolId     string            `json:"UserPoolId"`
	Username       string            `json:"Username"`
	ClientMetadata map[string]string `json:"ClientMetadata,omitempty"`
}

// AdminResetUserPassword makes the user choose a new password: sign-in
// answers PasswordResetRequiredException until ConfirmForgotPassword with
// the code mailed now (or ForgotPassword's next one).
func (s *Service) AdminResetUserPassword(ctx context.Context, in *AdminResetUserPasswordInput) (*Empty, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, errUserDisabled
	}
	if u.Attributes["email"] == "" || u.Attributes["email_verified"] != "true" {
		return nil, invalidParameter("Cannot reset password for the user as there is no registered/verified email or phone_number")
	}
	_, err = s.users.update(ctx, p.ID, u.Key, func(old store.User) (store.User, change, error) {
		old.Status, old.UpdatedAt = string(signin.ResetRequired), s.clock()
		return old, change{kind: passwordReset, operation: "AdminResetUserPassword"}, nil
	})
	if err != nil {
		return nil, storeErr(err, errUserNotFound)
	}
	if _, err := s.mailCode(ctx, p, u, codeReset, resetCodeLife, messageFor{p.call("", netip.Addr{}, in.ClientMetadata), signin.MessageForgotPassword}); err != nil {
		return nil, err
	}
	return &Empty{}, nil
}
