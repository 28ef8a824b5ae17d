package userpool

import (
	"context"
	"encoding/json"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// WEB_AUTHN: a passkey as the first factor. CREDENTIAL_REQUEST_OPTIONS (a
// JSON string) allows the user's passkeys; CREDENTIAL is the browser's
// AuthenticationResponseJSON. The signature, the relying party, the origin,
// user verification as the pool asks, and the sign counter (it must grow,
// unless the authenticator keeps none) are checked; a passkey is not
// followed by MFA.

func init() {
	registerChallenge(signin.WebAuthn, challengeHandler{
		issue:   (*Service).webAuthnChallenge,
		respond: (*Service).completeWebAuthn,
	})
}

// passkeyAssertion is WEB_AUTHN's payload: the ceremony the library began.
type passkeyAssertion struct {
	nextStep
	Ceremony webauthn.SessionData `json:"w"`
}

var errClonedPasskey = awserr.New(awserr.NotAuthorized, "The passkey's sign counter went back: the authenticator may have been cloned. Sign in another way and replace the passkey.")

func (s *Service) webAuthnChallenge(ctx context.Context, a *attempt, u store.User, next nextStep) (*AuthOutput, error) {
	rpID, uv, err := a.pool.relyingParty()
	if err != nil {
		return nil, err
	}
	_, pu, err := s.loadPasskeys(ctx, a.pool, u)
	if err != nil {
		return nil, err
	}
	rp, err := newRelyingParty(rpID, "")
	if err != nil {
		return nil, err
	}
	assertion, ceremony, err := rp.BeginLogin(pu, webauthn.WithUserVerification(uv))
	if err != nil {
		return nil, awserr.Internal(err)
	}
	options, err := json.Marshal(assertion.Response)
	if err != nil {
		return nil, awserr.Internal(err)
	}
	return s.challenge(a, u, signin.WebAuthn, passkeyAssertion{nextStep: next, Ceremony: *ceremony}, map[string]string{
		"CREDENTIAL_REQUEST_OPTIONS": string(options),
		"USERNAME":                   u.Username,
	}), nil
}

func (s *Service) completeWebAuthn(ctx context.Context, a *attempt, cs challengeSession, sealed []byte) (*AuthOutput, error) {
	var pa passkeyAssertion
	u, err := s.factorUser(ctx, a, cs, &pa)
	if err != nil {
		return nil, err
	}
	answer, err := requireResponse(a.params, "CREDENTIAL")
	if err != nil {
		return nil, err
	}
	rpID, _, err := a.pool.relyingParty()
	if err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes([]byte(answer))
	if err != nil {
		return nil, verifyFailed(err)
	}
	origin, err := clientOrigin(rpID, parsed.Response.CollectedClientData.Origin)
	if err != nil {
		return nil, err
	}
	_, pu, err := s.loadPasskeys(ctx, a.pool, u)
	if err != nil {
		return nil, err
	}
	rp, err := newRelyingParty(rpID, origin)
	if err != nil {
		return nil, err
	}
	var used *webauthn.Credential
	err = s.proveFactor(ctx, s.users, u, func(*store.User, *userState) error {
		cred, err := rp.ValidateLogin(pu, pa.Ceremony, parsed)
		switch {
		case err != nil:
			return verifyFailed(err)
		case cred.Authenticator.CloneWarning:
			return errClonedPasskey
		}
		used = cred
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := s.spendSession(ctx, "mfa", cs, sealed); err != nil {
		return nil, err
	}
	record, err := json.Marshal(used)
	if err != nil {
		return nil, awserr.Internal(err)
	}
	err = s.store.UpdatePasskey(ctx, a.pool.ID, u.Key, passkeyID(used.ID), func(k store.Passkey) (store.Passkey, error) {
		k.Record = record // the sign counter moves on
		return k, nil
	})
	if err != nil {
		return nil, storeErr(err, errInvalidSession) // deleted meanwhile
	}
	return s.authenticated(ctx, a, u, pa.nextStep)
}
