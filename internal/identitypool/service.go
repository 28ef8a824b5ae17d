// Package identitypool is the Cognito identity-pool domain: pools, identities
// and their logins, verifying the logins clients present, choosing the role
// and checking its trust policy, and handing out temporary credentials and
// identity-pool OpenID tokens. Its methods take and return Cognito Identity's
// shapes and fail with its errors (awserr), so the wire adapter only frames them.
package identitypool

import (
	"context"
	"strings"
	"time"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/tempcreds"
	"github.com/moat-dev/moat/internal/tokens"
)

// Service runs every identity-pool operation against one store.
type Service struct {
	store       store.Store
	tokens      *tokens.Service
	creds       *tempcreds.Issuer
	region      string
	publicURL   string
	issuerHost  string // publicURL without its scheme: the issuer form of Logins keys
	openID      *openIDSigner
	revocations *revocationCache
	outside     *outsideIssuers
	now         func() time.Time
}

// Config names what a Service needs.
type Config struct {
	Store       store.Store
	Tokens      *tokens.Service   // verifies moat user pools' ID tokens
	Credentials *tempcreds.Issuer // issues the temporary credentials
	Region      string
	PublicURL   string // where the identity listener is reached, e.g. http://127.0.0.1:9229
}

// New returns a Service. It loads (or creates, once per deployment) the key
// that signs identity-pool OpenID tokens, so every replica signs alike.
func New(ctx context.Context, cfg Config) (*Service, error) {
	publicURL := strings.TrimRight(cfg.PublicURL, "/")
	signer, err := loadOpenIDSigner(ctx, cfg.Store, publicURL+IssuerPath)
	if err != nil {
		return nil, err
	}
	host := publicURL
	if _, rest, ok := strings.Cut(publicURL, "://"); ok {
		host = rest
	}
	s := &Service{
		store: cfg.Store, tokens: cfg.Tokens, creds: cfg.Credentials, region: cfg.Region,
		publicURL: publicURL, issuerHost: host, openID: signer, outside: newOutsideIssuers(), now: time.Now,
	}
	s.revocations = newRevocationCache(cfg.Store, func() time.Time { return s.now() })
	return s, nil
}

func (s *Service) clock() int64 { return s.now().Unix() }
