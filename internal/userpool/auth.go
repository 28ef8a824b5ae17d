package userpool

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/password"
	"github.com/moat-dev/moat/internal/store"
)

type InitiateAuthInput struct {
	AuthFlow       string            `json:"AuthFlow"`
	AuthParameters map[string]string `json:"AuthParameters,omitempty"`
	ClientId       string            `json:"ClientId"`
	ClientMetadata map[string]string `json:"ClientMetadata,omitempty"`
}

type AdminInitiateAuthInput struct {
	UserPoolId string `json:"UserPoolId"`
	InitiateAuthInput
}

type AuthOutput struct {
	ChallengeName        string                `json:"ChallengeName,omitempty"`
	Session              string                `json:"Session,omitempty"`
	ChallengeParameters  map[string]string     `json:"ChallengeParameters"`
	AuthenticationResult *AuthenticationResult `json:"AuthenticationResult,omitempty"`
}

// InitiateAuth is the public (unsigned) sign-in entry point.
func (s *Service) InitiateAuth(ctx context.Context, in *InitiateAuthInput) (*AuthOutput, error) {
	c, err := s.findClient(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	p, err := s.loadPool(ctx, c.PoolID)
	if err != nil {
		return nil, err
	}
	return s.startAuth(ctx, p, c, publicPasswordFlow, in.AuthFlow, in.AuthParameters)
}

// customAuth is CUSTOM_AUTH, which moat answers with its built-in wallet
// sign-in (no Lambda triggers).
func (s *Service) customAuth(ctx context.Context, p *pool, c *client, params map[string]string) (*AuthOutput, error) {
	if !c.allowsFlow("ALLOW_CUSTOM_AUTH") {
		return nil, invalidParameter("Custom auth flow not enabled for this client")
	}
	return s.walletChallenge(ctx, p, c, params)
}

// AdminInitiateAuth is the signed, server-side sign-in entry point.
func (s *Service) AdminInitiateAuth(ctx context.Context, in *AdminInitiateAuthInput) (*AuthOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	c, err := s.loadClient(ctx, p.ID, in.ClientId)
	if err != nil {
		return nil, err
	}
	return s.startAuth(ctx, p, c, adminPasswordFlow, in.AuthFlow, in.AuthParameters)
}

// passwordFlow is the password flow an entry point accepts: its names and
// the client setting that enables it.
type passwordFlow struct {
	names   []string
	allow   string
	refusal string
}

var (
	publicPasswordFlow = passwordFlow{[]string{"USER_PASSWORD_AUTH"}, "ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH flow not enabled for this client"}
	adminPasswordFlow  = passwordFlow{[]string{"ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"}, "ALLOW_ADMIN_USER_PASSWORD_AUTH", "Auth flow not enabled for this client"}
)

// startAuth runs the first step of a sign-in flow.
func (s *Service) startAuth(ctx context.Context, p *pool, c *client, pw passwordFlow, flow string, params map[string]string) (*AuthOutput, error) {
	switch {
	case slices.Contains(pw.names, flow):
		if !c.allowsFlow(pw.allow) {
			return nil, invalidParameter("%s", pw.refusal)
		}
		return s.passwordAuth(ctx, p, c, params)
	case flow == "REFRESH_TOKEN_AUTH" || flow == "REFRESH_TOKEN":
		return s.refreshAuth(ctx, p, c, params)
	case flow == "CUSTOM_AUTH":
		return s.customAuth(ctx, p, c, params)
	case flow == "USER_SRP_AUTH":
		return s.srpAuth(ctx, p, c, params)
	default:
		return nil, unsupportedFlow(flow)
	}
}

func unsupportedFlow(flow string) error {
	switch flow {
	case "USER_AUTH":
		return invalidParameter("%s is not supported by this moat version; use USER_SRP_AUTH, USER_PASSWORD_AUTH or ADMIN_USER_PASSWORD_AUTH", flow)
	case "":
		return invalidParameter("1 validation error detected: Value null at 'authFlow' failed to satisfy constraint: Member must not be null")
	}
	return invalidParameter("1 validation error detected: Value '%s' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [USER_SRP_AUTH, REFRESH_TOKEN_AUTH, REFRESH_TOKEN, CUSTOM_AUTH, ADMIN_NO_SRP_AUTH, USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_AUTH]", flow)
}

// passwordAuth checks USERNAME/PASSWORD. Unknown users cost one password
// hash too, so timing does not tell them apart from wrong passwords.
func (s *Service) passwordAuth(ctx context.Context, p *pool, c *client, params map[string]string) (*AuthOutput, error) {
	username, pw := params["USERNAME"], params["PASSWORD"]
	if username == "" {
		return nil, invalidParameter("Missing required parameter USERNAME")
	}
	if pw == "" {
		return nil, invalidParameter("Missing required parameter PASSWORD")
	}
	if err := s.limitSignIn(ctx, p.ID, p.userKey(username)); err != nil {
		return nil, err
	}
	u, err := s.lookupUser(ctx, p, username)
	if err == errUserNotFound {
		password.Burn(pw)
		if err := c.checkSecretHash(params["SECRET_HASH"], username); err != nil {
			return nil, err
		}
		if c.preventsUserExistenceErrors() {
			return nil, errIncorrectCredentials
		}
		return nil, errUserNotFound
	}
	if err != nil {
		return nil, err
	}
	if err := c.checkSecretHash(params["SECRET_HASH"], username, u.Username, u.Sub); err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, errUserDisabled
	}
	if err := s.authenticatePassword(ctx, u, pw); err != nil {
		return nil, err
	}
	return s.passwordAccepted(ctx, p, c, u)
}

// passwordAccepted finishes a sign-in whose password (or SRP proof) was
// right, through the gates the user's status sets.
func (s *Service) passwordAccepted(ctx context.Context, p *pool, c *client, u store.User) (*AuthOutput, error) {
	switch u.Status {
	case "UNCONFIRMED":
		return nil, errUserNotConfirmed
	case "RESET_REQUIRED":
		return nil, errPasswordResetNeeded
	case "FORCE_CHANGE_PASSWORD":
		return s.newPasswordChallenge(p, c, u)
	}
	return s.authenticated(ctx, p, c, u)
}

func (s *Service) authenticated(ctx context.Context, p *pool, c *client, u store.User) (*AuthOutput, error) {
	result, err := s.startSession(ctx, p, c, u)
	if err != nil {
		return nil, err
	}
	return &AuthOutput{ChallengeParameters: map[string]string{}, AuthenticationResult: result}, nil
}

// newPasswordChallenge answers a sign-in with a temporary password.
func (s *Service) newPasswordChallenge(p *pool, c *client, u store.User) (*AuthOutput, error) {
	st, err := decodeState(u)
	if err != nil {
		return nil, err
	}
	if st.TempPasswordExpiresAt != 0 && s.clock() > st.TempPasswordExpiresAt {
		return nil, awserr.New(awserr.NotAuthorized, "Temporary password has expired and must be reset by an administrator.")
	}
	visible := map[string]string{}
	for k, v := range u.Attributes {
		if k != "sub" && c.canRead(k) {
			visible[k] = v
		}
	}
	attrs, _ := json.Marshal(visible)
	return &AuthOutput{
		ChallengeName: "NEW_PASSWORD_REQUIRED",
		Session: s.session.seal(challengeSession{
			PoolID: p.ID, ClientID: c.ID, UserKey: u.Key, Challenge: "NEW_PASSWORD_REQUIRED",
			ExpiresAt: s.clock() + int64((time.Duration(c.Config.AuthSessionValidity) * time.Minute).Seconds()),
		}),
		ChallengeParameters: map[string]string{
			"USER_ID_FOR_SRP":    u.Username,
			"requiredAttributes": "[]",
			"userAttributes":     string(attrs),
		},
	}, nil
}

// refreshAuth mints new ID and access tokens from a refresh token. No new
// refresh token is returned, as in Cognito without rotation.
func (s *Service) refreshAuth(ctx context.Context, p *pool, c *client, params map[string]string) (*AuthOutput, error) {
	token := params["REFRESH_TOKEN"]
	if token == "" {
		return nil, invalidParameter("Missing required parameter REFRESH_TOKEN")
	}
	if !c.allowsFlow("ALLOW_REFRESH_TOKEN_AUTH") {
		return nil, invalidParameter("Refresh Token Auth flow not enabled for this client")
	}
	rt, err := s.store.GetRefreshToken(ctx, hashRefreshToken(token))
	if err != nil {
		return nil, storeErr(err, errInvalidRefreshToken)
	}
	if rt.PoolID != p.ID || rt.ClientID != c.ID {
		return nil, errInvalidRefreshToken
	}
	u, err := s.store.GetUser(ctx, p.ID, rt.UserKey)
	if err != nil {
		return nil, storeErr(err, errInvalidRefreshToken)
	}
	if err := c.checkSecretHash(params["SECRET_HASH"], params["USERNAME"], u.Username, u.Sub); err != nil {
		return nil, err
	}
	switch {
	case rt.RevokedAt != 0:
		return nil, errRevokedRefreshToken
	case s.clock() >= rt.ExpiresAt:
		return nil, errExpiredRefreshToken
	case !u.Enabled:
		return nil, errUserDisabled
	}
	result, err := s.mint(ctx, session{pool: p, client: c, user: u, originJTI: rt.OriginJTI, authTime: rt.AuthTime})
	if err != nil {
		return nil, err
	}
	return &AuthOutput{ChallengeParameters: map[string]string{}, AuthenticationResult: result}, nil
}
