package tempcreds

import (
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"time"
)

// A session token is base64url(header ‖ nonce ‖ AES-256-GCM(sealed)), where
// header = version ‖ key id ‖ access key id. The header is the GCM
// additional data, so a token cannot be paired with another access key id
// or moved to another key without failing authentication.

const (
	tokenVersion   = 1
	accessKeyIDLen = 20 // ASIA + 16
	headerLen      = 1 + 4 + accessKeyIDLen
	nonceLen       = 12
	// maxTokenLen bounds what Open decodes; real tokens are a few hundred bytes.
	maxTokenLen = 8 << 10
)

var tokenEncoding = base64.RawURLEncoding

// sealed is the session as stored inside the token.
type sealed struct {
	Secret        string            `json:"k"`
	IdentityID    string            `json:"i,omitempty"`
	PoolID        string            `json:"p,omitempty"`
	RoleARN       string            `json:"r,omitempty"`
	Authenticated bool              `json:"a,omitempty"`
	AMR           []string          `json:"m,omitempty"`
	PrincipalTags map[string]string `json:"t,omitempty"`
	Issuer        string            `json:"u,omitempty"`
	IssuedAt      int64             `json:"n"` // Unix nanoseconds
	Expiration    int64             `json:"x"` // Unix nanoseconds
}

func seal(aead cipher.AEAD, id keyID, s *Session) (string, error) {
	plain, err := json.Marshal(sealed{
		Secret: s.SecretAccessKey, IdentityID: s.IdentityID, PoolID: s.IdentityPoolID,
		RoleARN: s.RoleARN, Authenticated: s.Authenticated, AMR: s.AMR,
		PrincipalTags: s.PrincipalTags, Issuer: s.Issuer,
		IssuedAt: s.IssuedAt.UnixNano(), Expiration: s.Expiration.UnixNano(),
	})
	if err != nil {
		return "", err
	}
	out := make([]byte, headerLen+nonceLen, headerLen+nonceLen+len(plain)+aead.Overhead())
	out[0] = tokenVersion
	binary.BigEndian.PutUint32(out[1:5], uint32(id))
	copy(out[5:headerLen], s.AccessKeyID)
	_, _ = rand.Read(out[headerLen:]) // crypto/rand.Read never fails on supported platforms
	out = aead.Seal(out, out[headerLen:], plain, out[:headerLen])
	return tokenEncoding.EncodeToString(out), nil
}

// envelope is a decoded token before its key is found.
type envelope struct {
	raw []byte
	key keyID
}

func decodeToken(token string) (envelope, bool) {
	if len(token) > maxTokenLen {
		return envelope{}, false
	}
	raw, err := tokenEncoding.DecodeString(token)
	if err != nil || len(raw) < headerLen+nonceLen || raw[0] != tokenVersion {
		return envelope{}, false
	}
	return envelope{raw: raw, key: keyID(binary.BigEndian.Uint32(raw[1:5]))}, true
}

// open authenticates and decrypts the envelope; ok=false for anything not
// sealed by aead exactly as it is.
func (e envelope) open(aead cipher.AEAD) (*Session, bool) {
	header, nonce, ciphertext := e.raw[:headerLen], e.raw[headerLen:headerLen+nonceLen], e.raw[headerLen+nonceLen:]
	plain, err := aead.Open(nil, nonce, ciphertext, header)
	if err != nil {
		return nil, false
	}
	var s sealed
	if json.Unmarshal(plain, &s) != nil || s.Secret == "" {
		return nil, false
	}
	return &Session{
		AccessKeyID: string(header[5:]), SecretAccessKey: s.Secret,
		IdentityID: s.IdentityID, IdentityPoolID: s.PoolID, RoleARN: s.RoleARN,
		Authenticated: s.Authenticated, AMR: s.AMR, PrincipalTags: s.PrincipalTags, Issuer: s.Issuer,
		IssuedAt: time.Unix(0, s.IssuedAt).UTC(), Expiration: time.Unix(0, s.Expiration).UTC(),
	}, true
}
