package userpool

import (
	"context"
	"errors"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// SOFTWARE_TOKEN_MFA: the code of the user's authenticator app. A code is
// good once: neither it nor an older one works after it was accepted.

func init() {
	registerChallenge(signin.SoftwareTokenMFA, challengeHandler{
		issue:   (*Service).softwareTokenChallenge,
		respond: (*Service).completeSoftwareToken,
	})
}

func (s *Service) softwareTokenChallenge(_ context.Context, a *attempt, u store.User, next nextStep) (*AuthOutput, error) {
	return s.challenge(a, u, signin.SoftwareTokenMFA, next, map[string]string{"USER_ID_FOR_SRP": u.Username}), nil
}

func (s *Service) completeSoftwareToken(ctx context.Context, a *attempt, cs challengeSession, sealed []byte) (*AuthOutput, error) {
	var next nextStep
	u, err := s.factorUser(ctx, a, cs, &next)
	if err != nil {
		return nil, err
	}
	code, err := requireResponse(a.params, "SOFTWARE_TOKEN_MFA_CODE")
	if err != nil {
		return nil, err
	}
	secret, err := s.store.GetUserSecret(ctx, a.pool.ID, u.Key, totpSecret)
	if errors.Is(err, store.ErrNotFound) { // deleted since the challenge was issued
		return nil, errInvalidSession
	}
	if err != nil {
		return nil, awserr.Internal(err)
	}
	err = s.proveFactor(ctx, s.users, u, func(_ *store.User, st *userState) error {
		step, ok := totpStep(secret.Value, code, s.now(), st.MFA.TOTPStep)
		if !ok {
			return errMFACodeMismatch
		}
		st.MFA.TOTPStep = step
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.factorAccepted(ctx, a, u, cs, sealed, next)
}
