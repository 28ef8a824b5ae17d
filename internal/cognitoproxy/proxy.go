package cognitoproxy

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"

	"github.com/moat-dev/moat/internal/configfile"
	"github.com/moat-dev/moat/internal/sealing"
)

// Proxy is one cognito_idp integration's rules, compiled: the clients with
// their secrets, the allow-list and the token keys.
type Proxy struct {
	clients    map[string]*client
	allowed    map[string]bool
	sealTokens bool
	keys       tokenKeys
	verify     SubjectVerifier
}

// SubjectVerifier checks an access token's signature with the keys of the
// upstream pool that issued it and returns its sub: ErrForged when it is
// not that pool's, another error when the keys cannot be had now.
type SubjectVerifier func(ctx context.Context, accessToken string) (sub string, err error)

// ErrForged is a SubjectVerifier's answer for a token no upstream pool signed.
var ErrForged = errors.New("cognito proxy: the access token is not signed by the upstream's pool")

// client is an app client and the secret its calls are hashed with ("":
// a client without one).
type client struct {
	id     string
	secret string
}

// New compiles s (validated) with key, the data key that wraps the tokens
// the proxy hands out, and verify, which proves an unsealed access token's
// sub before it names a budget (nil: such tokens spend none); secrets are
// read now, and an error names where a secret was looked for, never its
// value.
func New(s Settings, key sealing.DataKey, verify SubjectVerifier) (*Proxy, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if s.IsZero() {
		return nil, fmt.Errorf("upstream: set %q or a Cognito endpoint URL, and clients", MoatUpstream)
	}
	p := &Proxy{clients: map[string]*client{}, allowed: map[string]bool{}, sealTokens: s.SealTokens, keys: tokenKeys{key}, verify: verify}
	for i, c := range s.Clients {
		cl := &client{id: c.ClientID}
		if c.SecretFromEnv != "" || c.SecretFromFile != "" {
			secret, err := configfile.ReadSecret(c.SecretFromEnv, c.SecretFromFile)
			if err != nil {
				return nil, configfile.At(configfile.Index("clients", i), fmt.Errorf("client %s's secret: %w", c.ClientID, err))
			}
			cl.secret = secret
		}
		p.clients[c.ClientID] = cl
	}
	ops := s.Operations
	if len(ops) == 0 {
		ops = PublicOperations
	}
	for _, op := range ops {
		p.allowed[op] = slices.Contains(PublicOperations, op)
	}
	return p, nil
}

// secretHash is Cognito's SECRET_HASH for username: the base64 of
// HMAC-SHA256 under the client secret of username followed by the client ID.
func (c *client) secretHash(username string) string {
	m := hmac.New(sha256.New, []byte(c.secret))
	m.Write([]byte(username + c.id))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}
