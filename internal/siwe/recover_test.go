package siwe

import (
	"encoding/hex"
	"errors"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"golang.org/x/crypto/sha3"
)

func TestKeccak256KnownAnswer(t *testing.T) {
	// keccak256("") — differs from SHA3-256("") (a7ffc6f8…), which is the point.
	got := keccak256()
	if hex.EncodeToString(got[:]) != "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470" {
		t.Fatalf("keccak256(\"\") = %x", got)
	}
}

func TestChecksumAddressEIP55Examples(t *testing.T) {
	// The examples in EIP-55 itself, including all-caps and all-lower ones.
	for _, want := range []string{
		"0x52908400098527886E0F7030069857D2E4169EE7",
		"0x8617E340B3D01FA5F11F306F4090FD50E238070D",
		"0xde709f2102306220921060314715629080e2fb77",
		"0x27b1fdb04752bbc536007a920d24acb045561c26",
		"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
		"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
		"0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
		"0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
	} {
		for _, in := range []string{want, "0x" + lower(want[2:])} {
			got, err := ChecksumAddress(in)
			if err != nil || got != want {
				t.Errorf("ChecksumAddress(%s) = %s, %v; want %s", in, got, err, want)
			}
		}
	}
	for _, bad := range []string{"", "0x", "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAedd", "0xgaAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"} {
		if got, err := ChecksumAddress(bad); err == nil {
			t.Errorf("ChecksumAddress(%q) = %s, want an error", bad, got)
		}
	}
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// signPersonal signs message as a wallet's personal_sign does and returns
// r ‖ s ‖ v with v = 27 or 28.
func signPersonal(key *secp256k1.PrivateKey, message []byte) []byte {
	hash := HashMessage(message)
	compact := ecdsa.SignCompact(key, hash[:], false) // v ‖ r ‖ s, v = 27 + recovery id
	return append(compact[1:], compact[0])
}

// addressOfKey derives the address independently of the package's code
// path: keccak256 of the uncompressed key's X ‖ Y, last 20 bytes.
func addressOfKey(t *testing.T, key *secp256k1.PrivateKey) string {
	h := sha3.NewLegacyKeccak256()
	h.Write(key.PubKey().SerializeUncompressed()[1:])
	addr, err := ChecksumAddress("0x" + hex.EncodeToString(h.Sum(nil)[12:]))
	if err != nil {
		t.Fatal(err)
	}
	return addr
}

func TestRecoverAddressKnownKey(t *testing.T) {
	key, err := secp256k1.GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	want := addressOfKey(t, key)
	message := []byte("moat wants you to prove you hold this key")
	sig := signPersonal(key, message)

	got, err := RecoverAddress(message, sig)
	if err != nil || got != want {
		t.Fatalf("RecoverAddress = %s, %v; want %s", got, err, want)
	}
	zeroBased := append([]byte(nil), sig...)
	zeroBased[64] -= 27
	if got, err := RecoverAddress(message, zeroBased); err != nil || got != want {
		t.Fatalf("with v in {0,1}: RecoverAddress = %s, %v; want %s", got, err, want)
	}
	if got, err := RecoverAddress([]byte("another message"), sig); err == nil && got == want {
		t.Fatal("a signature over one message recovered the signer for another")
	}

	// The high-s twin is a valid ECDSA signature for the same key; it is
	// refused so that each signature has one encoding.
	var s secp256k1.ModNScalar
	s.SetByteSlice(sig[32:64])
	s.Negate()
	twin := append([]byte(nil), sig...)
	s.PutBytesUnchecked(twin[32:64])
	twin[64] ^= 1
	if _, err := RecoverAddress(message, twin); !errors.Is(err, ErrMalformedSignature) {
		t.Fatalf("high-s signature: got %v, want ErrMalformedSignature", err)
	}
}

func TestRecoverAddressRefusesMalformedSignatures(t *testing.T) {
	key, err := secp256k1.GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	message := []byte("hello")
	good := signPersonal(key, message)
	with := func(edit func([]byte)) []byte {
		sig := append([]byte(nil), good...)
		edit(sig)
		return sig
	}
	allFF := make([]byte, 32)
	for i := range allFF {
		allFF[i] = 0xff
	}
	cases := map[string]struct {
		sig  []byte
		want error
	}{
		"empty":        {nil, ErrMalformedSignature},
		"two bytes":    {[]byte{1, 2}, ErrMalformedSignature},
		"64 bytes":     {good[:64], ErrMalformedSignature},
		"66 bytes":     {append(append([]byte(nil), good...), 0), ErrMalformedSignature},
		"v = 2":        {with(func(s []byte) { s[64] = 2 }), ErrMalformedSignature},
		"v = 26":       {with(func(s []byte) { s[64] = 26 }), ErrMalformedSignature},
		"v = 29":       {with(func(s []byte) { s[64] = 29 }), ErrMalformedSignature},
		"v = 255":      {with(func(s []byte) { s[64] = 255 }), ErrMalformedSignature},
		"r = 0":        {with(func(s []byte) { clear(s[:32]) }), ErrInvalidSignature},
		"s = 0":        {with(func(s []byte) { clear(s[32:64]) }), ErrInvalidSignature},
		"r over order": {with(func(s []byte) { copy(s[:32], allFF) }), ErrInvalidSignature},
		"s over order": {with(func(s []byte) { copy(s[32:64], allFF) }), ErrInvalidSignature},
		"all zero":     {make([]byte, 65), ErrInvalidSignature},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if got, err := RecoverAddress(message, c.sig); !errors.Is(err, c.want) {
				t.Fatalf("RecoverAddress = %q, %v; want %v", got, err, c.want)
			}
		})
	}
}
