package authorizer

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"

	"github.com/go-jose/go-jose/v4"
)

// allowedAlgorithms are the only signature algorithms a JWT may use. Anything
// else — none, HS*, PS* — is refused while parsing, before any key is chosen,
// so a public key can never be used as an HMAC secret.
var allowedAlgorithms = []jose.SignatureAlgorithm{
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

// algorithmFits reports whether a token's alg may be verified with key: the
// alg must suit the key's type and curve, and equal the alg its JWK states.
func algorithmFits(alg string, key verificationKey) bool {
	if key.alg != "" && key.alg != alg {
		return false
	}
	switch k := key.key.(type) {
	case *rsa.PublicKey:
		return alg == string(jose.RS256) || alg == string(jose.RS384) || alg == string(jose.RS512)
	case *ecdsa.PublicKey:
		return alg == string(jose.ES256) && k.Curve == elliptic.P256() ||
			alg == string(jose.ES384) && k.Curve == elliptic.P384()
	case ed25519.PublicKey:
		return alg == string(jose.EdDSA)
	}
	return false
}
