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

// discoveryDocument is the pool's OpenID Provider metadata. The hosted UI will
// add its authorization, token and userinfo endpoints here.
type discoveryDocument struct {
	Issuer                            string   `json:"issuer"`
	JWKSURI                           string   `json:"jwks_uri"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	SubjectTypesSupported             []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
	ScopesSupported                   []string `json:"scopes_supported"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
}

// Discovery returns the pool's OIDC discovery document
// (/.well-known/openid-configuration under the issuer).
func (s *Service) Discovery(poolID string) []byte {
	issuer := s.IssuerURL(poolID)
	body, _ := json.Marshal(discoveryDocument{ // strings and string slices always encode
		Issuer:                            issuer,
		JWKSURI:                           issuer + "/.well-known/jwks.json",
		ResponseTypesSupported:            []string{"code", "token"},
		SubjectTypesSupported:             []string{"public"},
		IDTokenSigningAlgValuesSupported:  []string{"RS256"},
		ScopesSupported:                   []string{"openid", "email", "phone", "profile"},
		TokenEndpointAuthMethodsSupported: []string{"client_secret_basic", "client_secret_post"},
	})
	return body
}
