package usage

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"sync"
)

// API key values are never stored in the clear. The store keeps
//   - an HMAC-SHA256 of the value under a key derived from the server secret,
//     to find a key by value: a stolen database alone does not let anyone
//     test guesses of weak imported values offline;
//   - the value sealed with AES-256-GCM under another derived key, so
//     GetApiKey includeValue=true returns it as API Gateway does (Terraform
//     and the console read it back).

const (
	generatedValueLength = 40 // as API Gateway generates
	minValueLength       = 20
	maxValueLength       = 128
	idLength             = 10
)

const (
	alnum      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
)

// ErrInvalidValue is returned for an imported value API Gateway would refuse.
var ErrInvalidValue = errors.New("API key value must be 20 to 128 alphanumeric characters")

// ValidateValue checks an imported API key value.
func ValidateValue(v string) error {
	if len(v) < minValueLength || len(v) > maxValueLength {
		return ErrInvalidValue
	}
	for i := 0; i < len(v); i++ {
		if !isAlnum(v[i]) {
			return ErrInvalidValue
		}
	}
	return nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// randomString draws n characters uniformly from alphabet (rand.Text-style
// rejection keeps every character equally likely).
func randomString(n int, alphabet string) string {
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	limit := 256 - 256%len(alphabet)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out)
}

// NewKeyID returns an API key ID shaped like API Gateway's.
func NewKeyID() string { return randomString(idLength, lowerAlnum) }

// NewKeyValue returns a fresh 40-character alphanumeric API key value.
func NewKeyValue() string { return randomString(generatedValueLength, alnum) }

// keyring hashes and seals values under keys derived from the server secret.
type keyring struct {
	hashKey []byte
	aead    cipher.AEAD
	macs    sync.Pool // *valueMAC: an HMAC state under hashKey, reused per request
}

// valueMAC is one reusable HMAC state with room for a value and its sum.
type valueMAC struct {
	h     hash.Hash
	value []byte
	sum   [sha256.Size]byte
}

const minSecretLength = 32

func newKeyring(secret []byte) (*keyring, error) {
	if len(secret) < minSecretLength {
		return nil, fmt.Errorf("usage: the API key secret must be at least %d bytes", minSecretLength)
	}
	block, err := aes.NewCipher(derive(secret, "moat api-key seal"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	k := &keyring{hashKey: derive(secret, "moat api-key hash"), aead: aead}
	k.macs.New = func() any { return &valueMAC{h: hmac.New(sha256.New, k.hashKey)} }
	return k, nil
}

func derive(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// hash is a value's stored form: its digest in hex.
func (k *keyring) hash(value string) string {
	d := k.digest(value)
	return hex.EncodeToString(d[:])
}

// digest is HMAC-SHA256(hashKey, value), computed without allocating.
func (k *keyring) digest(value string) [sha256.Size]byte {
	m := k.macs.Get().(*valueMAC)
	m.h.Reset()
	m.value = append(m.value[:0], value...)
	m.h.Write(m.value)
	d := [sha256.Size]byte(m.h.Sum(m.sum[:0]))
	if cap(m.value) <= maxValueLength {
		k.macs.Put(m)
	}
	return d
}

func (k *keyring) seal(value string) []byte {
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	return k.aead.Seal(nonce, nonce, []byte(value), nil)
}

func (k *keyring) open(sealed []byte) (string, error) {
	n := k.aead.NonceSize()
	if len(sealed) < n {
		return "", errors.New("usage: sealed API key value is truncated")
	}
	v, err := k.aead.Open(nil, sealed[:n], sealed[n:], nil)
	if err != nil {
		return "", fmt.Errorf("usage: API key value does not open with this server's secret: %w", err)
	}
	return string(v), nil
}
