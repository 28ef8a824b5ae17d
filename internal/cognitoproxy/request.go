package cognitoproxy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"

	"github.com/moat-dev/moat/internal/awserr"
)

// Call is a client's request rewritten for the upstream.
type Call struct {
	Operation string
	// Body is what the upstream gets.
	Body []byte
	// UserKey names the user whose budget the call spends: a digest of the
	// app client and username the call names, or of its access token's
	// sub; "" when the call names nobody (a challenge answered by session).
	UserKey string

	client   *client // the app client the call names; nil for token operations
	username string  // the user the call names, for wrapping a refresh token
	// What the call's event tells (Change): the access token's claims,
	// the sign-in flow, the attribute names changed.
	token      claims
	authFlow   string
	attributes []string
}

// The fields whose spelling the proxy insists on. Cognito's own server and
// moat's read field names without regard to case: a look-alike key
// ("clientid") could carry a second value past the proxy's checks.
var guardedFields = []string{"ClientId", "Username", "SecretHash", "ClientSecret", "AccessToken", "RefreshToken",
	"Token", "AuthFlow", "AuthParameters", "ChallengeName", "ChallengeResponses", "Session"}

// guardedParameters are the same for AuthParameters and ChallengeResponses.
var guardedParameters = []string{"USERNAME", "SECRET_HASH", "REFRESH_TOKEN", "DEVICE_KEY"}

var (
	errNoService      = awserr.New(awserr.UnknownOperation, "The X-Amz-Target header names no known service.")
	errNotObject      = awserr.New(awserr.Serialization, "The request body must be a JSON object.")
	errInvalidRefresh = awserr.New(awserr.NotAuthorized, "Invalid Refresh Token")
	errInvalidAccess  = awserr.New(awserr.NotAuthorized, "Invalid Access Token")
)

// Rewrite checks the call target (an X-Amz-Target value) with body makes
// and returns it as the upstream must get it, or a Cognito-shaped error.
func (p *Proxy) Rewrite(ctx context.Context, target string, body []byte) (*Call, error) {
	op, ok := strings.CutPrefix(target, TargetPrefix)
	if !ok {
		return nil, errNoService
	}
	if !p.allowed[op] {
		return nil, awserr.Newf(awserr.NotAuthorized, "%s is not allowed through this proxy.", op)
	}
	fields, err := decodeFields(body, guardedFields)
	if err != nil {
		return nil, err
	}
	c := &Call{Operation: op}
	if clientOperations[op] {
		if err := p.rewriteClientCall(c, fields); err != nil {
			return nil, err
		}
	}
	if _, has := fields["AccessToken"]; has {
		if err := p.rewriteAccessToken(ctx, c, fields); err != nil {
			return nil, err
		}
	}
	c.attributes = attributeNames(op, fields)
	c.Body, _ = json.Marshal(fields) // raw values and strings
	return c, nil
}

// rewriteClientCall handles the calls that name an app client: the client
// must be one the proxy serves, and a client's secret goes where the
// operation wants it.
func (p *Proxy) rewriteClientCall(c *Call, fields map[string]json.RawMessage) error {
	clientID, err := stringField(fields, "ClientId")
	if err != nil {
		return err
	}
	if clientID == "" {
		return awserr.New(awserr.InvalidParameter, "1 validation error detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null")
	}
	cl, ok := p.clients[clientID]
	if !ok {
		return awserr.Newf(awserr.ResourceNotFound, "User pool client %s does not exist.", clientID)
	}
	c.client = cl
	switch {
	case userOperations[c.Operation]:
		username, err := stringField(fields, "Username")
		if err != nil {
			return err
		}
		c.named(username)
		if cl.secret != "" {
			setString(fields, "SecretHash", cl.secretHash(username))
		}
	case c.Operation == "InitiateAuth":
		return p.rewriteInitiateAuth(c, fields)
	case c.Operation == "RespondToAuthChallenge":
		return c.hashParameters(fields, "ChallengeResponses")
	case c.Operation == "GetTokensFromRefreshToken":
		return p.unwrapRefreshField(c, fields, "RefreshToken")
	case c.Operation == "RevokeToken":
		return p.unwrapRefreshField(c, fields, "Token")
	}
	return nil
}

// rewriteInitiateAuth hashes the username the flow names; a refresh names
// none, so its user comes from the wrapped refresh token.
func (p *Proxy) rewriteInitiateAuth(c *Call, fields map[string]json.RawMessage) error {
	flow, err := stringField(fields, "AuthFlow")
	if err != nil {
		return err
	}
	c.authFlow = flow
	if flow != "REFRESH_TOKEN_AUTH" && flow != "REFRESH_TOKEN" {
		return c.hashParameters(fields, "AuthParameters")
	}
	params, err := parameters(fields, "AuthParameters")
	if err != nil {
		return err
	}
	token, _ := stringField(params, "REFRESH_TOKEN") // a string or null
	w, ok := p.keys.openRefresh(c.client.id, token)
	switch {
	case ok && (w.Username != "" || c.client.secret == ""):
		setString(params, "REFRESH_TOKEN", w.Token)
		c.named(w.Username)
		if c.client.secret != "" {
			setString(params, "SECRET_HASH", c.client.secretHash(w.Username))
		}
	case c.client.secret != "":
		return errInvalidRefresh // no user to hash: not a token this proxy gave out
	}
	setParameters(fields, "AuthParameters", params)
	return nil
}

// hashParameters adds SECRET_HASH for the USERNAME a parameter map names.
func (c *Call) hashParameters(fields map[string]json.RawMessage, name string) error {
	params, err := parameters(fields, name)
	if err != nil {
		return err
	}
	username, _ := stringField(params, "USERNAME") // a string or null
	c.named(username)
	if c.client.secret != "" && username != "" {
		setString(params, "SECRET_HASH", c.client.secretHash(username))
		setParameters(fields, name, params)
	}
	return nil
}

// unwrapRefreshField gives the upstream the refresh token a wrapped one
// holds, and the client's secret, which these operations take as it is. A
// refresh token the proxy did not hand out gets no secret.
func (p *Proxy) unwrapRefreshField(c *Call, fields map[string]json.RawMessage, name string) error {
	token, err := stringField(fields, name)
	if err != nil {
		return err
	}
	w, ok := p.keys.openRefresh(c.client.id, token)
	switch {
	case ok:
		setString(fields, name, w.Token)
		c.named(w.Username)
	case c.client.secret != "":
		return errInvalidRefresh // the secret is added to the proxy's own tokens only
	}
	if c.client.secret != "" {
		setString(fields, "ClientSecret", c.client.secret)
	}
	return nil
}

// rewriteAccessToken opens a sealed access token, and keys the call by the
// token's sub once it is proven: by the proxy's seal, or by the upstream
// pool's signature. A forged sub must not spend another user's budget.
func (p *Proxy) rewriteAccessToken(ctx context.Context, c *Call, fields map[string]json.RawMessage) error {
	token, err := stringField(fields, "AccessToken")
	if err != nil {
		return err
	}
	if p.sealTokens {
		opened, ok := p.keys.openJWT("access", token)
		if !ok {
			return errInvalidAccess
		}
		setString(fields, "AccessToken", opened)
		c.token = readClaims(opened)
		c.keyBySub(c.token.Sub)
		return nil
	}
	c.token = readClaims(token) // for the call's event, which only an accepted token has
	if p.verify == nil {
		return nil
	}
	sub, err := p.verify(ctx, token)
	switch {
	case errors.Is(err, ErrForged):
		return errInvalidAccess
	case err == nil:
		c.keyBySub(sub)
	}
	return nil // the keys cannot be had now: the upstream decides, and no budget is spent
}

func (c *Call) keyBySub(sub string) {
	if sub != "" && c.UserKey == "" {
		c.UserKey = digest("sub", sub)
	}
}

// named records the user a client call names.
func (c *Call) named(username string) {
	if username == "" {
		return
	}
	c.username = username
	// Cognito usernames are case-insensitive unless a pool says otherwise:
	// one budget for every spelling.
	c.UserKey = digest("user", c.client.id, strings.ToLower(username))
}

// digest keeps limiter keys short whatever a client sends.
func digest(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:16])
}
