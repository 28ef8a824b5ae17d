// Package codeseal seals the codes and temporary passwords moat hands to a
// user pool's custom sender functions (CustomEmailSender, CustomSMSSender).
// Cognito encrypts them with the pool's KMS key; moat has no KMS, so each
// function has a key of its own, derived from a deployment secret, which
// its workers receive in MOAT_CUSTOM_SENDER_KEY, and a code is sealed with
// AES-256-GCM under the key of the function it goes to.
package codeseal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
)

// EnvVar is the variable holding a function's key (base64, 32 bytes).
const EnvVar = "MOAT_CUSTOM_SENDER_KEY"

// Keys derives each function's key from the deployment's secret, so every
// replica seals and every worker opens with the same key.
type Keys struct {
	secret []byte
}

// New returns Keys on secret (at least 32 random bytes).
func New(secret []byte) (*Keys, error) {
	if len(secret) < 32 {
		return nil, errors.New("codeseal: the secret must be at least 32 bytes")
	}
	return &Keys{secret: secret}, nil
}

// key is function's key: HMAC-SHA256 of its name under the secret. A
// trigger names its function by ARN ("…:function:<name>[:<qualifier>]"), a
// worker by name: both come to the name.
func (k *Keys) key(function string) []byte {
	if _, name, ok := strings.Cut(function, ":function:"); ok {
		function, _, _ = strings.Cut(name, ":")
	}
	m := hmac.New(sha256.New, k.secret)
	m.Write([]byte("custom-sender\x00" + function))
	return m.Sum(nil)
}

// Environment is what a worker of function is given: its key.
func (k *Keys) Environment(function string) map[string]string {
	return map[string]string{EnvVar: base64.StdEncoding.EncodeToString(k.key(function))}
}

// Seal encrypts code for function (its name or ARN): base64 of a random 12-byte nonce, then
// the AES-256-GCM ciphertext with its 16-byte tag, no additional data.
func (k *Keys) Seal(function, code string) (string, error) {
	block, err := aes.NewCipher(k.key(function))
	if err != nil {
		return "", err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(gcm.Seal(nonce, nonce, []byte(code), nil)), nil
}
