package siwe

import "golang.org/x/crypto/sha3"

// keccak256 is Ethereum's hash: the original Keccak padding (0x01), which
// the standardized SHA3-256 (0x06) does not share.
func keccak256(parts ...[]byte) [32]byte {
	h := sha3.NewLegacyKeccak256()
	for _, p := range parts {
		h.Write(p)
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}
