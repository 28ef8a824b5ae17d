package userpool

import (
	"context"
	"slices"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// SELECT_MFA_TYPE: the user has several factors and prefers none; the
// ANSWER names the one to use, whose challenge follows.

func init() {
	registerChallenge(signin.SelectMFAType, challengeHandler{
		issue:   (*Service).selectMFAChallenge,
		respond: (*Service).completeSelectMFA,
	})
}

func (s *Service) selectMFAChallenge(_ context.Context, a *attempt, u store.User, next nextStep) (*AuthOutput, error) {
	return s.challenge(a, u, signin.SelectMFAType, next, map[string]string{
		"MFAS_CAN_CHOOSE": jsonList(next.Choices),
		"USER_ID_FOR_SRP": u.Username,
	}), nil
}

func (s *Service) completeSelectMFA(ctx context.Context, a *attempt, cs challengeSession, _ []byte) (*AuthOutput, error) {
	var next nextStep
	u, err := s.factorUser(ctx, a, cs, &next)
	if err != nil {
		return nil, err
	}
	answer, err := requireResponse(a.params, "ANSWER")
	if err != nil {
		return nil, err
	}
	if !slices.Contains(next.Choices, answer) {
		return nil, invalidParameter("ANSWER must be one of %s.", jsonList(next.Choices))
	}
	next.Choices = nil
	return s.issueChallenge(ctx, answer, a, u, next)
}
