package userpool

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/netip"

	"github.com/moat-dev/moat/internal/srp"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// What the hosted pages need of the second factors beyond HostedSignIn and
// HostedRespond: a software token set up during MFA_SETUP, a passkey
// registered once signed in, and a remembered browser. Each is the engine's
// own operation (AssociateSoftwareToken, StartWebAuthnRegistration,
// ConfirmDevice) for the page acting as the client.

// HostedBeginTOTPSetup starts setting up a software token during MFA_SETUP:
// the secret to show (as a QR code and as text) and the session the
// verification continues with. It is AssociateSoftwareToken with a Session.
func (s *Service) HostedBeginTOTPSetup(ctx context.Context, session string) (secret, next string, err error) {
	out, err := s.AssociateSoftwareToken(ctx, &AssociateSoftwareTokenInput{Session: session})
	if err != nil {
		return "", "", err
	}
	return out.SecretCode, out.Session, nil
}

// hostedTOTPSetupCode and hostedTOTPDeviceName are the MFA_SETUP answers
// the hosted page sends: the first code of the new token and its name,
// which VerifySoftwareToken takes before MFA_SETUP is answered.
const (
	hostedTOTPSetupCode  = "SOFTWARE_TOKEN_MFA_CODE"
	hostedTOTPDeviceName = "FRIENDLY_DEVICE_NAME"
)

// verifyHostedTOTPSetup is VerifySoftwareToken for MFA_SETUP's page: the
// session that finishes the challenge.
func (s *Service) verifyHostedTOTPSetup(ctx context.Context, session string, responses map[string]string) (string, error) {
	out, err := s.VerifySoftwareToken(ctx, &VerifySoftwareTokenInput{Session: session,
		UserCode: responses[hostedTOTPSetupCode], FriendlyDeviceName: responses[hostedTOTPDeviceName]})
	if err != nil {
		return "", err
	}
	delete(responses, hostedTOTPSetupCode)
	delete(responses, hostedTOTPDeviceName)
	return out.Session, nil
}

// offersPasskey reports whether a hosted sign-in should offer the user to
// add a passkey: the pool signs in with passkeys, the client may use
// USER_AUTH, and the user has none yet.
func (s *Service) offersPasskey(ctx context.Context, p *pool, c *client, u store.User) (bool, error) {
	if _, _, err := p.relyingParty(); err != nil || !c.allowsFlow("ALLOW_USER_AUTH") {
		return false, nil
	}
	keys, err := s.store.ListPasskeys(ctx, p.ID, u.Key)
	if err != nil {
		return false, storeErr(err, errUserNotFound)
	}
	return len(keys) == 0, nil
}

// HostedStartPasskeyRegistration is StartWebAuthnRegistration for a user
// the hosted pages signed in: the creation options for the page's script.
func (s *Service) HostedStartPasskeyRegistration(ctx context.Context, u *SignedInUser) (json.RawMessage, error) {
	p, user, err := s.hostedUser(ctx, u)
	if err != nil {
		return nil, err
	}
	return s.startPasskeyRegistration(ctx, p, user)
}

// HostedCompletePasskeyRegistration is CompleteWebAuthnRegistration for a
// user the hosted pages signed in.
func (s *Service) HostedCompletePasskeyRegistration(ctx context.Context, u *SignedInUser, credential json.RawMessage) error {
	p, user, err := s.hostedUser(ctx, u)
	if err != nil {
		return err
	}
	return s.completePasskeyRegistration(ctx, p, user, credential)
}

func (s *Service) hostedUser(ctx context.Context, u *SignedInUser) (*pool, store.User, error) {
	p, err := s.loadPool(ctx, u.PoolID)
	if err != nil {
		return nil, store.User{}, err
	}
	user, err := s.activeUser(ctx, p.ID, u.Key)
	return p, user, err
}

// A browser the hosted pages remember is a device of the user's, as
// ConfirmDevice stores one, whose proof is a token the pages keep in a
// cookie: sealed by moat, naming the pool, user and device. The device's
// SRP verifier is of a random password nobody keeps, so only the token
// signs it in; ForgetDevice (or the token's expiry) ends it.

const (
	hostedDeviceKind signin.ChallengeName = "moat:hosted_device"
	// HostedDeviceLifetime is how long a browser stays remembered.
	HostedDeviceLifetime = 365 * 24 * 60 * 60
)

type hostedDevicePayload struct {
	DeviceKey string `json:"k"`
}

// HostedDeviceRemembering is how the pool's DeviceConfiguration has the
// hosted pages remember a browser: not at all, only when the user ticks
// "remember this device", or always.
type HostedDeviceRemembering string

const (
	RememberNever    HostedDeviceRemembering = ""
	RememberOnPrompt HostedDeviceRemembering = "prompt"
	RememberAlways   HostedDeviceRemembering = "always"
)

func (p *pool) hostedRemembering() HostedDeviceRemembering {
	switch dc := p.Config.DeviceConfiguration; {
	case dc == nil:
		return RememberNever
	case dc.DeviceOnlyRememberedOnUserPrompt:
		return RememberOnPrompt
	}
	return RememberAlways
}

// HostedRememberDevice remembers the browser a hosted sign-in finished in,
// when the pool tracks devices: a remembered device named name, and the
// token that proves it on the next sign-in. A browser whose token (current)
// already names one of the user's remembered devices keeps it.
func (s *Service) HostedRememberDevice(ctx context.Context, caller netip.Addr, u *SignedInUser, name, current string) (string, error) {
	p, user, err := s.hostedUser(ctx, u)
	if err != nil {
		return "", err
	}
	if !p.tracksDevices() {
		return "", errDevicesNotTraced
	}
	if s.hostedDevice(ctx, p, user.Username, current) != "" {
		return current, nil
	}
	meta := s.newDeviceMetadata(p)
	unkept := make([]byte, 40)
	rand.Read(unkept) //nolint:errcheck // crypto/rand does not fail
	var v srp.Verifier
	if err := s.hasher.Do(ctx, func() {
		v = srp.NewVerifier(meta.DeviceGroupKey, meta.DeviceKey, base64.StdEncoding.EncodeToString(unkept))
	}); err != nil {
		return "", hashingFailed(err)
	}
	r := deviceRecord{Name: name, Salt: v.Salt, Verifier: v.V, Remembered: true}
	if caller.IsValid() {
		r.LastIP = caller.String()
	}
	record, _ := json.Marshal(r)
	now := s.clock()
	if err := s.store.CreateDevice(ctx, store.Device{PoolID: p.ID, UserKey: user.Key, Key: meta.DeviceKey, GroupKey: meta.DeviceGroupKey,
		Record: record, CreatedAt: now, UpdatedAt: now, LastAuthenticatedAt: now}); err != nil {
		return "", storeErr(err, errUserNotFound)
	}
	cs := challengeSession{PoolID: p.ID, UserKey: user.Key, Challenge: hostedDeviceKind, ExpiresAt: now + HostedDeviceLifetime}
	return s.session.seal(cs.withPayload(hostedDevicePayload{DeviceKey: meta.DeviceKey})), nil
}

// hostedDevice is the key of the remembered device a browser's token names,
// when it is username's in p and still remembered; "" otherwise (the
// sign-in then goes on as from a new device).
func (s *Service) hostedDevice(ctx context.Context, p *pool, username, token string) string {
	if token == "" || username == "" || !p.tracksDevices() {
		return ""
	}
	cs, _, ok := s.session.openText(token)
	var d hostedDevicePayload
	if !ok || cs.Challenge != hostedDeviceKind || cs.PoolID != p.ID || s.clock() > cs.ExpiresAt || !cs.payload(&d) {
		return ""
	}
	u, err := s.lookupUser(ctx, p, username)
	if err != nil || u.Key != cs.UserKey {
		return ""
	}
	dev, err := s.store.GetDevice(ctx, p.ID, u.Key, d.DeviceKey)
	if err != nil {
		return ""
	}
	if r, err := decodeDevice(dev); err != nil || !r.Remembered {
		return ""
	}
	return d.DeviceKey
}

// proveHostedDevice answers DEVICE_SRP_AUTH for the remembered browser
// whose token hostedDevice accepted: the token is the proof.
func (s *Service) proveHostedDevice(ctx context.Context, caller netip.Addr, p *pool, c *client, out *AuthOutput, deviceKey string) (*AuthOutput, error) {
	cs, _, ok := s.session.openText(out.Session)
	var next nextStep
	if !ok || cs.PoolID != p.ID || !cs.payload(&next) || next.DeviceKey != deviceKey || deviceKey == "" {
		return nil, errInvalidSession
	}
	u, err := s.store.GetUser(ctx, p.ID, cs.UserKey)
	if err != nil {
		return nil, storeErr(err, errInvalidSession)
	}
	a := newAttempt(caller, p, c, nil, map[string]string{"USERNAME": u.Username, "DEVICE_KEY": deviceKey})
	a.hosted = true
	if err := s.deviceSignedIn(ctx, a, u, deviceKey); err != nil {
		return nil, err
	}
	return s.deviceProved(ctx, a, u, next)
}
