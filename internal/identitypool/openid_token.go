package identitypool

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Lifetimes of identity-pool OpenID tokens (Cognito's).
const (
	openIDTokenLife       = 10 * time.Minute // GetOpenIdToken
	developerTokenLife    = 15 * time.Minute // GetOpenIdTokenForDeveloperIdentity's default
	maxDeveloperTokenLife = 24 * time.Hour
)

// tagsClaim is where AWS puts session tags in a web identity token.
const tagsClaim = "https://aws.amazon.com/tags"

// openIDClaims are an identity-pool OpenID token's claims.
type openIDClaims struct {
	Issuer    string         `json:"iss"`
	Subject   string         `json:"sub"` // the identity ID
	Audience  string         `json:"aud"` // the identity pool ID
	AMR       []string       `json:"amr"`
	IssuedAt  int64          `json:"iat"`
	ExpiresAt int64          `json:"exp"`
	Tags      *principalTags `json:"https://aws.amazon.com/tags,omitempty"`
}

// principalTags is the tags claim's shape: each tag's value in a list.
type principalTags struct {
	PrincipalTags map[string][]string `json:"principal_tags"`
}

func (o *openIDSigner) sign(c openIDClaims, tags map[string]string) (string, error) {
	c.Issuer = o.issuer
	if len(tags) > 0 {
		c.Tags = &principalTags{PrincipalTags: make(map[string][]string, len(tags))}
		for k, v := range tags {
			c.Tags.PrincipalTags[k] = []string{v}
		}
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	jws, err := o.signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}

// verify checks one of our own tokens: signature, issuer and expiry.
func (o *openIDSigner) verify(token string, now time.Time) (*openIDClaims, error) {
	if len(token) > maxLoginTokenLength {
		return nil, errTokenInvalid
	}
	jws, err := jose.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil || len(jws.Signatures) != 1 {
		return nil, errTokenInvalid
	}
	payload, err := jws.Verify(o.public)
	if err != nil {
		return nil, errTokenInvalid
	}
	var c openIDClaims
	if err := json.Unmarshal(payload, &c); err != nil || c.Issuer != o.issuer {
		return nil, errTokenInvalid
	}
	if now.Unix() >= c.ExpiresAt {
		return nil, errTokenExpired
	}
	return &c, nil
}

func (c *openIDClaims) tags() map[string]string {
	if c.Tags == nil {
		return nil
	}
	out := make(map[string]string, len(c.Tags.PrincipalTags))
	for k, v := range c.Tags.PrincipalTags {
		if len(v) > 0 {
			out[k] = v[0]
		}
	}
	return out
}

// mintOpenID signs a token for an identity of a pool.
func (s *Service) mintOpenID(identityID, poolID string, amr []string, tags map[string]string, life time.Duration) (string, error) {
	now := s.now()
	token, err := s.openID.sign(openIDClaims{Subject: identityID, Audience: poolID, AMR: amr, IssuedAt: now.Unix(), ExpiresAt: now.Add(life).Unix()}, tags)
	if err != nil {
		return "", fmt.Errorf("identitypool: sign OpenID token: %w", err)
	}
	return token, nil
}
