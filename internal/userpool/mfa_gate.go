package userpool

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"slices"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// After a right password comes the pool's MFA: nothing when it is off or
// the user has no factor under OPTIONAL; the user's factor (the preferred
// one, or the only one); a choice of factors (SELECT_MFA_TYPE); or, when MFA
// is required and the user has none, setting one up (MFA_SETUP).

// nextStep is what a challenge after the first factor carries to the end of
// the sign-in: why tokens are minted, the device signing in (a tracked
// device's key, see devices.go), and the factors a choice offers.
type nextStep struct {
	Source    signin.TokenSource `json:"src,omitempty"`
	DeviceKey string             `json:"dev,omitempty"`
	Choices   []string           `json:"choices,omitempty"`
}

// secondFactor decides what follows a right password.
func (s *Service) secondFactor(ctx context.Context, a *attempt, u store.User, next nextStep) (*AuthOutput, error) {
	mode := a.pool.Config.MfaConfiguration
	if mode == "" || mode == mfaOff {
		return s.authenticated(ctx, a, u, next)
	}
	st, err := decodeState(u)
	if err != nil {
		return nil, err
	}
	factors := a.pool.secondFactors(u, st)
	switch {
	case len(factors) == 0 && mode == mfaOn:
		return s.issueChallenge(ctx, string(signin.MFASetup), a, u, next)
	case len(factors) == 0:
		return s.authenticated(ctx, a, u, next)
	case slices.Contains(factors, st.MFA.Preferred):
		return s.issueChallenge(ctx, st.MFA.Preferred, a, u, next)
	case len(factors) == 1:
		return s.issueChallenge(ctx, factors[0], a, u, next)
	}
	next.Choices = factors
	return s.issueChallenge(ctx, string(signin.SelectMFAType), a, u, next)
}

// jsonList is a challenge parameter holding a list, as Cognito sends it: a
// JSON array in a string.
func jsonList(items []string) string {
	b, _ := json.Marshal(items)
	return string(b)
}

// factorUser reads a challenge's payload into payload, reloads the user the
// challenge is for and checks the answer's SECRET_HASH and the user's standing.
func (s *Service) factorUser(ctx context.Context, a *attempt, cs challengeSession, payload any) (store.User, error) {
	if !cs.payload(payload) {
		return store.User{}, errInvalidSession
	}
	u, err := s.store.GetUser(ctx, a.pool.ID, cs.UserKey)
	if err != nil {
		return store.User{}, storeErr(err, errInvalidSession)
	}
	if err := a.client.checkSecretHash(a.params["SECRET_HASH"], a.params["USERNAME"], u.Username, u.Sub); err != nil {
		return store.User{}, err
	}
	if !u.Enabled {
		return store.User{}, errUserDisabled
	}
	return u, nil
}

// factorAccepted ends a challenge answered right: its session is spent and
// the sign-in finishes.
func (s *Service) factorAccepted(ctx context.Context, a *attempt, u store.User, cs challengeSession, sealed []byte, next nextStep) (*AuthOutput, error) {
	if err := s.spendSession(ctx, "mfa", cs, sealed); err != nil {
		return nil, err
	}
	return s.authenticated(ctx, a, u, next)
}

// spendSession makes a challenge's session good for one accepted answer: a
// captured session cannot finish a sign-in twice.
func (s *Service) spendSession(ctx context.Context, scope string, cs challengeSession, sealed []byte) error {
	fresh, err := s.store.ConsumeNonce(ctx, scope+":"+cs.PoolID, hex.EncodeToString(sealed[:min(len(sealed), 12)]), cs.ExpiresAt+60)
	if err != nil {
		return awserr.Internal(err)
	}
	if !fresh {
		return errInvalidSession
	}
	return nil
}

// requireResponse is a challenge answer's field, or the error for its absence.
func requireResponse(params map[string]string, name string) (string, error) {
	v := params[name]
	if v == "" {
		return "", invalidParameter("Missing required parameter %s", name)
	}
	return v, nil
}
