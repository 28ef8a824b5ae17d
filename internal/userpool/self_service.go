package userpool

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/netip"
	"strings"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

type ChangePasswordInput struct {
	PreviousPassword string `json:"PreviousPassword"`
	ProposedPassword string `json:"ProposedPassword"`
	AccessToken      string `json:"AccessToken"`
}

func (s *Service) ChangePassword(ctx context.Context, in *ChangePasswordInput) (*Empty, error) {
	p, u, _, err := s.accessTokenUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := s.verifyPassword(ctx, u, in.PreviousPassword, change{kind: userSignInFailed, operation: "ChangePassword"}); err != nil {
		return nil, err
	}
	np, err := s.newPasswordFor(ctx, p, u.Username, in.ProposedPassword)
	if err != nil {
		return nil, err
	}
	_, err = s.users.update(ctx, p.ID, u.Key, func(old store.User) (store.User, change, error) {
		if err := np.setOnState(&old); err != nil {
			return old, change{}, err
		}
		old.UpdatedAt = s.clock()
		return old, change{kind: passwordChanged, operation: "ChangePassword"}, nil
	})
	return &Empty{}, storeErr(err, errUserNotFound)
}

type GetUserAttributeVerificationCodeInput struct {
	AccessToken    string            `json:"AccessToken"`
	AttributeName  string            `json:"AttributeName"`
	ClientMetadata map[string]string `json:"ClientMetadata,omitempty"`
}

// GetUserAttributeVerificationCode sends a code proving the user's email.
// moat delivers email only; phone numbers are verified by an administrator.
func (s *Service) GetUserAttributeVerificationCode(ctx context.Context, in *GetUserAttributeVerificationCodeInput) (*CodeDeliveryOutput, error) {
	p, u, claims, err := s.accessTokenUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if in.AttributeName != "email" {
		return nil, invalidParameter("moat sends verification codes by email only; %s cannot be verified with a code", in.AttributeName)
	}
	if u.Attributes["email"] == "" {
		return nil, invalidParameter("The user has no email address to verify.")
	}
	if err := s.limiter.Codes(ctx, p.ID, u.Key); err != nil {
		return nil, err
	}
	delivery, err := s.mailCode(ctx, p, u, codeAttr+"email", signUpCodeLife,
		messageFor{p.call(claims.ClientID, netip.Addr{}, in.ClientMetadata), signin.MessageVerifyUserAttribute})
	if err != nil {
		return nil, err
	}
	return &CodeDeliveryOutput{CodeDeliveryDetails: delivery}, nil
}

type VerifyUserAttributeInput struct {
	AccessToken   string `json:"AccessToken"`
	AttributeName string `json:"AttributeName"`
	Code          string `json:"Code"`
}

func (s *Service) VerifyUserAttribute(ctx context.Context, in *VerifyUserAttributeInput) (*Empty, error) {
	p, u, _, err := s.accessTokenUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if in.AttributeName != "email" {
		return nil, invalidParameter("moat verifies email addresses only with a code; %s cannot be verified this way", in.AttributeName)
	}
	err = s.redeemCode(ctx, p, u, codeAttr+"email", in.Code, change{kind: attributeVerified, operation: "VerifyUserAttribute", attrs: []string{"email_verified"}}, func(u *store.User, _ *userState) {
		u.Attributes["email_verified"] = "true"
	})
	return &Empty{}, err
}

type UpdateUserAttributesInput struct {
	UserAttributes []AttributeType   `json:"UserAttributes"`
	AccessToken    string            `json:"AccessToken"`
	ClientMetadata map[string]string `json:"ClientMetadata,omitempty"`
}

type UpdateUserAttributesOutput struct {
	CodeDeliveryDetailsList []CodeDeliveryDetails `json:"CodeDeliveryDetailsList,omitempty"`
}

// UpdateUserAttributes changes the caller's own attributes. A new email is
// unverified until the code sent to it comes back (VerifyUserAttribute).
func (s *Service) UpdateUserAttributes(ctx context.Context, in *UpdateUserAttributesInput) (*UpdateUserAttributesOutput, error) {
	p, u, claims, err := s.accessTokenUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	c, err := s.loadClient(ctx, p.ID, claims.ClientID)
	if err != nil {
		return nil, err
	}
	for _, a := range in.UserAttributes {
		if a.Name == "email_verified" || a.Name == "phone_number_verified" {
			return nil, awserr.New(awserr.NotAuthorized, "A client attempted to write unauthorized attribute")
		}
	}
	if err := c.checkWritable(in.UserAttributes); err != nil {
		return nil, err
	}
	if u, err = s.setAttributes(ctx, p, u, in.UserAttributes, "UpdateUserAttributes"); err != nil {
		return nil, err
	}
	out := &UpdateUserAttributesOutput{}
	if u.Attributes["email"] != "" && u.Attributes["email_verified"] != "true" && p.autoVerifies("email") {
		delivery, err := s.mailCode(ctx, p, u, codeAttr+"email", signUpCodeLife,
			messageFor{p.call(c.ID, netip.Addr{}, in.ClientMetadata), signin.MessageUpdateUserAttribute})
		if err != nil {
			return nil, err
		}
		out.CodeDeliveryDetailsList = []CodeDeliveryDetails{*delivery}
	}
	return out, nil
}

type DeleteUserAttributesInput struct {
	UserAttributeNames []string `json:"UserAttributeNames"`
	AccessToken        string   `json:"AccessToken"`
}

func (s *Service) DeleteUserAttributes(ctx context.Context, in *DeleteUserAttributesInput) (*Empty, error) {
	p, u, _, err := s.accessTokenUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	return s.deleteAttributes(ctx, p, u, in.UserAttributeNames, "DeleteUserAttributes")
}

// GlobalSignOut ends every session of the caller.
func (s *Service) GlobalSignOut(ctx context.Context, in *AccessTokenInput) (*Empty, error) {
	_, u, _, err := s.accessTokenUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	return s.signOutEverywhere(ctx, u, "GlobalSignOut")
}

// DeleteUser deletes the caller.
func (s *Service) DeleteUser(ctx context.Context, in *AccessTokenInput) (*Empty, error) {
	_, u, _, err := s.accessTokenUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	return &Empty{}, storeErr(s.users.delete(ctx, u, change{kind: userDeleted, operation: "DeleteUser"}), errUserNotFound)
}

type RevokeTokenInput struct {
	Token        string `json:"Token"`
	ClientId     string `json:"ClientId"`
	ClientSecret string `json:"ClientSecret,omitempty"`
}

// RevokeToken ends the session a refresh token belongs to, and with it the
// access tokens minted from it. Unknown tokens are accepted silently, as
// OAuth token revocation (RFC 7009) requires; an access or ID token is not
// a token this operation revokes, and says so.
func (s *Service) RevokeToken(ctx context.Context, in *RevokeTokenInput) (*Empty, error) {
	c, err := s.findClient(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	if c.Secret != "" && subtle.ConstantTimeCompare([]byte(c.Secret), []byte(in.ClientSecret)) != 1 {
		return nil, awserr.New(awserr.Unauthorized, "Client authentication failed.")
	}
	if c.Config.EnableTokenRevocation != nil && !*c.Config.EnableTokenRevocation {
		return nil, awserr.New(awserr.UnsupportedOperation, "Token revocation is not enabled for this client.")
	}
	if in.Token == "" {
		return nil, invalidParameter("1 validation error detected: Value null at 'token' failed to satisfy constraint: Member must not be null")
	}
	if isJWT(in.Token) {
		return nil, errUnsupportedTokenType
	}
	hash := hashRefreshToken(in.Token)
	rt, err := s.store.GetRefreshToken(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return &Empty{}, nil
	}
	if err != nil {
		return nil, awserr.Internal(err)
	}
	if rt.ClientID != c.ID {
		return nil, awserr.New(awserr.Unauthorized, "The token was not issued to this client.")
	}
	if err := s.users.endSession(ctx, hash, s.clock()); err != nil {
		return nil, storeErr(err, nil)
	}
	return &Empty{}, nil
}

var errUnsupportedTokenType = awserr.New(awserr.UnsupportedTokenType,
	"RevokeToken takes a refresh token; an access or ID token ends with its session (revoke its refresh token, or GlobalSignOut).")

// isJWT reports whether a token has a JWT's shape: three base64url parts,
// the first a JSON header naming its algorithm. Refresh tokens are opaque.
func isJWT(token string) bool {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[0])
	var header struct {
		Alg string `json:"alg"`
	}
	return err == nil && json.Unmarshal(raw, &header) == nil && header.Alg != ""
}
