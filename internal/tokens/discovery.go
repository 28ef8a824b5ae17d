package tokens

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/moat-dev/moat/internal/store"
)

// JWKS returns the pool's JSON Web Key Set: every key it holds, retired ones
// too, so tokens signed before a rotation keep verifying. A pool that does not
// exist yields an error matching store.ErrNotFound.
func (s *Service) JWKS(ctx context.Context, poolID string) ([]byte, error) {
	if !validPoolID(poolID) {
		return nil, fmt.Errorf("tokens: user pool %q: %w", poolID, store.ErrNotFound)
	}
	set, err := s.keys(ctx, poolID, keysMaxAge)
	if err != nil {
		return nil, err
	}
	return set.jwks, nil
}

// discoveryDocument is the pool's OpenID Provider metadata: the issuer and
// its keys, and, when the pool's OAuth endpoints are served, where they are
// and what they take.
type discoveryDocument struct {
	Issuer                            string   `json:"issuer"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint,omitempty"`
	TokenEndpoint                     string   `json:"token_endpoint,omitempty"`
	UserinfoEndpoint                  string   `json:"userinfo_endpoint,omitempty"`
	RevocationEndpoint                string   `json:"revocation_endpoint,omitempty"`
	JWKSURI                           string   `json:"jwks_uri"`
	ResponseTypesSupported            []string `json:"response_types_supported,omitempty"`
	SubjectTypesSupported             []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
	ScopesSupported                   []string `json:"scopes_supported,omitempty"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported,omitempty"`
	CodeChallengeMethodsSupported     []string `json:"code_challenge_methods_supported,omitempty"`
	GrantTypesSupported               []string `json:"grant_types_supported,omitempty"`
}

// ServeOAuthEndpoints makes every pool's discovery document list its OAuth
// endpoints, at the base URL base gives for the pool ("" for none).
func (s *Service) ServeOAuthEndpoints(base func(ctx context.Context, poolID string) string) {
	s.oauthBase = base
}

// Discovery returns the pool's OIDC discovery document
// (/.well-known/openid-configuration under the issuer).
func (s *Service) Discovery(ctx context.Context, poolID string) []byte {
	issuer := s.IssuerURL(poolID)
	doc := discoveryDocument{
		Issuer:                           issuer,
		JWKSURI:                          issuer + "/.well-known/jwks.json",
		SubjectTypesSupported:            []string{"public"},
		IDTokenSigningAlgValuesSupported: []string{"RS256"},
	}
	if s.oauthBase != nil {
		if base := s.oauthBase(ctx, poolID); base != "" {
			doc.AuthorizationEndpoint = base + "/oauth2/authorize"
			doc.ResponseTypesSupported = []string{"code", "token"}
			doc.TokenEndpoint = base + "/oauth2/token"
			doc.UserinfoEndpoint = base + "/oauth2/userInfo"
			doc.RevocationEndpoint = base + "/oauth2/revoke"
			doc.ScopesSupported = []string{"openid", "email", "phone", "profile"}
			doc.TokenEndpointAuthMethodsSupported = []string{"client_secret_basic", "client_secret_post"}
			doc.CodeChallengeMethodsSupported = []string{"S256"}
			doc.GrantTypesSupported = []string{"authorization_code", "implicit", "refresh_token", "client_credentials"}
		}
	}
	body, _ := json.Marshal(doc) // strings and string slices always encode
	return body
}
