package tokens

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/go-jose/go-jose/v4"

	"github.com/moat-dev/moat/internal/store"
)

const keyBits = 2048

// key is one stored signing key, parsed once and kept across reloads (keys
// never change; only their retirement does, and that lives in keySet).
type key struct {
	kid       string
	use       string
	createdAt int64
	public    *rsa.PublicKey
	signer    jose.Signer // built once: signing is on every sign-in's path
}

// NewRSAKeyPEM makes a fresh RSA signing key and its stored form, PKCS #8
// in PEM; the identity-pool issuer keeps its one key the same way.
func NewRSAKeyPEM() (*rsa.PrivateKey, string, error) {
	priv, err := rsa.GenerateKey(rand.Reader, keyBits)
	if err != nil {
		return nil, "", err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, "", err
	}
	return priv, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
}

// ParseRSAKeyPEM reads a key NewRSAKeyPEM stored.
func ParseRSAKeyPEM(stored string) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(stored))
	if block == nil {
		return nil, errors.New("no PEM block")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	priv, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("not an RSA key")
	}
	return priv, nil
}

// generateKey makes a fresh key for one use of a pool, ready to store.
func generateKey(poolID, use string, createdAt int64) (store.SigningKey, error) {
	priv, privatePEM, err := NewRSAKeyPEM()
	if err != nil {
		return store.SigningKey{}, fmt.Errorf("tokens: generate key: %w", err)
	}
	kid, err := keyID(&priv.PublicKey)
	if err != nil {
		return store.SigningKey{}, err
	}
	return store.SigningKey{
		PoolID:     poolID,
		KID:        kid,
		Use:        use,
		Algorithm:  string(jose.RS256),
		PrivatePEM: privatePEM,
		CreatedAt:  createdAt,
	}, nil
}

// keyID is a kid of Cognito's form: standard base64 of the SHA-256 of the
// public key's DER (44 characters).
func keyID(pub *rsa.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("tokens: encode public key: %w", err)
	}
	sum := sha256.Sum256(der)
	return base64.StdEncoding.EncodeToString(sum[:]), nil
}

// parseKey turns a stored key into one that can sign and verify.
func parseKey(sk store.SigningKey) (*key, error) {
	if sk.Algorithm != string(jose.RS256) {
		return nil, fmt.Errorf("tokens: key %s of pool %s: unsupported algorithm %q", sk.KID, sk.PoolID, sk.Algorithm)
	}
	priv, err := ParseRSAKeyPEM(sk.PrivatePEM)
	if err != nil {
		return nil, fmt.Errorf("tokens: key %s of pool %s: %w", sk.KID, sk.PoolID, err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{
		Algorithm: jose.RS256,
		Key:       jose.JSONWebKey{Key: priv, KeyID: sk.KID, Algorithm: string(jose.RS256)},
	}, nil)
	if err != nil {
		return nil, fmt.Errorf("tokens: key %s of pool %s: %w", sk.KID, sk.PoolID, err)
	}
	return &key{kid: sk.KID, use: sk.Use, createdAt: sk.CreatedAt, public: &priv.PublicKey, signer: signer}, nil
}
