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

// challengeSession is what a Session string carries between calls.
type challengeSession struct {
	PoolID    string `json:"p"`
	ClientID  string `json:"c"`
	UserKey   string `json:"u"`
	Challenge string `json:"ch"`
	ExpiresAt int64  `json:"e"`
	// Wallet sign-in: the nonce and the exact message issued.
	Nonce   string `json:"n,omitempty"`
	Message string `json:"m,omitempty"`
	// SRP sign-in (PASSWORD_VERIFIER): the client's A, the server's B and
	// its secret b, in hex.
	SRPA       string `json:"sa,omitempty"`
	SRPB       string `json:"sb,omitempty"`
	SRPSecretB string `json:"sx,omitempty"`
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

// open returns the session, or false when it was not sealed by us.
func (s *sessionSealer) open(token string) (challengeSession, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return challengeSession{}, false
	}
	return s.openRaw(raw)
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
