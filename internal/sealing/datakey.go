package sealing

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// DataKey seals and opens values. Its ID travels in every envelope it makes.
type DataKey struct {
	id   string
	raw  []byte
	aead cipher.AEAD
}

func newDataKey(id string, raw []byte) (DataKey, error) {
	if len(raw) != keySize {
		return DataKey{}, fmt.Errorf("data key %s: %d bytes, want %d", id, len(raw), keySize)
	}
	aead, err := newAEAD(raw)
	return DataKey{id: id, raw: raw, aead: aead}, err
}

// NewDataKey is a data key of 32 raw bytes that moat keeps itself (a
// setting sealed in the store), for values it seals and opens on the wire.
func NewDataKey(id string, raw []byte) (DataKey, error) { return newDataKey(id, raw) }

// ID names the data key.
func (d DataKey) ID() string { return d.id }

// Seal encrypts plaintext bound to aad (where the value is stored) into an envelope.
func (d DataKey) Seal(plaintext, aad []byte) string { return seal(d.aead, d.id, plaintext, aad) }

// SealBox encrypts plaintext bound to aad into bare bytes (nonce ‖
// ciphertext ‖ tag), for formats that frame the value themselves, such as
// a token's segment; OpenBox opens them.
func (d DataKey) SealBox(plaintext, aad []byte) []byte { return sealBox(d.aead, d.id, plaintext, aad) }

// OpenBox decrypts what SealBox made with the same aad.
func (d DataKey) OpenBox(box, aad []byte) ([]byte, error) {
	if len(box) < gcmNonceSize+gcmTagSize {
		return nil, errOpen
	}
	return open(d.aead, Envelope{keyID: d.id, box: box}, aad)
}

// Open decrypts an envelope this key sealed with the same aad.
func (d DataKey) Open(env Envelope, aad []byte) ([]byte, error) {
	if env.keyID != d.id {
		return nil, fmt.Errorf("sealing: value sealed with data key %s, not %s", env.keyID, d.id)
	}
	return open(d.aead, env, aad)
}

// Envelope is a parsed sealed value: "moat:sealed:v1:<key id>:<base64url nonce‖ciphertext>".
type Envelope struct {
	keyID string
	box   []byte // nonce ‖ ciphertext ‖ tag
}

// KeyID is the key that sealed the envelope.
func (e Envelope) KeyID() string { return e.keyID }

const envelopePrefix = "moat:sealed:"

// IsSealed tells an envelope from a plaintext value.
func IsSealed(value string) bool { return strings.HasPrefix(value, envelopePrefix) }

// ParseEnvelope reads a sealed value; anything else is an error.
func ParseEnvelope(value string) (Envelope, error) { return parseEnvelope(value) }

var errEnvelope = errors.New("sealing: not a moat:sealed:v1 envelope")

func parseEnvelope(value string) (Envelope, error) {
	rest, ok := strings.CutPrefix(value, envelopePrefix+"v1:")
	if !ok {
		return Envelope{}, errEnvelope
	}
	keyID, b64, ok := strings.Cut(rest, ":")
	if !ok || keyID == "" {
		return Envelope{}, errEnvelope
	}
	box, err := base64.RawURLEncoding.DecodeString(b64)
	if err != nil || len(box) < gcmNonceSize+gcmTagSize {
		return Envelope{}, errEnvelope
	}
	return Envelope{keyID: keyID, box: box}, nil
}

const (
	gcmNonceSize = 12
	gcmTagSize   = 16
)

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// seal uses a random nonce per value: a data key seals far fewer than the
// 2^32 values that would make a nonce collision likely.
func seal(aead cipher.AEAD, keyID string, plaintext, aad []byte) string {
	return envelopePrefix + "v1:" + keyID + ":" + base64.RawURLEncoding.EncodeToString(sealBox(aead, keyID, plaintext, aad))
}

func sealBox(aead cipher.AEAD, keyID string, plaintext, aad []byte) []byte {
	box := make([]byte, gcmNonceSize, gcmNonceSize+len(plaintext)+gcmTagSize)
	if _, err := rand.Read(box); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return aead.Seal(box, box[:gcmNonceSize], plaintext, envelopeAAD(keyID, aad))
}

var errOpen = errors.New("sealing: value does not open (damaged, or moved from another row)")

func open(aead cipher.AEAD, env Envelope, aad []byte) ([]byte, error) {
	plain, err := aead.Open(nil, env.box[:gcmNonceSize], env.box[gcmNonceSize:], envelopeAAD(env.keyID, aad))
	if err != nil {
		return nil, errOpen
	}
	return plain, nil
}

// envelopeAAD binds the version and key ID as well as the caller's place.
func envelopeAAD(keyID string, aad []byte) []byte {
	return append([]byte("v1\x00"+keyID+"\x00"), aad...)
}
