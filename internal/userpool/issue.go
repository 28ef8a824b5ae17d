package userpool

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// session is what tokens are minted from: who signed in, through which
// client, when, and which sign-in session (origin_jti) they belong to.
type session struct {
	call      signin.Call
	source    signin.TokenSource
	pool      *pool
	client    *client
	user      store.User
	originJTI string
	authTime  int64
	deviceKey string // the device signed in from, when the pool tracks devices
	// scopes are the OAuth scopes granted (nil for the user-pool API, whose
	// access tokens carry aws.cognito.signin.user.admin); nonce is the
	// authorization request's, for the ID token.
	scopes []string
	nonce  string
	flow   string // the sign-in flow, for the session's event
}

// startSession records a new refresh token and mints the first tokens.
func (s *Service) startSession(ctx context.Context, a *attempt, u store.User, source signin.TokenSource, deviceKey string) (*AuthenticationResult, error) {
	return s.openSession(ctx, session{call: a.call, source: source, pool: a.pool, client: a.client, user: u,
		originJTI: uuid.NewString(), authTime: s.clock(), deviceKey: deviceKey, flow: string(a.flow)})
}

// openSession records sess as a new refresh token and mints its first tokens.
func (s *Service) openSession(ctx context.Context, sess session) (*AuthenticationResult, error) {
	now := s.clock()
	_, _, refreshLife := sess.client.lifetimes()
	refresh := newOpaqueToken(96)
	err := s.users.startSession(ctx, sess.user, store.RefreshToken{
		Hash: hashRefreshToken(refresh), PoolID: sess.pool.ID, ClientID: sess.client.ID, UserKey: sess.user.Key,
		OriginJTI: sess.originJTI, AuthTime: sess.authTime, CreatedAt: now, ExpiresAt: now + int64(refreshLife.Seconds()),
		Scopes: strings.Join(sess.scopes, " "),
	}, change{kind: userSignedIn, clientID: sess.client.ID, authFlow: sess.flow})
	if err != nil {
		return nil, awserr.Internal(err)
	}
	result, err := s.mint(ctx, sess)
	if err != nil {
		return nil, err
	}
	result.RefreshToken = refresh
	return result, nil
}

func hashRefreshToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// mint signs an ID and an access token for a session, with Cognito's claims.
func (s *Service) mint(ctx context.Context, sess session) (*AuthenticationResult, error) {
	groups, err := s.store.ListGroupsForUser(ctx, sess.pool.ID, sess.user.Key)
	if err != nil {
		return nil, awserr.Internal(err)
	}
	now := s.clock()
	accessLife, idLife, _ := sess.client.lifetimes()
	eventID := uuid.NewString()

	id := map[string]any{
		"sub": sess.user.Sub, "aud": sess.client.ID, "token_use": "id", "cognito:username": sess.user.Username,
		"auth_time": sess.authTime, "iat": now, "exp": now + int64(idLife.Seconds()),
		"jti": uuid.NewString(), "origin_jti": sess.originJTI, "event_id": eventID,
	}
	for name, value := range sess.user.Attributes {
		if name == "sub" || !sess.client.canRead(name) {
			continue
		}
		if name == "email_verified" || name == "phone_number_verified" {
			id[name] = value == "true"
			continue
		}
		var identities []any
		if name == "identities" && json.Unmarshal([]byte(value), &identities) == nil {
			id[name] = identities // a federated user's providers, an array in the ID token
			continue
		}
		id[name] = value
	}
	scope := ScopeAdmin
	if sess.scopes != nil {
		scope = strings.Join(sess.scopes, " ")
	}
	if sess.nonce != "" {
		id["nonce"] = sess.nonce
	}
	access := map[string]any{
		"sub": sess.user.Sub, "client_id": sess.client.ID, "token_use": "access",
		"scope": scope, "username": sess.user.Username,
		"auth_time": sess.authTime, "iat": now, "exp": now + int64(accessLife.Seconds()),
		"jti": uuid.NewString(), "origin_jti": sess.originJTI, "event_id": eventID,
	}
	if sess.deviceKey != "" {
		access["device_key"] = sess.deviceKey
	}
	if g := groupConfiguration(groups); len(g.Groups) > 0 {
		id["cognito:groups"], access["cognito:groups"] = g.Groups, g.Groups
		if len(g.IAMRoles) > 0 {
			id["cognito:roles"] = g.IAMRoles
			id["cognito:preferred_role"] = g.PreferredRole
		}
	}
	if err := s.preTokenGeneration(ctx, sess, groups, id, access); err != nil {
		return nil, err
	}
	result := &AuthenticationResult{ExpiresIn: int64(accessLife.Seconds()), TokenType: "Bearer"}
	// An OAuth session without openid gets no ID token, as in Cognito.
	if sess.scopes != nil && !slices.Contains(sess.scopes, ScopeOpenID) {
		id = nil
	}
	if result.IdToken, result.AccessToken, err = s.signTokens(ctx, sess.pool.ID, id, access); err != nil {
		return nil, awserr.Internal(err)
	}
	return result, nil
}

// signTokens signs the ID token (unless idClaims is nil) and the access
// token. Each is an RSA signature, most of a refresh's cost: made at once,
// the answer waits for one, not two, where a core is free.
func (s *Service) signTokens(ctx context.Context, poolID string, idClaims, accessClaims map[string]any) (idToken, accessToken string, err error) {
	if idClaims == nil {
		accessToken, err = s.tokens.Sign(ctx, poolID, "access", accessClaims)
		return "", accessToken, err
	}
	var idErr error
	signed := make(chan struct{})
	go func() {
		defer close(signed)
		idToken, idErr = s.tokens.Sign(ctx, poolID, "id", idClaims)
	}()
	accessToken, err = s.tokens.Sign(ctx, poolID, "access", accessClaims)
	<-signed
	return idToken, accessToken, errors.Join(idErr, err)
}

// canRead reports whether the client may see an attribute (ReadAttributes;
// none listed means all).
func (c *client) canRead(attr string) bool {
	if len(c.Config.ReadAttributes) == 0 {
		return true
	}
	return slices.Contains(c.Config.ReadAttributes, attr) ||
		(strings.HasSuffix(attr, "_verified") && slices.Contains(c.Config.ReadAttributes, strings.TrimSuffix(attr, "_verified")))
}

// immutableClaims are the claims a token hook cannot change (Cognito's
// list for PreTokenGeneration); an access token's identity claims and its
// scope (changed through scopes) are kept as well.
var immutableClaims = map[string]bool{"acr": true, "amr": true, "aud": true, "at_hash": true, "auth_time": true,
	"azp": true, "cognito:username": true, "exp": true, "iat": true, "identities": true, "iss": true, "jti": true,
	"nbf": true, "nonce": true, "origin_jti": true, "sub": true, "token_use": true,
	"client_id": true, "scope": true, "username": true, "event_id": true, "device_key": true}

// simpleIDClaims are the ID-token claims that cannot take a complex value.
var simpleIDClaims = map[string]bool{"phone_number_verified": true, "email_verified": true, "updated_at": true, "address": true}

// preTokenGeneration runs the token hook, if any, and applies what it asks
// of the tokens' claims, scopes and groups.
func (s *Service) preTokenGeneration(ctx context.Context, sess session, groups []store.Group, id, access map[string]any) error {
	h := s.hooks.PreTokenGeneration
	if h == nil {
		return nil
	}
	e := &signin.TokenGenerationEvent{Call: sess.call, Source: sess.source, Username: sess.user.Username,
		UserAttributes: hookAttributes(sess.user), Groups: groupConfiguration(groups), Scopes: strings.Fields(access["scope"].(string))}
	if err := h.PreTokenGeneration(ctx, e); err != nil {
		return hookFailed(err)
	}
	for name, value := range e.ID.AddOrOverride {
		switch value.(type) {
		case map[string]any, []any:
			if simpleIDClaims[name] {
				return errInvalidLambdaResponse
			}
		}
	}
	applyClaimChanges(id, e.ID)
	applyAccessChanges(access, e)
	if g := e.GroupOverride; g != nil {
		delete(id, "cognito:roles")
		delete(id, "cognito:preferred_role")
		if len(g.Groups) == 0 {
			delete(id, "cognito:groups")
			delete(access, "cognito:groups")
		} else {
			id["cognito:groups"], access["cognito:groups"] = g.Groups, g.Groups
		}
		if len(g.IAMRoles) > 0 {
			id["cognito:roles"] = g.IAMRoles
		}
		if g.PreferredRole != "" {
			id["cognito:preferred_role"] = g.PreferredRole
		}
	}
	return nil
}

// applyAccessChanges applies a token hook's edits of the access token: its
// claims, then its scopes (added, then suppressed).
func applyAccessChanges(access map[string]any, e *signin.TokenGenerationEvent) {
	applyClaimChanges(access, e.Access)
	if len(e.ScopesToAdd) == 0 && len(e.ScopesToRemove) == 0 {
		return
	}
	scopes := e.Scopes
	for _, add := range e.ScopesToAdd {
		if !slices.Contains(scopes, add) {
			scopes = append(scopes, add)
		}
	}
	scopes = slices.DeleteFunc(scopes, func(sc string) bool { return slices.Contains(e.ScopesToRemove, sc) })
	access["scope"] = strings.Join(scopes, " ")
}

// applyClaimChanges adds, then suppresses (suppressing wins), leaving
// immutable claims alone.
func applyClaimChanges(claims map[string]any, c signin.ClaimChanges) {
	for name, value := range c.AddOrOverride {
		if !immutableClaims[name] {
			claims[name] = value
		}
	}
	for _, name := range c.Suppress {
		if !immutableClaims[name] {
			delete(claims, name)
		}
	}
}

// groupConfiguration is the user's groups, ordered by precedence, with
// their roles; the first role is the preferred one.
func groupConfiguration(groups []store.Group) signin.GroupConfiguration {
	var g signin.GroupConfiguration
	for _, group := range groups {
		g.Groups = append(g.Groups, group.Name)
		if group.RoleARN != "" && !slices.Contains(g.IAMRoles, group.RoleARN) {
			g.IAMRoles = append(g.IAMRoles, group.RoleARN)
		}
	}
	if len(g.IAMRoles) > 0 {
		g.PreferredRole = g.IAMRoles[0]
	}
	return g
}
