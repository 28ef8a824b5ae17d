package userpool

import (
	"context"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// MFA_SETUP: the pool requires MFA and the user has no factor. The client
// calls AssociateSoftwareToken and VerifySoftwareToken with the session;
// the session the verification returns, and only that one, finishes the
// sign-in.

func init() {
	registerChallenge(signin.MFASetup, challengeHandler{
		issue:   (*Service).mfaSetupChallenge,
		respond: (*Service).completeMFASetup,
	})
}

// mfaSetup is MFA_SETUP's payload; SetUp is true once a factor was verified
// with this session.
type mfaSetup struct {
	nextStep
	SetUp bool `json:"setUp,omitempty"`
}

// setupFactors are the factors MFA_SETUP lets a user set up: a software
// token, when the pool offers one.
func (p *pool) setupFactors() []string {
	if p.offersFactor(factorTOTP) {
		return []string{factorTOTP}
	}
	return []string{}
}

func (s *Service) mfaSetupChallenge(_ context.Context, a *attempt, u store.User, next nextStep) (*AuthOutput, error) {
	if len(a.pool.setupFactors()) == 0 {
		return nil, errMFANotSetUp
	}
	return s.challenge(a, u, signin.MFASetup, mfaSetup{nextStep: next}, map[string]string{
		"MFAS_CAN_SETUP":  jsonList(a.pool.setupFactors()),
		"USER_ID_FOR_SRP": u.Username,
	}), nil
}

func (s *Service) completeMFASetup(ctx context.Context, a *attempt, cs challengeSession, sealed []byte) (*AuthOutput, error) {
	var setup mfaSetup
	u, err := s.factorUser(ctx, a, cs, &setup)
	if err != nil {
		return nil, err
	}
	if !setup.SetUp {
		return nil, errInvalidSession
	}
	return s.factorAccepted(ctx, a, u, cs, sealed, setup.nextStep)
}
