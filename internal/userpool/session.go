package userpool

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// A challenge session (Cognito's Session string) is sealed with AES-GCM under
// a deployment-wide key, so a sign-in can continue on any replica without a
// session table, and a client can neither read nor forge it.
type sessionSealer struct{ aead cipher.AEAD }

func loadSessionSealer(ctx context.Context, st store.Store) (*sessionSealer, error) {
	key, err := loadServerKey(ctx, st, "userpool.session-key")
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sessionSealer{aead: aead}, nil
}

// loadServerKey returns a 32-byte deployment-wide key kept in the store,
// creating it on first use; concurrent first starts agree on one.
func loadServerKey(ctx context.Context, st store.Store, name string) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	stored, err := st.PutSettingIfAbsent(ctx, name, hex.EncodeToString(fresh))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	key, err := hex.DecodeString(stored)
	if err != nil || len(key) != 32 {
		return nil, errors.New(name + ": stored value is not 32 hex-encoded bytes")
	}
	return key, nil
}

// challengeSession is what a Session string carries between calls: who is
// signing in where, which challenge is open until when, and that
// challenge's own state (its handler's payload).
type challengeSession struct {
	PoolID    string               `json:"p"`
	ClientID  string               `json:"c"`
	UserKey   string               `json:"u"`
	Challenge signin.ChallengeName `json:"ch"`
	ExpiresAt int64                `json:"e"`
	Payload   json.RawMessage      `json:"d,omitempty"`
}

// withPayload returns cs carrying v as its challenge's state.
func (cs challengeSession) withPayload(v any) challengeSession {
	cs.Payload, _ = json.Marshal(v) // payloads are plain structs
	return cs
}

// payload reads the challenge's state into v.
func (cs challengeSession) payload(v any) bool {
	return len(cs.Payload) > 0 && json.Unmarshal(cs.Payload, v) == nil
}

func (s *sessionSealer) seal(cs challengeSession) string {
	return base64.RawURLEncoding.EncodeToString(s.sealRaw(cs))
}

// sealRaw is the sealed session as bytes: a random nonce, then ciphertext.
func (s *sessionSealer) sealRaw(cs challengeSession) []byte {
	plain, _ := json.Marshal(cs)
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	return s.aead.Seal(nonce, nonce, plain, nil)
}

// openText opens a Session string, or reports false when it was not
// sealed by us; it also returns the sealed bytes.
func (s *sessionSealer) openText(token string) (challengeSession, []byte, bool) {
	return s.openEncoded(base64.RawURLEncoding, token)
}

// openEncoded opens a sealed session written in enc.
func (s *sessionSealer) openEncoded(enc *base64.Encoding, text string) (challengeSession, []byte, bool) {
	raw, err := enc.DecodeString(text)
	if err != nil {
		return challengeSession{}, nil, false
	}
	cs, ok := s.openRaw(raw)
	return cs, raw, ok
}

func (s *sessionSealer) openRaw(raw []byte) (challengeSession, bool) {
	if len(raw) < s.aead.NonceSize()+s.aead.Overhead() {
		return challengeSession{}, false
	}
	plain, err := s.aead.Open(nil, raw[:s.aead.NonceSize()], raw[s.aead.NonceSize():], nil)
	if err != nil {
		return challengeSession{}, false
	}
	var cs challengeSession
	if json.Unmarshal(plain, &cs) != nil {
		return challengeSession{}, false
	}
	return cs, true
}
