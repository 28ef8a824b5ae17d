package siwe

import (
	"fmt"
	"strconv"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
)

const signatureLen = 65 // r ‖ s ‖ v

// HashMessage is the EIP-191 personal_sign digest of message:
// keccak256("\x19Ethereum Signed Message:\n" + decimal length + message).
func HashMessage(message []byte) [32]byte {
	prefix := "\x19Ethereum Signed Message:\n" + strconv.Itoa(len(message))
	return keccak256([]byte(prefix), message)
}

// RecoverAddress returns the EIP-55 address whose key made signature
// (r ‖ s ‖ v, v being 27/28 or 0/1) over message with personal_sign.
func RecoverAddress(message, signature []byte) (string, error) {
	return recoverSigner(HashMessage(message), signature)
}

func recoverSigner(hash [32]byte, sig []byte) (string, error) {
	if len(sig) != signatureLen {
		return "", fmt.Errorf("%w: %d bytes, want %d", ErrMalformedSignature, len(sig), signatureLen)
	}
	v := sig[64]
	if v >= 27 {
		v -= 27
	}
	if v > 1 {
		return "", fmt.Errorf("%w: recovery byte %d", ErrMalformedSignature, sig[64])
	}
	// Wallets only make low-s signatures (EIP-2); refusing the high-s twin
	// keeps each signature unique, as go-ethereum's VerifySignature does.
	var s secp256k1.ModNScalar
	if overflow := s.SetByteSlice(sig[32:64]); !overflow && s.IsOverHalfOrder() {
		return "", fmt.Errorf("%w: s is not in the lower half of the order", ErrMalformedSignature)
	}
	// decred's compact form is v ‖ r ‖ s with v = 27 + recovery id for an
	// uncompressed key, which is what Ethereum addresses hash.
	var compact [signatureLen]byte
	compact[0] = 27 + v
	copy(compact[1:], sig[:64])
	pub, _, err := ecdsa.RecoverCompact(compact[:], hash[:])
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalidSignature, err)
	}
	return addressOf(pub), nil
}

// addressOf is the last 20 bytes of keccak256 of the uncompressed key
// without its 0x04 prefix.
func addressOf(pub *secp256k1.PublicKey) string {
	hash := keccak256(pub.SerializeUncompressed()[1:])
	var raw [20]byte
	copy(raw[:], hash[12:])
	return checksum(raw)
}
