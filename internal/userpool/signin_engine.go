package userpool

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// The sign-in engine: InitiateAuth runs the first step of a registered
// flow, RespondToAuthChallenge hands each answer to the handler registered
// for its challenge, and every successful sign-in leaves through
// authenticated, where the after-authentication and token hooks run. A new
// flow or challenge is one file that registers itself; the engine does not
// change.

// attempt is one sign-in step: who calls, from where, through which
// client, with which parameters (AuthParameters or ChallengeResponses).
type attempt struct {
	call   signin.Call
	flow   signin.AuthFlow
	pool   *pool
	client *client
	params map[string]string
	// hosted marks a sign-in on the hosted pages: it ends in a signed-in
	// user (the page's session), not tokens, which the token endpoint mints.
	hosted bool
}

func newAttempt(caller netip.Addr, p *pool, c *client, metadata, params map[string]string) *attempt {
	return &attempt{call: p.call(c.ID, caller, metadata), pool: p, client: c, params: params}
}

// call is what a hook is told of a call to p: its client (none for admin
// calls naming none), caller, ClientMetadata, and the pool's triggers.
func (p *pool) call(clientID string, caller netip.Addr, metadata map[string]string) signin.Call {
	return signin.Call{PoolID: p.ID, ClientID: clientID, Caller: caller, ClientMetadata: metadata, Triggers: p.Config.LambdaConfig}
}

// entryPoint is which API offers a flow: the public one, the signed admin
// one, or both.
type entryPoint uint8

const (
	publicEntry entryPoint = 1 << iota
	adminEntry
)

// flowHandler runs the first step of a flow.
type flowHandler struct {
	entries entryPoint
	start   func(s *Service, ctx context.Context, a *attempt) (*AuthOutput, error)
}

// challengeHandler answers one challenge. sealed picks its sealed session
// out of the answer (nil: the Session); respond gets the opened session,
// whose payload is the handler's own, and the sealed bytes. A challenge a
// sign-in can be sent to by name (a second factor, a USER_AUTH choice)
// also has issue, which starts it for a user whose earlier steps are done.
type challengeHandler struct {
	sealed  func(in *RespondToAuthChallengeInput) string
	open    func(s *sessionSealer, text string) (challengeSession, []byte, bool)
	respond func(s *Service, ctx context.Context, a *attempt, cs challengeSession, sealed []byte) (*AuthOutput, error)
	issue   func(s *Service, ctx context.Context, a *attempt, u store.User, next nextStep) (*AuthOutput, error)
}

var (
	flows      = map[signin.AuthFlow]flowHandler{}
	challenges = map[signin.ChallengeName]challengeHandler{}
)

// registerFlow and registerChallenge are called from the init of the file
// that implements the flow or challenge.
func registerFlow(flow signin.AuthFlow, h flowHandler) {
	if _, dup := flows[flow]; dup {
		panic(fmt.Sprintf("userpool: flow %s registered twice", flow))
	}
	flows[flow] = h
}

func registerChallenge(name signin.ChallengeName, h challengeHandler) {
	if _, dup := challenges[name]; dup {
		panic(fmt.Sprintf("userpool: challenge %s registered twice", name))
	}
	if h.open == nil {
		h.open = (*sessionSealer).openText
	}
	challenges[name] = h
}

// issueChallenge starts the named challenge, when it can be started by name.
func (s *Service) issueChallenge(ctx context.Context, name string, a *attempt, u store.User, next nextStep) (*AuthOutput, error) {
	h, ok := challenges[signin.ChallengeName(name)]
	if !ok || h.issue == nil {
		return nil, invalidParameter("%s is not a challenge this step can go to.", name)
	}
	return h.issue(s, ctx, a, u, next)
}

// startAuth runs the first step of the flow an entry point was asked for.
func (s *Service) startAuth(ctx context.Context, entry entryPoint, a *attempt, flow string) (*AuthOutput, error) {
	h, ok := flows[signin.AuthFlow(flow)]
	if !ok || h.entries&entry == 0 {
		return nil, unsupportedFlow(flow)
	}
	a.flow = signin.AuthFlow(flow)
	return h.start(s, ctx, a)
}

// respond opens the answer's session and hands it to its challenge's handler.
func (s *Service) respond(ctx context.Context, caller netip.Addr, c *client, in *RespondToAuthChallengeInput, hosted bool) (*AuthOutput, error) {
	h, known := challenges[signin.ChallengeName(in.ChallengeName)]
	if !known {
		return nil, errInvalidSession
	}
	text := in.Session
	if h.sealed != nil {
		text = h.sealed(in)
	}
	cs, raw, ok := h.open(s.session, text)
	if !ok || cs.ClientID != c.ID || string(cs.Challenge) != in.ChallengeName || s.clock() > cs.ExpiresAt {
		return nil, errInvalidSession
	}
	p, err := s.loadPool(ctx, cs.PoolID)
	if err != nil {
		return nil, err
	}
	a := newAttempt(caller, p, c, in.ClientMetadata, in.ChallengeResponses)
	a.hosted = hosted
	return h.respond(s, ctx, a, cs, raw)
}

// signInFailure is the change a wrong credential in this attempt records.
func (a *attempt) signInFailure() change {
	return change{kind: userSignInFailed, clientID: a.client.ID, authFlow: string(a.flow)}
}

// challenge answers a step with a challenge whose state is sealed into the Session.
func (s *Service) challenge(a *attempt, u store.User, name signin.ChallengeName, payload any, params map[string]string) *AuthOutput {
	return &AuthOutput{
		ChallengeName:       string(name),
		Session:             s.session.seal(s.openChallenge(a, u.Key, name, payload)),
		ChallengeParameters: params,
	}
}

// openChallenge is a fresh session for a challenge, valid for the client's
// AuthSessionValidity.
func (s *Service) openChallenge(a *attempt, userKey string, name signin.ChallengeName, payload any) challengeSession {
	cs := challengeSession{PoolID: a.pool.ID, ClientID: a.client.ID, UserKey: userKey, Challenge: name,
		ExpiresAt: s.clock() + int64(a.client.Config.AuthSessionValidity)*60}
	if payload != nil {
		cs = cs.withPayload(payload)
	}
	return cs
}

// passwordAccepted finishes a sign-in whose password (or SRP proof) was
// right, through the gates the user's status sets.
func (s *Service) passwordAccepted(ctx context.Context, a *attempt, u store.User) (*AuthOutput, error) {
	if err := statusRefusal(u); err != nil {
		return nil, err
	}
	if signin.UserStatus(u.Status) == signin.ForceChangePassword {
		return s.newPasswordChallenge(a, u)
	}
	next := nextStep{Source: signin.TokensForAuthentication}
	if d, ok, err := s.rememberedDevice(ctx, a, u); err != nil || ok {
		if err != nil {
			return nil, err
		}
		next.DeviceKey, next.Source = d.Key, signin.TokensForDevice
		return s.issueChallenge(ctx, string(signin.DeviceSRPAuth), a, u, next)
	}
	next.DeviceKey = s.trackedDevice(ctx, a, u)
	return s.secondFactor(ctx, a, u, next)
}

// statusRefusal is why a user's status keeps them from signing in, if it does.
func statusRefusal(u store.User) error {
	switch signin.UserStatus(u.Status) {
	case signin.Unconfirmed:
		return errUserNotConfirmed
	case signin.ResetRequired:
		return errPasswordResetNeeded
	}
	return nil
}

// authenticated is where every successful sign-in ends: the
// after-authentication hook, then a new session and its tokens, for the
// device signing in; a pool that tracks devices names a new one.
func (s *Service) authenticated(ctx context.Context, a *attempt, u store.User, next nextStep) (*AuthOutput, error) {
	if h := s.hooks.PostAuthentication; h != nil {
		e := s.authenticationEvent(a, u)
		e.NewDevice = next.DeviceKey == "" && a.pool.tracksDevices()
		if a.flow != "" {
			// InitiateAuth's ClientMetadata goes to the triggers before
			// authentication only; RespondToAuthChallenge's reaches this one.
			e.ClientMetadata = nil
		}
		if err := h.PostAuthentication(ctx, e); err != nil {
			return nil, hookFailed(err)
		}
	}
	if a.hosted {
		// The hosted pages mint tokens later, for the authorization code.
		return &AuthOutput{ChallengeParameters: map[string]string{}, signedIn: &u}, nil
	}
	var device *NewDeviceMetadata
	switch {
	case next.DeviceKey == "" && a.pool.tracksDevices():
		device = s.newDeviceMetadata(a.pool)
		next.DeviceKey = device.DeviceKey
	case next.DeviceKey != "":
		if err := s.deviceSignedIn(ctx, a, u, next.DeviceKey); err != nil {
			return nil, err
		}
	}
	result, err := s.startSession(ctx, a, u, next.Source, next.DeviceKey)
	if err != nil {
		return nil, err
	}
	result.NewDeviceMetadata = device
	return &AuthOutput{ChallengeParameters: map[string]string{}, AuthenticationResult: result}, nil
}

// preAuthentication runs the before-authentication hook, if any, for a
// user about to prove a password; notFound: the pool has no such user and
// the client hides that (u is then only the name given).
func (s *Service) preAuthentication(ctx context.Context, a *attempt, u store.User, notFound bool) error {
	if h := s.hooks.PreAuthentication; h != nil {
		e := s.authenticationEvent(a, u)
		if notFound {
			e.UserAttributes, e.UserNotFound = map[string]string{}, true
		}
		return hookFailed(h.PreAuthentication(ctx, e))
	}
	return nil
}

func (s *Service) authenticationEvent(a *attempt, u store.User) *signin.AuthenticationEvent {
	return &signin.AuthenticationEvent{Call: a.call, Flow: a.flow, Username: u.Username, UserAttributes: hookAttributes(u)}
}

// hookAttributes are a user's attributes as triggers see them.
func hookAttributes(u store.User) map[string]string {
	attrs := make(map[string]string, len(u.Attributes)+1)
	for k, v := range u.Attributes {
		attrs[k] = v
	}
	attrs["cognito:user_status"] = u.Status
	return attrs
}

// hookFailed passes a hook's Cognito-shaped error on and hides any other.
func hookFailed(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := awserr.As(err); ok {
		return err
	}
	return awserr.Internal(err)
}
