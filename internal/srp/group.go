// Package srp is Cognito's SRP-6a, as its clients (amazon-cognito-identity-js,
// Amplify, pycognito, the AWS SDKs' helpers) compute it: the group, the
// verifier a password leaves on the server, the server's challenge and the
// check of the client's password claim. It knows nothing of users or pools
// beyond the names that go into the hashes.
package srp

import (
	"crypto/sha256"
	"math/big"
	"strings"
)

// Cognito's group: the RFC 3526 3072-bit MODP prime with g = 2 and
// k = H(padHex(N) ‖ padHex(g)) — not RFC 5054's g = 5 and padded k.
var (
	N = mustHexInt("" +
		"FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1" +
		"29024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
		"EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245" +
		"E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
		"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D" +
		"C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
		"83655D23DCA3AD961C62F356208552BB9ED529077096966D" +
		"670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
		"E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9" +
		"DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
		"15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64" +
		"ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
		"ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B" +
		"F12FFA06D98A0864D87602733EC86A64521F2B18177B200C" +
		"BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31" +
		"43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF")
	g = big.NewInt(2)
	k = hashInts(pad(N), pad(g))
)

func mustHexInt(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("bad hex constant")
	}
	return n
}

// pad is the bytes of Cognito's padHex: the minimal big-endian two's
// complement form of a non-negative integer, so a leading byte with its top
// bit set gets a 0x00 in front. It is not padding to the length of N.
func pad(n *big.Int) []byte {
	b := n.Bytes()
	if len(b) == 0 || b[0]&0x80 != 0 {
		return append([]byte{0}, b...)
	}
	return b
}

// hashInts is SHA-256 over the concatenated parts, read as a positive integer.
func hashInts(parts ...[]byte) *big.Int {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	return new(big.Int).SetBytes(h.Sum(nil))
}

// PoolName is the part of a pool id after "_", which clients put in x and
// in the signature.
func PoolName(poolID string) string {
	_, name, _ := strings.Cut(poolID, "_")
	return name
}
