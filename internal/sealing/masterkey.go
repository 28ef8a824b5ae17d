// Package sealing is moat's envelope encryption of secrets at rest. A master
// key (the key-encryption key, kept outside the database) wraps data keys;
// data keys seal values with AES-256-GCM, each bound by authenticated data to
// the place it is stored in, so a ciphertext moved to another row or column
// no longer opens.
package sealing

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// keySize is AES-256's key length, for master and data keys alike.
const keySize = 32

// MasterKey is a key-encryption key. Its ID names it without revealing it,
// so a database can say which master key it was sealed under.
type MasterKey struct {
	key [keySize]byte
	id  string
}

// ErrMasterKeyFormat explains what a master key must look like.
var ErrMasterKeyFormat = errors.New("a master key is 32 random bytes in base64 (make one with: head -c 32 /dev/urandom | base64)")

// ParseMasterKey reads a master key's text form: 32 bytes in standard
// base64, surrounding white space ignored (a file may end in a newline).
func ParseMasterKey(text string) (MasterKey, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(text))
	if err != nil || len(raw) != keySize {
		return MasterKey{}, ErrMasterKeyFormat
	}
	return newMasterKey([keySize]byte(raw)), nil
}

// GenerateMasterKey makes a fresh master key and returns it with its text form.
func GenerateMasterKey() (MasterKey, string) {
	var raw [keySize]byte
	if _, err := rand.Read(raw[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return newMasterKey(raw), base64.StdEncoding.EncodeToString(raw[:]) + "\n"
}

func newMasterKey(raw [keySize]byte) MasterKey {
	m := hmac.New(sha256.New, raw[:])
	m.Write([]byte("moat master key id"))
	return MasterKey{key: raw, id: hex.EncodeToString(m.Sum(nil)[:8])}
}

// ID is a short fingerprint of the key (not derivable into the key).
func (k MasterKey) ID() string { return k.id }

// IsZero reports whether k is the zero value (no key).
func (k MasterKey) IsZero() bool { return k.id == "" }

// WrapDataKey makes a fresh data key named id and returns it with its form
// wrapped under k, to be stored beside the data.
func (k MasterKey) WrapDataKey(id string) (DataKey, string, error) {
	var raw [keySize]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return DataKey{}, "", err
	}
	dk, err := newDataKey(id, raw[:])
	if err != nil {
		return DataKey{}, "", err
	}
	wrapped, err := k.Rewrap(dk)
	return dk, wrapped, err
}

// Rewrap wraps an open data key under k (rotation: the data it sealed need
// not change).
func (k MasterKey) Rewrap(dk DataKey) (string, error) {
	aead, err := newAEAD(k.key[:])
	if err != nil {
		return "", err
	}
	return seal(aead, k.id, dk.raw, wrapAAD(dk.id)), nil
}

// UnwrapDataKey opens a data key named id wrapped under a master key. A
// wrapped key made under another master key is ErrWrongMasterKey, naming both.
func (k MasterKey) UnwrapDataKey(id, wrapped string) (DataKey, error) {
	env, err := parseEnvelope(wrapped)
	if err != nil {
		return DataKey{}, fmt.Errorf("data key %s: %w", id, err)
	}
	if env.keyID != k.id {
		return DataKey{}, &WrongMasterKeyError{Given: k.id, SealedUnder: env.keyID}
	}
	aead, err := newAEAD(k.key[:])
	if err != nil {
		return DataKey{}, err
	}
	raw, err := open(aead, env, wrapAAD(id))
	if err != nil {
		// Same ID, different key: only a forged or damaged record gets here.
		return DataKey{}, &WrongMasterKeyError{Given: k.id, SealedUnder: env.keyID}
	}
	return newDataKey(id, raw)
}

func wrapAAD(dataKeyID string) []byte { return []byte("moat data key\x00" + dataKeyID) }

// WrongMasterKeyError is a master key that does not open the data keys it
// was given: the database was sealed under another one.
type WrongMasterKeyError struct{ Given, SealedUnder string }

func (e *WrongMasterKeyError) Error() string {
	return fmt.Sprintf("the master key given (id %s) does not open this database, which is sealed under master key id %s: "+
		"start with the key it was sealed with (--master-key-file or MOAT_MASTER_KEY); every replica sharing a database needs the same key", e.Given, e.SealedUnder)
}
