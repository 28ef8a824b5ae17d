package userpool

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

// Passkeys (WebAuthn): StartWebAuthnRegistration hands the browser creation
// options and keeps the challenge with the user; CompleteWebAuthnRegistration
// verifies the authenticator's answer (attestation "none" asked for) and
// stores the credential. The relying party is the pool's
// WebAuthnConfiguration.RelyingPartyId. A page may use it from an origin on
// that domain or a subdomain, over https (http only for localhost).

const (
	maxPasskeys         = 20
	passkeyTimeout      = time.Minute
	registrationSession = 5 * time.Minute
)

var (
	errPasskeysOff       = awserr.New("WebAuthnNotEnabledException", "Passkey sign-in is not enabled for this user pool: add WEB_AUTHN to Policies.SignInPolicy.AllowedFirstAuthFactors.")
	errNoRelyingParty    = awserr.New("WebAuthnConfigurationMissingException", "The user pool has no passkey relying party: set WebAuthnConfiguration.RelyingPartyId with SetUserPoolMfaConfig.")
	errNoRegistration    = awserr.New("WebAuthnChallengeNotFoundException", "No passkey registration is in progress, or it expired: call StartWebAuthnRegistration again.")
	errOriginNotAllowed  = awserr.New("WebAuthnOriginNotAllowedException", "The passkey was made on a page whose origin is not on the relying party's domain.")
	errRelyingParty      = awserr.New("WebAuthnRelyingPartyMismatchException", "The passkey was made for another relying party.")
	errTooManyPasskeys   = awserr.New(awserr.LimitExceeded, "The user has the most passkeys allowed (20): delete one first.")
	errPasskeyRegistered = awserr.New("WebAuthnCredentialNotSupportedException", "This passkey is already registered.")
	errPasskeyNotFound   = awserr.New(awserr.ResourceNotFound, "The passkey does not exist.")
)

// pendingPasskey is a registration StartWebAuthnRegistration began.
type pendingPasskey struct {
	Session   webauthn.SessionData `json:"s"`
	ExpiresAt int64                `json:"e"`
}

// relyingParty is the pool's passkey relying party and user verification.
func (p *pool) relyingParty() (rpID string, uv protocol.UserVerificationRequirement, err error) {
	if !p.allowsFirstFactor("WEB_AUTHN") {
		return "", "", errPasskeysOff
	}
	w := p.Config.MFA
	if w == nil || w.WebAuthn == nil || w.WebAuthn.RelyingPartyId == "" {
		return "", "", errNoRelyingParty
	}
	return w.WebAuthn.RelyingPartyId, protocol.UserVerificationRequirement(w.WebAuthn.UserVerification), nil
}

// newRelyingParty configures the library for one ceremony; origin is the
// page's, once checked, or empty when the ceremony begins.
func newRelyingParty(rpID, origin string) (*webauthn.WebAuthn, error) {
	if origin == "" {
		origin = "https://" + rpID
	}
	rp, err := webauthn.New(&webauthn.Config{RPID: rpID, RPDisplayName: rpID, RPOrigins: []string{origin},
		AttestationPreference: protocol.PreferNoAttestation,
		Timeouts: webauthn.TimeoutsConfig{Login: webauthn.TimeoutConfig{Timeout: passkeyTimeout, TimeoutUVD: passkeyTimeout},
			Registration: webauthn.TimeoutConfig{Timeout: passkeyTimeout, TimeoutUVD: passkeyTimeout}}})
	if err != nil {
		return nil, awserr.Internal(err)
	}
	return rp, nil
}

// originAllowed reports whether a page at origin may use the relying party:
// its host is the RP ID or under it, over https, or http on localhost.
func originAllowed(rpID, origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Path != "" || u.User != nil {
		return false
	}
	host := u.Hostname()
	onDomain := host == rpID || strings.HasSuffix(host, "."+rpID)
	return onDomain && (u.Scheme == "https" || (u.Scheme == "http" && (host == "localhost" || strings.HasSuffix(host, ".localhost"))))
}

// passkeyUser is a user as the WebAuthn library sees one: the user handle is
// the sub, as Cognito's creation options show it.
type passkeyUser struct {
	user  store.User
	creds []webauthn.Credential
}

func (p passkeyUser) WebAuthnID() []byte                         { return []byte(p.user.Sub) }
func (p passkeyUser) WebAuthnName() string                       { return p.user.Username }
func (p passkeyUser) WebAuthnDisplayName() string                { return p.user.Username }
func (p passkeyUser) WebAuthnCredentials() []webauthn.Credential { return p.creds }

// loadPasskeys reads a user's passkeys with their decoded credentials.
func (s *Service) loadPasskeys(ctx context.Context, p *pool, u store.User) ([]store.Passkey, passkeyUser, error) {
	keys, err := s.store.ListPasskeys(ctx, p.ID, u.Key)
	if err != nil {
		return nil, passkeyUser{}, storeErr(err, errUserNotFound)
	}
	pu := passkeyUser{user: u}
	for _, k := range keys {
		var c webauthn.Credential
		if err := json.Unmarshal(k.Record, &c); err != nil {
			return nil, passkeyUser{}, awserr.Internal(err)
		}
		pu.creds = append(pu.creds, c)
	}
	return keys, pu, nil
}

// passkeyID is how a credential ID is named on the wire and in the store.
func passkeyID(raw []byte) string { return base64.RawURLEncoding.EncodeToString(raw) }

// clientOrigin is the origin a WebAuthn answer says its page had, checked.
func clientOrigin(rpID, origin string) (string, error) {
	if !originAllowed(rpID, origin) {
		return "", errOriginNotAllowed
	}
	return origin, nil
}

// verifyFailed explains a WebAuthn answer the library refused.
func verifyFailed(err error) error {
	var pe *protocol.Error
	if errors.As(err, &pe) {
		return invalidParameter("The passkey answer does not verify: %s", strings.TrimSpace(pe.Details+" "+pe.DevInfo))
	}
	return invalidParameter("The passkey answer does not verify: %v", err)
}

type StartWebAuthnRegistrationOutput struct {
	CredentialCreationOptions json.RawMessage `json:"CredentialCreationOptions"`
}

func (s *Service) StartWebAuthnRegistration(ctx context.Context, in *AccessTokenInput) (*StartWebAuthnRegistrationOutput, error) {
	p, u, _, err := s.accessTokenUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	options, err := s.startPasskeyRegistration(ctx, p, u)
	if err != nil {
		return nil, err
	}
	return &StartWebAuthnRegistrationOutput{CredentialCreationOptions: options}, nil
}

// startPasskeyRegistration begins a registration for the user: the
// browser's creation options, the ceremony kept with the user.
func (s *Service) startPasskeyRegistration(ctx context.Context, p *pool, u store.User) (json.RawMessage, error) {
	rpID, uv, err := p.relyingParty()
	if err != nil {
		return nil, err
	}
	keys, pu, err := s.loadPasskeys(ctx, p, u)
	if err != nil {
		return nil, err
	}
	if len(keys) >= maxPasskeys {
		return nil, errTooManyPasskeys
	}
	rp, err := newRelyingParty(rpID, "")
	if err != nil {
		return nil, err
	}
	creation, session, err := rp.BeginRegistration(pu,
		webauthn.WithExclusions(webauthn.Credentials(pu.creds).CredentialDescriptors()),
		webauthn.WithAuthenticatorSelection(protocol.AuthenticatorSelection{RequireResidentKey: protocol.ResidentKeyRequired(),
			ResidentKey: protocol.ResidentKeyRequirementRequired, UserVerification: uv}),
		webauthn.WithCredentialParameters([]protocol.CredentialParameter{
			{Type: protocol.PublicKeyCredentialType, Algorithm: -7}, {Type: protocol.PublicKeyCredentialType, Algorithm: -257}}),
		webauthn.WithConveyancePreference(protocol.PreferNoAttestation))
	if err != nil {
		return nil, awserr.Internal(err)
	}
	options, err := json.Marshal(creation.Response)
	if err != nil {
		return nil, awserr.Internal(err)
	}
	_, err = s.users.update(ctx, p.ID, u.Key, func(old store.User) (store.User, change, error) {
		st, err := decodeState(old)
		if err != nil {
			return old, change{}, err
		}
		st.PasskeyRegistration = &pendingPasskey{Session: *session, ExpiresAt: s.clock() + int64(registrationSession.Seconds())}
		old.State = encodeState(st)
		return old, change{kind: bookkeeping}, nil
	})
	if err != nil {
		return nil, storeErr(err, errUserNotFound)
	}
	return options, nil
}

type CompleteWebAuthnRegistrationInput struct {
	AccessToken string          `json:"AccessToken"`
	Credential  json.RawMessage `json:"Credential"`
}

func (s *Service) CompleteWebAuthnRegistration(ctx context.Context, in *CompleteWebAuthnRegistrationInput) (*Empty, error) {
	p, u, _, err := s.accessTokenUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	return &Empty{}, s.completePasskeyRegistration(ctx, p, u, in.Credential)
}

// completePasskeyRegistration verifies the authenticator's answer to the
// registration in progress and stores the credential.
func (s *Service) completePasskeyRegistration(ctx context.Context, p *pool, u store.User, credential json.RawMessage) error {
	rpID, _, err := p.relyingParty()
	if err != nil {
		return err
	}
	if len(credential) == 0 {
		return invalidParameter("1 validation error detected: Value null at 'credential' failed to satisfy constraint: Member must not be null")
	}
	st, err := decodeState(u)
	if err != nil {
		return err
	}
	pending := st.PasskeyRegistration
	if pending == nil || s.clock() > pending.ExpiresAt {
		return errNoRegistration
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(credential)
	if err != nil {
		return verifyFailed(err)
	}
	origin, err := clientOrigin(rpID, parsed.Response.CollectedClientData.Origin)
	if err != nil {
		return err
	}
	if !rpIDHashMatches(parsed.Response.AttestationObject.AuthData.RPIDHash, rpID) {
		return errRelyingParty
	}
	_, pu, err := s.loadPasskeys(ctx, p, u)
	if err != nil {
		return err
	}
	rp, err := newRelyingParty(rpID, origin)
	if err != nil {
		return err
	}
	cred, err := rp.CreateCredential(pu, pending.Session, parsed)
	if err != nil {
		return verifyFailed(err)
	}
	record, err := json.Marshal(cred)
	if err != nil {
		return awserr.Internal(err)
	}
	err = s.store.Atomic(ctx, func(tx store.Store) error {
		err := tx.UpdateUser(ctx, p.ID, u.Key, func(old store.User) (store.User, error) {
			st, err := decodeState(old)
			if err != nil {
				return old, err
			}
			if st.PasskeyRegistration == nil || st.PasskeyRegistration.Session.Challenge != pending.Session.Challenge {
				return old, errNoRegistration // completed or restarted meanwhile
			}
			st.PasskeyRegistration = nil
			old.State = encodeState(st)
			return old, nil
		})
		if err != nil {
			return err
		}
		return tx.CreatePasskey(ctx, store.Passkey{PoolID: p.ID, UserKey: u.Key, ID: passkeyID(cred.ID), RelyingPartyID: rpID,
			Name: "Passkey", Record: record, CreatedAt: s.clock()})
	})
	if errors.Is(err, store.ErrAlreadyExists) {
		return errPasskeyRegistered
	}
	return storeErr(err, errUserNotFound)
}

// rpIDHashMatches compares an authenticator's rpIdHash with the RP ID's.
func rpIDHashMatches(hash []byte, rpID string) bool {
	want := sha256.Sum256([]byte(rpID))
	return subtle.ConstantTimeCompare(hash, want[:]) == 1
}

type ListWebAuthnCredentialsInput struct {
	AccessToken string `json:"AccessToken"`
	NextToken   string `json:"NextToken,omitempty"`
	MaxResults  int    `json:"MaxResults,omitempty"`
}

// WebAuthnCredentialDescription is WebAuthnCredentialDescription.
type WebAuthnCredentialDescription struct {
	CredentialId            string   `json:"CredentialId"`
	FriendlyCredentialName  string   `json:"FriendlyCredentialName"`
	RelyingPartyId          string   `json:"RelyingPartyId"`
	AuthenticatorAttachment string   `json:"AuthenticatorAttachment,omitempty"`
	AuthenticatorTransports []string `json:"AuthenticatorTransports"`
	CreatedAt               float64  `json:"CreatedAt"`
}

type ListWebAuthnCredentialsOutput struct {
	Credentials []WebAuthnCredentialDescription `json:"Credentials"`
	NextToken   string                          `json:"NextToken,omitempty"`
}

func (s *Service) ListWebAuthnCredentials(ctx context.Context, in *ListWebAuthnCredentialsInput) (*ListWebAuthnCredentialsOutput, error) {
	p, u, _, err := s.accessTokenUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if in.MaxResults < 0 || in.MaxResults > 20 {
		return nil, invalidParameter("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 0 and 20", in.MaxResults)
	}
	limit := in.MaxResults
	if limit == 0 {
		limit = 20
	}
	keys, _, err := s.loadPasskeys(ctx, p, u)
	if err != nil {
		return nil, err
	}
	page, next, err := paginate(keys, func(k store.Passkey) string { return k.ID }, in.NextToken, limit)
	if err != nil {
		return nil, err
	}
	out := &ListWebAuthnCredentialsOutput{Credentials: make([]WebAuthnCredentialDescription, 0, len(page)), NextToken: next}
	for _, k := range page {
		var c webauthn.Credential
		if err := json.Unmarshal(k.Record, &c); err != nil {
			return nil, awserr.Internal(err)
		}
		transports := make([]string, 0, len(c.Transport))
		for _, t := range c.Transport {
			transports = append(transports, string(t))
		}
		out.Credentials = append(out.Credentials, WebAuthnCredentialDescription{CredentialId: k.ID, FriendlyCredentialName: k.Name,
			RelyingPartyId: k.RelyingPartyID, AuthenticatorAttachment: string(c.Authenticator.Attachment),
			AuthenticatorTransports: transports, CreatedAt: float64(k.CreatedAt)})
	}
	return out, nil
}

type DeleteWebAuthnCredentialInput struct {
	AccessToken  string `json:"AccessToken"`
	CredentialId string `json:"CredentialId"`
}

func (s *Service) DeleteWebAuthnCredential(ctx context.Context, in *DeleteWebAuthnCredentialInput) (*Empty, error) {
	p, u, _, err := s.accessTokenUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if in.CredentialId == "" {
		return nil, invalidParameter("1 validation error detected: Value null at 'credentialId' failed to satisfy constraint: Member must not be null")
	}
	return &Empty{}, storeErr(s.store.DeletePasskey(ctx, p.ID, u.Key, in.CredentialId), errPasskeyNotFound)
}
