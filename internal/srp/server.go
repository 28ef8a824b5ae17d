package srp

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"math/big"
)

// ParseA reads the client's public value: hex, with 0 < A < N (so
// A mod N ≠ 0, which would let a client fix the shared secret).
func ParseA(text string) (*big.Int, bool) {
	if len(text) > 2*len(pad(N)) {
		return nil, false
	}
	a, ok := new(big.Int).SetString(text, 16)
	return a, ok && a.Sign() > 0 && a.Cmp(N) < 0
}

// Exchange is one sign-in's server state, in hex: the client's A, the
// server's public B and its secret b. It travels sealed in the secret block.
type Exchange struct {
	A, B, SecretB string
}

// Begin picks the server's secret b and computes B = k·v + g^b mod N.
func Begin(v Verifier, a *big.Int) (Exchange, bool) {
	_, verifier, ok := v.parse()
	if !ok {
		return Exchange{}, false
	}
	var b, bigB *big.Int
	for bigB == nil || bigB.Sign() == 0 {
		raw := make([]byte, 32)
		rand.Read(raw) // never fails: crypto/rand crashes the program instead
		b = new(big.Int).SetBytes(raw)
		bigB = new(big.Int).Mul(k, verifier)
		bigB.Add(bigB, new(big.Int).Exp(g, b, N)).Mod(bigB, N)
	}
	return Exchange{A: a.Text(16), B: bigB.Text(16), SecretB: b.Text(16)}, true
}

// Claim is what the client signs: the names in the hash, the decoded secret
// block and the TIMESTAMP string, with its base64 signature.
type Claim struct {
	PoolName, Username string
	SecretBlock        []byte
	Timestamp          string
	Signature          string
}

// Verify recomputes the session key from the exchange and the verifier, and
// compares the client's signature in constant time. It always does the full
// computation, so a decoy verifier costs what a real one does.
func (e Exchange) Verify(v Verifier, c Claim) bool {
	_, verifier, okV := v.parse()
	a, okA := new(big.Int).SetString(e.A, 16)
	bigB, okB := new(big.Int).SetString(e.B, 16)
	b, okb := new(big.Int).SetString(e.SecretB, 16)
	given, err := base64.StdEncoding.DecodeString(c.Signature)
	if !okV || !okA || !okB || !okb {
		return false
	}
	u := hashInts(pad(a), pad(bigB))
	if u.Sign() == 0 {
		return false
	}
	secret := new(big.Int).Exp(verifier, u, N)
	secret.Mul(secret, a).Mod(secret, N).Exp(secret, b, N)
	want := signature(sessionKey(u, secret), c)
	return hmac.Equal(want, given) && err == nil
}

// sessionKey is the 16-byte key both sides derive from the shared secret
// S with HKDF-SHA256 (salt padHex(u), info "Caldera Derived Key").
func sessionKey(u, s *big.Int) []byte {
	extract := hmac.New(sha256.New, pad(u))
	extract.Write(pad(s))
	expand := hmac.New(sha256.New, extract.Sum(nil))
	expand.Write([]byte("Caldera Derived Key\x01"))
	return expand.Sum(nil)[:16]
}

// signature is the password claim: HMAC-SHA256 under the session key over
// poolName ‖ username ‖ the decoded secret block ‖ the TIMESTAMP string.
func signature(key []byte, c Claim) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(c.PoolName + c.Username))
	m.Write(c.SecretBlock)
	m.Write([]byte(c.Timestamp))
	return m.Sum(nil)
}
