package userpool

import (
	"context"
	"net/netip"
)

type RespondToAuthChallengeInput struct {
	ClientId           string            `json:"ClientId"`
	ChallengeName      string            `json:"ChallengeName"`
	Session            string            `json:"Session,omitempty"`
	ChallengeResponses map[string]string `json:"ChallengeResponses,omitempty"`
	ClientMetadata     map[string]string `json:"ClientMetadata,omitempty"`
}

type AdminRespondToAuthChallengeInput struct {
	UserPoolId string `json:"UserPoolId"`
	RespondToAuthChallengeInput
}

func (s *Service) RespondToAuthChallenge(ctx context.Context, caller netip.Addr, in *RespondToAuthChallengeInput) (*AuthOutput, error) {
	c, err := s.findClient(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	return s.respond(ctx, caller, c, in, false)
}

func (s *Service) AdminRespondToAuthChallenge(ctx context.Context, caller netip.Addr, in *AdminRespondToAuthChallengeInput) (*AuthOutput, error) {
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	c, err := s.loadClient(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	return s.respond(ctx, caller, c, &in.RespondToAuthChallengeInput, false)
}
