package userpool

import (
	"context"
	"errors"
	"maps"
	"net/netip"
	"slices"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

type SignUpInput struct {
	ClientId       string            `json:"ClientId"`
	SecretHash     string            `json:"SecretHash,omitempty"`
	Username       string            `json:"Username"`
	Password       string            `json:"Password"`
	UserAttributes []AttributeType   `json:"UserAttributes,omitempty"`
	ValidationData []AttributeType   `json:"ValidationData,omitempty"`
	ClientMetadata map[string]string `json:"ClientMetadata,omitempty"`
}

type SignUpOutput struct {
	UserConfirmed       bool                 `json:"UserConfirmed"`
	CodeDeliveryDetails *CodeDeliveryDetails `json:"CodeDeliveryDetails,omitempty"`
	UserSub             string               `json:"UserSub"`
}

// SignUp registers a user, unconfirmed, and sends a confirmation code to the
// email when the pool verifies email automatically. caller is the address
// the request came from, which the per-address limit counts. When the code
// cannot be mailed the user stays created and the answer is Cognito's
// CodeDeliveryFailureException: ResendConfirmationCode sends a new one.
func (s *Service) SignUp(ctx context.Context, caller netip.Addr, in *SignUpInput) (*SignUpOutput, error) {
	c, p, err := s.clientAndPool(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	if err := c.checkSecretHash(in.SecretHash, in.Username); err != nil {
		return nil, err
	}
	if cfg := p.Config.AdminCreateUserConfig; cfg != nil && cfg.AllowAdminCreateUserOnly {
		return nil, awserr.New(awserr.NotAuthorized, "SignUp is not permitted for this user pool")
	}
	if err := s.limiter.SignUp(ctx, caller); err != nil {
		return nil, err
	}
	if !usernamePattern.MatchString(in.Username) {
		return nil, invalidParameter("1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+")
	}
	if err := checkPassword(p.passwordPolicy(), in.Password); err != nil {
		return nil, err
	}
	if err := c.checkWritable(in.UserAttributes); err != nil {
		return nil, err
	}
	if err := p.validateAttributes(in.UserAttributes, true, nil); err != nil {
		return nil, err
	}
	attrs, username, sub, err := p.newUser(in.Username, in.UserAttributes)
	if err != nil {
		return nil, err
	}
	delete(attrs, "email_verified") // only a code proves an address
	delete(attrs, "phone_number_verified")
	hook, err := s.preSignUp(ctx, p.call(c.ID, caller, in.ClientMetadata), signin.SignUpBySelf, username, attrs, in.ValidationData)
	if err != nil {
		return nil, err
	}
	if err := s.claimAliases(ctx, p, "", attrs, false); err != nil {
		return nil, err
	}
	np, err := s.derivePassword(ctx, p, username, in.Password)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	attrs["sub"] = sub
	u := store.User{PoolID: p.ID, Key: p.userKey(username), Username: username, Sub: sub, Status: string(signin.Unconfirmed),
		Enabled: true, Attributes: attrs, CreatedAt: now, UpdatedAt: now}
	if hook.AutoConfirmUser {
		u.Status = string(signin.Confirmed)
	}
	if err := np.setOnState(&u); err != nil {
		return nil, err
	}
	if err := s.users.create(ctx, u, change{kind: userSignedUp, operation: "SignUp", clientID: c.ID}); err != nil {
		if errors.Is(err, store.ErrAlreadyExists) {
			return nil, awserr.New(awserr.UsernameExists, "User already exists")
		}
		return nil, storeErr(err, poolNotFound(p.ID))
	}
	out := &SignUpOutput{UserSub: sub, UserConfirmed: hook.AutoConfirmUser}
	if hook.AutoConfirmUser {
		if err := s.postConfirmation(ctx, hook.Call, signin.ConfirmedSignUp, u.Key); err != nil {
			return nil, err
		}
	}
	if !hook.AutoConfirmUser && p.autoVerifies("email") && attrs["email"] != "" {
		delivery, err := s.sendSignUpCode(ctx, p, u, messageFor{hook.Call, signin.MessageSignUp})
		if err != nil {
			return nil, err
		}
		out.CodeDeliveryDetails = delivery
	}
	return out, nil
}

// preSignUp runs the before-sign-up hook, if any; for a user signing up
// it may confirm the user and verify its email or phone, which attrs take.
// For an admin-created user its answer is ignored, as in Cognito.
func (s *Service) preSignUp(ctx context.Context, call signin.Call, source signin.PreSignUpSource, username string, attrs map[string]string, validation []AttributeType) (*signin.PreSignUpEvent, error) {
	e := &signin.PreSignUpEvent{Call: call, Source: source, Username: username, UserAttributes: maps.Clone(attrs)}
	for _, a := range validation {
		if e.ValidationData == nil {
			e.ValidationData = map[string]string{}
		}
		e.ValidationData[a.Name] = a.Value
	}
	h := s.hooks.PreSignUp
	if h == nil {
		return e, nil
	}
	if err := h.PreSignUp(ctx, e); err != nil {
		return nil, hookFailed(err)
	}
	if source == signin.SignUpByAdmin {
		e.AutoConfirmUser, e.AutoVerifyEmail, e.AutoVerifyPhone = false, false, false
	}
	if e.AutoVerifyEmail && attrs["email"] != "" {
		attrs["email_verified"] = "true"
	}
	if e.AutoVerifyPhone && attrs["phone_number"] != "" {
		attrs["phone_number_verified"] = "true"
	}
	return e, nil
}

func (p *pool) autoVerifies(attr string) bool {
	return slices.Contains(p.Config.AutoVerifiedAttributes, attr)
}

func (s *Service) sendSignUpCode(ctx context.Context, p *pool, u store.User, m messageFor) (*CodeDeliveryDetails, error) {
	return s.mailCode(ctx, p, u, codeSignUp, signUpCodeLife, m)
}

// checkWritable enforces the client's WriteAttributes (none listed: all writable).
func (c *client) checkWritable(attrs []AttributeType) error {
	if len(c.Config.WriteAttributes) == 0 {
		return nil
	}
	for _, a := range attrs {
		if !slices.Contains(c.Config.WriteAttributes, a.Name) {
			return awserr.Newf(awserr.NotAuthorized, "A client attempted to write unauthorized attribute")
		}
	}
	return nil
}

type ConfirmSignUpInput struct {
	ClientId           string            `json:"ClientId"`
	SecretHash         string            `json:"SecretHash,omitempty"`
	Username           string            `json:"Username"`
	ConfirmationCode   string            `json:"ConfirmationCode"`
	ForceAliasCreation bool              `json:"ForceAliasCreation,omitempty"`
	ClientMetadata     map[string]string `json:"ClientMetadata,omitempty"`
}

// ConfirmSignUp confirms a user with the code sent at sign-up; the address
// the code went to becomes verified.
func (s *Service) ConfirmSignUp(ctx context.Context, in *ConfirmSignUpInput) (*Empty, error) {
	p, c, u, err := s.publicUser(ctx, in.ClientId, in.SecretHash, in.Username)
	if hidesMissingUser(err, c) {
		return nil, s.decoyRedeem(ctx, p)
	}
	if err != nil {
		return nil, err
	}
	if u.Status != string(signin.Unconfirmed) {
		return nil, awserr.New(awserr.NotAuthorized, "User cannot be confirmed. Current status is "+u.Status)
	}
	if in.ForceAliasCreation {
		verified := map[string]string{}
		for k, v := range u.Attributes {
			verified[k] = v
		}
		verified["email_verified"] = "true"
		if err := s.claimAliases(ctx, p, u.Key, verified, true); err != nil {
			return nil, err
		}
	}
	err = s.redeemCode(ctx, p, u, codeSignUp, in.ConfirmationCode, change{kind: userConfirmed, operation: "ConfirmSignUp", clientID: c.ID}, func(u *store.User, _ *userState) {
		u.Status = string(signin.Confirmed)
		if u.Attributes["email"] != "" {
			u.Attributes["email_verified"] = "true"
		}
	})
	if err != nil {
		return nil, err
	}
	return &Empty{}, s.postConfirmation(ctx, p.call(c.ID, netip.Addr{}, in.ClientMetadata), signin.ConfirmedSignUp, u.Key)
}

type ResendConfirmationCodeInput struct {
	ClientId       string            `json:"ClientId"`
	SecretHash     string            `json:"SecretHash,omitempty"`
	Username       string            `json:"Username"`
	ClientMetadata map[string]string `json:"ClientMetadata,omitempty"`
}

type CodeDeliveryOutput struct {
	CodeDeliveryDetails *CodeDeliveryDetails `json:"CodeDeliveryDetails"`
}

func (s *Service) ResendConfirmationCode(ctx context.Context, in *ResendConfirmationCodeInput) (*CodeDeliveryOutput, error) {
	p, c, u, err := s.publicUser(ctx, in.ClientId, in.SecretHash, in.Username)
	hidden := hidesMissingUser(err, c)
	if err != nil && !hidden {
		return nil, err
	}
	if !p.autoVerifies("email") {
		return nil, invalidParameter("Cannot resend codes. Auto verification not turned on.")
	}
	if hidden {
		return s.decoyCodeDelivery(ctx, p, in.Username)
	}
	if u.Status != string(signin.Unconfirmed) {
		return nil, invalidParameter("User is already confirmed.")
	}
	if err := s.limiter.Codes(ctx, p.ID, u.Key); err != nil {
		return nil, err
	}
	delivery, err := s.sendSignUpCode(ctx, p, u, messageFor{p.call(c.ID, netip.Addr{}, in.ClientMetadata), signin.MessageResendCode})
	if err != nil {
		return nil, err
	}
	return &CodeDeliveryOutput{CodeDeliveryDetails: delivery}, nil
}
