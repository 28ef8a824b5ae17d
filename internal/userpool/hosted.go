package userpool

import (
	"context"
	"maps"
	"net/netip"
	"slices"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// The hosted pages sign users in through the same engine as InitiateAuth:
// the password step with its limits, lockout, decoys and hooks, then
// whatever challenge the engine answers with. A finished hosted sign-in
// yields the signed-in user, never tokens; the token endpoint mints those
// from the authorization code the pages hand out.

// HostedStep is what one step of a hosted sign-in came to: a challenge for
// the next page to render, or the signed-in user. OfferPasskey asks the
// pages to offer a signed-in user to add a passkey.
type HostedStep struct {
	ChallengeName       signin.ChallengeName
	Session             string
	ChallengeParameters map[string]string
	AvailableChallenges []string
	User                *SignedInUser
	OfferPasskey        bool
}

// SignedInUser is who a hosted sign-in (or the session cookie) proved to be.
type SignedInUser struct {
	PoolID   string
	Key      string
	Username string
	Sub      string
}

// HostedSignIn runs the sign-in page's username-and-password step for the
// client. The page acts as the client, so it needs no SECRET_HASH. device
// is the browser's remembered-device token (HostedRememberDevice), if any:
// when it is the user's, it proves the device as DEVICE_SRP_AUTH would.
func (s *Service) HostedSignIn(ctx context.Context, caller netip.Addr, clientID, username, password, device string) (*HostedStep, error) {
	c, p, err := s.clientAndPool(ctx, clientID)
	if err != nil {
		return nil, err
	}
	params := map[string]string{"USERNAME": username, "PASSWORD": password}
	deviceKey := s.hostedDevice(ctx, p, username, device)
	if deviceKey != "" {
		params["DEVICE_KEY"] = deviceKey
	}
	out, err := s.passwordAuth(ctx, hostedAttempt(caller, p, c, signin.UserPasswordAuth, params))
	if err != nil {
		return nil, err
	}
	return s.hostedStep(ctx, caller, c, p, out, deviceKey)
}

// HostedChooseSignIn starts USER_AUTH for username on a client that allows
// it: the page of the first factors the user has (SELECT_CHALLENGE), or,
// with preferred, that factor's challenge at once when the user has it.
func (s *Service) HostedChooseSignIn(ctx context.Context, caller netip.Addr, clientID, username, preferred string) (*HostedStep, error) {
	c, p, err := s.clientAndPool(ctx, clientID)
	if err != nil {
		return nil, err
	}
	params := map[string]string{"USERNAME": username}
	if preferred != "" {
		params["PREFERRED_CHALLENGE"] = preferred
	}
	out, err := s.userAuth(ctx, hostedAttempt(caller, p, c, signin.UserAuth, params))
	if err != nil {
		return nil, err
	}
	return s.hostedStep(ctx, caller, c, p, out, "")
}

// HostedRespond answers the challenge a hosted page rendered; responses are
// the challenge's fields (USERNAME among them), as RespondToAuthChallenge
// takes them. MFA_SETUP's page sends the new token's first code
// (SOFTWARE_TOKEN_MFA_CODE) and name (FRIENDLY_DEVICE_NAME), verified as
// VerifySoftwareToken would before the challenge is answered. device is
// as for HostedSignIn, for a password given in answer to SELECT_CHALLENGE.
func (s *Service) HostedRespond(ctx context.Context, caller netip.Addr, clientID string, challenge signin.ChallengeName, session string, responses map[string]string, device string) (*HostedStep, error) {
	c, p, err := s.clientAndPool(ctx, clientID)
	if err != nil {
		return nil, err
	}
	answers := maps.Clone(responses)
	withSecretHash(c, answers)
	if challenge == signin.MFASetup {
		if session, err = s.verifyHostedTOTPSetup(ctx, session, answers); err != nil {
			return nil, err
		}
	}
	deviceKey := ""
	if challenge == signin.SelectChallenge && answers["ANSWER"] == "PASSWORD" {
		if deviceKey = s.hostedDevice(ctx, p, answers["USERNAME"], device); deviceKey != "" {
			answers["DEVICE_KEY"] = deviceKey
		}
	}
	out, err := s.respond(ctx, caller, c, &RespondToAuthChallengeInput{
		ClientId: clientID, ChallengeName: string(challenge), Session: session, ChallengeResponses: answers,
	}, true)
	if err != nil {
		return nil, err
	}
	return s.hostedStep(ctx, caller, c, p, out, deviceKey)
}

// hostedAttempt is a first step the page takes as the client.
func hostedAttempt(caller netip.Addr, p *pool, c *client, flow signin.AuthFlow, params map[string]string) *attempt {
	withSecretHash(c, params)
	a := newAttempt(caller, p, c, nil, params)
	a.flow, a.hosted = flow, true
	return a
}

// withSecretHash adds the SECRET_HASH a confidential client's SDK would
// send for params' USERNAME.
func withSecretHash(c *client, params map[string]string) {
	if c.Secret != "" {
		params["SECRET_HASH"] = (&OAuthClient{ClientID: c.ID, secret: c.Secret}).SecretHash(params["USERNAME"])
	}
}

// hostedStep is the page's view of an engine step. A remembered browser's
// DEVICE_SRP_AUTH is answered here, never shown.
func (s *Service) hostedStep(ctx context.Context, caller netip.Addr, c *client, p *pool, out *AuthOutput, deviceKey string) (*HostedStep, error) {
	if out.ChallengeName == string(signin.DeviceSRPAuth) {
		var err error
		if out, err = s.proveHostedDevice(ctx, caller, p, c, out, deviceKey); err != nil {
			return nil, err
		}
	}
	if u := out.signedIn; u != nil {
		offer, err := s.offersPasskey(ctx, p, c, *u)
		if err != nil {
			return nil, err
		}
		return &HostedStep{User: &SignedInUser{PoolID: p.ID, Key: u.Key, Username: u.Username, Sub: u.Sub}, OfferPasskey: offer}, nil
	}
	return &HostedStep{ChallengeName: signin.ChallengeName(out.ChallengeName), Session: out.Session,
		ChallengeParameters: out.ChallengeParameters, AvailableChallenges: out.AvailableChallenges}, nil
}

// SignedInAgain checks that the user a session cookie names can still sign
// in (exists, enabled, confirmed) and returns them as they are now.
func (s *Service) SignedInAgain(ctx context.Context, poolID, userKey string) (*SignedInUser, error) {
	u, err := s.activeUser(ctx, poolID, userKey)
	if err != nil {
		return nil, err
	}
	return &SignedInUser{PoolID: poolID, Key: u.Key, Username: u.Username, Sub: u.Sub}, nil
}

// externalProviderStatus is the UserStatus of a user a federated sign-in made.
const externalProviderStatus = "EXTERNAL_PROVIDER"

// activeUser is a user who may be issued tokens: present, enabled, confirmed.
func (s *Service) activeUser(ctx context.Context, poolID, userKey string) (store.User, error) {
	u, err := s.store.GetUser(ctx, poolID, userKey)
	if err != nil {
		return store.User{}, storeErr(err, errUserNotFound)
	}
	if !u.Enabled {
		return store.User{}, errUserDisabled
	}
	if signin.UserStatus(u.Status) != signin.Confirmed && u.Status != externalProviderStatus {
		return store.User{}, errUserNotConfirmed
	}
	return u, nil
}

// HostedPool is what the hosted pages show of a pool: its name, what users
// sign in with, the attributes sign-up asks for and the password policy.
type HostedPool struct {
	ID                 string
	Name               string
	UsernameAttributes []string // email and/or phone_number in place of a username
	RequiredAttributes []string
	PasswordPolicy     PasswordPolicy
	SelfSignUp         bool
	// Remembering is how the pages remember a browser (DeviceConfiguration).
	Remembering HostedDeviceRemembering
	// Passwordless is true when the pool signs users in with more than a
	// password (AllowedFirstAuthFactors), which USER_AUTH clients offer.
	Passwordless bool
}

// DescribeHostedPool reads what the hosted pages show of a pool.
func (s *Service) DescribeHostedPool(ctx context.Context, poolID string) (*HostedPool, error) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	hp := &HostedPool{ID: p.ID, Name: p.Name, UsernameAttributes: p.Config.UsernameAttributes, PasswordPolicy: p.passwordPolicy(),
		SelfSignUp:  p.Config.AdminCreateUserConfig == nil || !p.Config.AdminCreateUserConfig.AllowAdminCreateUserOnly,
		Remembering: p.hostedRemembering(), Passwordless: slices.ContainsFunc(firstFactors, func(f string) bool { return f != "PASSWORD" && p.allowsFirstFactor(f) })}
	for _, a := range p.Config.Schema {
		if a.Required != nil && *a.Required && a.Name != "sub" && !p.usernameIsAttribute(a.Name) {
			hp.RequiredAttributes = append(hp.RequiredAttributes, a.Name)
		}
	}
	// An attribute the pool verifies by sending a code is asked for too:
	// without it the sign-up could not be confirmed.
	for _, a := range p.Config.AutoVerifiedAttributes {
		if !slices.Contains(hp.RequiredAttributes, a) && !p.usernameIsAttribute(a) {
			hp.RequiredAttributes = append(hp.RequiredAttributes, a)
		}
	}
	return hp, nil
}
