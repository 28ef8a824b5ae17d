package srp

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"math/big"
)

// Verifier is what a password leaves on the server for SRP: a salt and
// v = g^x mod N, in the canonical hex (no leading zeros) every client
// library pads the same way.
type Verifier struct {
	Salt string
	V    string
}

// NewVerifier derives a fresh salt and the verifier of a password.
// It costs one 3072-bit exponentiation.
func NewVerifier(poolName, username, password string) Verifier {
	raw := make([]byte, 16)
	rand.Read(raw) // never fails: crypto/rand crashes the program instead
	salt := new(big.Int).SetBytes(raw)
	x := privateKey(poolName, username, password, salt)
	return Verifier{Salt: salt.Text(16), V: new(big.Int).Exp(g, x, N).Text(16)}
}

// Decoy is a verifier for a user that does not exist, stable per id so
// repeated attempts look like a real user's, and not derivable without key.
func Decoy(key []byte, id string) Verifier {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("srp-decoy\x00" + id))
	sum := m.Sum(nil)
	salt := new(big.Int).SetBytes(sum[:16])
	return Verifier{Salt: salt.Text(16), V: new(big.Int).Exp(g, new(big.Int).SetBytes(sum[16:]), N).Text(16)}
}

func (v Verifier) parse() (salt, verifier *big.Int, ok bool) {
	salt, okSalt := new(big.Int).SetString(v.Salt, 16)
	verifier, okV := new(big.Int).SetString(v.V, 16)
	return salt, verifier, okSalt && okV
}

// Valid reports whether v holds a salt and verifier (users whose password
// predates SRP support have none).
func (v Verifier) Valid() bool {
	_, _, ok := v.parse()
	return ok
}

// privateKey is Cognito's x = H(padHex(salt) ‖ H(poolName ‖ username ‖ ":" ‖ password)).
func privateKey(poolName, username, password string, salt *big.Int) *big.Int {
	inner := sha256.Sum256([]byte(poolName + username + ":" + password))
	return hashInts(pad(salt), inner[:])
}
