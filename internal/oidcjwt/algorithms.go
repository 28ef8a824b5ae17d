package oidcjwt

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"

	"github.com/go-jose/go-jose/v4"
)

// AllowedAlgorithms are the only signature algorithms a JWT may use; parse
// tokens with them. Anything else — none, HS*, PS* — is refused while
// parsing, before any key is chosen, so a public key can never be used as an
// HMAC secret.
var AllowedAlgorithms = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512, jose.ES256, jose.ES384, jose.EdDSA,
}

// RSA keys below 2048 bits are too weak to trust; above 8192 they only make
// verification slow.
const (
	minRSABits = 2048
	maxRSABits = 8192
)

// usableKey reports whether a JWKS key is one moat verifies with.
func usableKey(key any) bool {
	switch k := key.(type) {
	case *rsa.PublicKey:
		return k.N.BitLen() >= minRSABits && k.N.BitLen() <= maxRSABits
	case *ecdsa.PublicKey:
		return k.Curve == elliptic.P256() || k.Curve == elliptic.P384()
	case ed25519.PublicKey:
		return true
	}
	return false
}

// fits reports whether a token's alg may be verified with the key: the alg
// must suit the key's type and curve, and equal the alg its JWK states.
func (k Key) fits(alg string) bool {
	if k.Alg != "" && k.Alg != alg {
		return false
	}
	switch pub := k.Public.(type) {
	case *rsa.PublicKey:
		return alg == string(jose.RS256) || alg == string(jose.RS384) || alg == string(jose.RS512)
	case *ecdsa.PublicKey:
		return alg == string(jose.ES256) && pub.Curve == elliptic.P256() ||
			alg == string(jose.ES384) && pub.Curve == elliptic.P384()
	case ed25519.PublicKey:
		return alg == string(jose.EdDSA)
	}
	return false
}
