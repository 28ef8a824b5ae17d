package oidcjwt

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"

	"github.com/go-jose/go-jose/v4"
)

// Key is one usable key of an issuer's JWKS.
type Key struct {
	Public any    // *rsa.PublicKey, *ecdsa.PublicKey or ed25519.PublicKey
	Alg    string // the alg the JWK states; "" when it states none
}

// ParseJWKS reads the usable keys of a JSON Web Key Set, by kid. Keys moat
// cannot or must not verify with (encryption keys, symmetric or private
// keys, weak or unknown types, no kid) are skipped rather than failing the
// whole set; a set with none left is an error.
func ParseJWKS(body []byte) (map[string]Key, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, fmt.Errorf("key set: %w", err)
	}
	byKID := make(map[string]Key, len(set.Keys))
	for _, raw := range set.Keys {
		var secret struct {
			D json.RawMessage `json:"d"`
			K json.RawMessage `json:"k"`
		}
		if json.Unmarshal(raw, &secret) != nil || secret.D != nil || secret.K != nil {
			continue
		}
		var jwk jose.JSONWebKey
		if jwk.UnmarshalJSON(raw) != nil || jwk.KeyID == "" || (jwk.Use != "" && jwk.Use != "sig") || !usableKey(jwk.Key) {
			continue
		}
		if _, dup := byKID[jwk.KeyID]; !dup {
			byKID[jwk.KeyID] = Key{Public: jwk.Key, Alg: jwk.Algorithm}
		}
	}
	if len(byKID) == 0 {
		return nil, errors.New("key set holds no usable signing key")
	}
	return byKID, nil
}

// HTTPURL reports whether s is an absolute http or https URL.
func HTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
