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

// discoveryDocument is the pool's OpenID Provider metadata. It advertises
// only what moat serves: the issuer and its keys. Response types, scopes and
// token-endpoint auth methods belong to OAuth endpoints (authorize, token,
// userinfo), which the hosted UI will add here with them.
type discoveryDocument struct {
	Issuer                           string   `json:"issuer"`
	JWKSURI                          string   `json:"jwks_uri"`
	SubjectTypesSupported            []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported []string `json:"id_token_signing_alg_values_supported"`
}

// Discovery returns the pool's OIDC discovery document
// (/.well-known/openid-configuration under the issuer).
func (s *Service) Discovery(poolID string) []byte {
	issuer := s.IssuerURL(poolID)
	body, _ := json.Marshal(discoveryDocument{ // strings and string slices always encode
		Issuer:                           issuer,
		JWKSURI:                          issuer + "/.well-known/jwks.json",
		SubjectTypesSupported:            []string{"public"},
		IDTokenSigningAlgValuesSupported: []string{"RS256"},
	})
	return body
}
