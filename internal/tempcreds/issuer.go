package tempcreds

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"
	"unsafe"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/ttlcache"
)

// Issuer issues and opens temporary credentials. It is safe for
// concurrent use; every Issuer on the same store opens every other's tokens.
type Issuer struct {
	keys   *keyring
	now    func() time.Time
	opened *ttlcache.Cache[[32]byte, *Session]
}

// NewIssuer returns an issuer keeping its keys in st; now nil means
// time.Now. It makes sure today's key exists, so a store problem shows at
// start rather than on the first sign-in.
func NewIssuer(ctx context.Context, st store.Settings, now func() time.Time) (*Issuer, error) {
	if now == nil {
		now = time.Now
	}
	i := &Issuer{keys: newKeyring(st), now: now, opened: ttlcache.New[[32]byte, *Session](openedRemembered, 0)}
	if _, _, err := i.keys.sealing(ctx, now()); err != nil {
		return nil, err
	}
	return i, nil
}

// Issue returns fresh credentials for s, valid for ttl (0: DefaultTTL;
// otherwise MinTTL..MaxTTL). s's keys and times are set by Issue.
func (i *Issuer) Issue(ctx context.Context, s Session, ttl time.Duration) (Credentials, error) {
	if ttl == 0 {
		ttl = DefaultTTL
	}
	if ttl < MinTTL || ttl > MaxTTL {
		return Credentials{}, fmt.Errorf("tempcreds: lifetime %v is outside %v..%v", ttl, MinTTL, MaxTTL)
	}
	now := i.now()
	id, aead, err := i.keys.sealing(ctx, now)
	if err != nil {
		return Credentials{}, err
	}
	s.AccessKeyID, s.SecretAccessKey = newAccessKeyID(), newSecret()
	s.IssuedAt, s.Expiration = now.UTC(), now.Add(ttl).UTC().Truncate(time.Second)
	token, err := seal(aead, id, &s)
	if err != nil {
		return Credentials{}, err
	}
	return Credentials{AccessKeyId: s.AccessKeyID, SecretKey: s.SecretAccessKey, SessionToken: token, Expiration: s.Expiration}, nil
}

// Open returns the session a token seals: ErrInvalid for anything this
// deployment did not seal (or whose key is retired), ErrExpired once its
// Expiration has passed. Other errors are store failures. The session is
// shared with other callers: treat it as read-only.
func (i *Issuer) Open(ctx context.Context, sessionToken string) (*Session, error) {
	now := i.now()
	// Hashed in place: a token is a kilobyte, copying it costs more than
	// hashing it, and SHA-256 only reads its input.
	hash := sha256.Sum256(unsafe.Slice(unsafe.StringData(sessionToken), len(sessionToken)))
	s, ok := i.opened.Get(hash, now)
	if !ok {
		env, ok := decodeToken(sessionToken)
		if !ok {
			return nil, ErrInvalid
		}
		aead, err := i.keys.opening(ctx, env.key, now)
		if err != nil {
			return nil, err
		}
		if aead == nil {
			return nil, ErrInvalid
		}
		if s, ok = env.open(aead); !ok {
			return nil, ErrInvalid
		}
		i.opened.Put(hash, s, s.Expiration, now)
	}
	if !now.Before(s.Expiration) {
		return nil, ErrExpired
	}
	return s, nil
}

// newAccessKeyID is shaped like STS's: ASIA and 16 upper-case base32 characters.
func newAccessKeyID() string { return "ASIA" + rand.Text()[:16] }

// newSecret is 40 base64 characters (240 random bits), like AWS's.
func newSecret() string {
	b := make([]byte, 30)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.StdEncoding.EncodeToString(b)
}
