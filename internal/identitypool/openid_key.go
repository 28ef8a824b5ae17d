package identitypool

import (
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/go-jose/go-jose/v4"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/tokens"
)

// IssuerPath is where the identity-pool token issuer lives under the public
// URL; its JWKS and discovery document are beneath it.
const IssuerPath = "/identity"

// openIDKeySetting names the deployment's identity-token key in the store's
// settings. internal/tokens keeps keys per user pool (a key row belongs to a
// pool), so the identity issuer keeps its one key here instead.
const openIDKeySetting = "identitypool.openid-key"

// openIDSigner signs identity-pool OpenID tokens with one RSA key.
type openIDSigner struct {
	issuer string
	kid    string
	public *rsa.PublicKey
	signer jose.Signer
	jwks   []byte
}

func loadOpenIDSigner(ctx context.Context, st store.Settings, issuer string) (*openIDSigner, error) {
	_, fresh, err := tokens.NewRSAKeyPEM()
	if err != nil {
		return nil, err
	}
	stored, err := st.PutSettingIfAbsent(ctx, openIDKeySetting, fresh)
	if err != nil {
		return nil, fmt.Errorf("identitypool: %s: %w", openIDKeySetting, err)
	}
	key, err := tokens.ParseRSAKeyPEM(stored)
	if err != nil {
		return nil, fmt.Errorf("identitypool: stored OpenID key: %w", err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(pubDER)
	kid := base64.RawURLEncoding.EncodeToString(sum[:16])
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithHeader("kid", kid))
	if err != nil {
		return nil, err
	}
	jwks, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: kid, Algorithm: "RS256", Use: "sig"}}})
	if err != nil {
		return nil, err
	}
	return &openIDSigner{issuer: issuer, kid: kid, public: &key.PublicKey, signer: signer, jwks: jwks}, nil
}
