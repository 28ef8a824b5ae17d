// Package siwetest gives tests a wallet: a fresh secp256k1 key that signs
// EIP-191 messages the way MetaMask's personal_sign does.
package siwetest

import (
	"encoding/hex"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"golang.org/x/crypto/sha3"

	"github.com/moat-dev/moat/internal/siwe"
)

// Wallet is a test key and its EIP-55 address.
type Wallet struct {
	Address string
	key     *secp256k1.PrivateKey
}

// NewWallet makes a wallet with a random key.
func NewWallet(t testing.TB) Wallet {
	t.Helper()
	key, err := secp256k1.GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	h := sha3.NewLegacyKeccak256()
	h.Write(key.PubKey().SerializeUncompressed()[1:])
	addr, err := siwe.ChecksumAddress("0x" + hex.EncodeToString(h.Sum(nil)[12:]))
	if err != nil {
		t.Fatal(err)
	}
	return Wallet{Address: addr, key: key}
}

// Sign returns the 0x-hex r‖s‖v signature of message under EIP-191.
func (w Wallet) Sign(message string) string {
	hash := siwe.HashMessage([]byte(message))
	compact := ecdsa.SignCompact(w.key, hash[:], false) // v‖r‖s with v = 27/28
	return "0x" + hex.EncodeToString(append(compact[1:], compact[0]))
}

// PrivateKeyHex is the key in hex, for clients (ethers) that sign themselves.
func (w Wallet) PrivateKeyHex() string { return "0x" + hex.EncodeToString(w.key.Serialize()) }
