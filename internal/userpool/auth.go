package userpool

import (
	"context"
	"net/netip"

	"github.com/moat-dev/moat/internal/store"
)

type InitiateAuthInput struct {
	AuthFlow       string            `json:"AuthFlow"`
	AuthParameters map[string]string `json:"AuthParameters,omitempty"`
	ClientId       string            `json:"ClientId"`
	ClientMetadata map[string]string `json:"ClientMetadata,omitempty"`
}

type AdminInitiateAuthInput struct {
	UserPoolId string `json:"UserPoolId"`
	InitiateAuthInput
}

type AuthOutput struct {
	ChallengeName        string                `json:"ChallengeName,omitempty"`
	Session              string                `json:"Session,omitempty"`
	ChallengeParameters  map[string]string     `json:"ChallengeParameters"`
	AvailableChallenges  []string              `json:"AvailableChallenges,omitempty"`
	AuthenticationResult *AuthenticationResult `json:"AuthenticationResult,omitempty"`
	// signedIn is who a hosted sign-in proved to be (see attempt.hosted).
	signedIn *store.User
}

// InitiateAuth is the public (unsigned) sign-in entry point. caller is the
// address the request came from, which the per-address limit counts.
func (s *Service) InitiateAuth(ctx context.Context, caller netip.Addr, in *InitiateAuthInput) (*AuthOutput, error) {
	c, p, err := s.clientAndPool(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	return s.startAuth(ctx, publicEntry, newAttempt(caller, p, c, in.ClientMetadata, in.AuthParameters), in.AuthFlow)
}

// AdminInitiateAuth is the signed, server-side sign-in entry point.
func (s *Service) AdminInitiateAuth(ctx context.Context, caller netip.Addr, in *AdminInitiateAuthInput) (*AuthOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	c, err := s.loadClient(ctx, p.ID, in.ClientId)
	if err != nil {
		return nil, err
	}
	return s.startAuth(ctx, adminEntry, newAttempt(caller, p, c, in.ClientMetadata, in.AuthParameters), in.AuthFlow)
}

func unsupportedFlow(flow string) error {
	switch flow {
	case "":
		return invalidParameter("1 validation error detected: Value null at 'authFlow' failed to satisfy constraint: Member must not be null")
	}
	return invalidParameter("1 validation error detected: Value '%s' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [USER_SRP_AUTH, REFRESH_TOKEN_AUTH, REFRESH_TOKEN, CUSTOM_AUTH, ADMIN_NO_SRP_AUTH, USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_AUTH]", flow)
}
