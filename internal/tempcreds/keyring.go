package tempcreds

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/ttlcache"
)

// Keys rotate daily. Day d's key is the store setting "tempcreds.key.<d>"
// (d counts UTC days since the Unix epoch), created by whichever replica
// first needs it with PutSettingIfAbsent, so replicas agree without a
// read-modify-write and a key, once written, never changes: each replica
// loads it once and keeps it. A key seals credentials during its day only,
// and credentials live at most MaxTTL, so a token whose key is older than
// yesterday can no longer be valid and is refused without a store read.

const (
	settingPrefix = "tempcreds.key."
	day           = 24 * time.Hour
	// missRecheck is how long an absent key is remembered as absent, so a
	// flood of forged key ids costs no store reads.
	missRecheck = 30 * time.Second
	// missingRemembered bounds the absent ids kept: only three days' ids
	// are ever acceptable.
	missingRemembered = 8
)

type keyID uint32

func keyIDAt(t time.Time) keyID { return keyID(t.Unix() / int64(day/time.Second)) }

// acceptable reports whether a token sealed under id may still be valid at
// now: sealed today or yesterday (at most MaxTTL < a day ago), or
// tomorrow by a replica whose clock runs a little ahead.
func (id keyID) acceptable(now time.Time) bool {
	today := keyIDAt(now)
	return id+1 >= today && id <= today+1
}

type keyring struct {
	st  store.Settings
	mu  sync.RWMutex
	aes map[keyID]cipher.AEAD
	// missing remembers ids found absent, for missRecheck.
	missing *ttlcache.Cache[keyID, struct{}]
}

func newKeyring(st store.Settings) *keyring {
	return &keyring{st: st, aes: map[keyID]cipher.AEAD{}, missing: ttlcache.New[keyID, struct{}](missingRemembered, missRecheck)}
}

// sealing returns the key for now's day, creating it if no replica has.
func (k *keyring) sealing(ctx context.Context, now time.Time) (keyID, cipher.AEAD, error) {
	id := keyIDAt(now)
	if a := k.cached(id); a != nil {
		return id, a, nil
	}
	fresh := make([]byte, 32)
	_, _ = rand.Read(fresh) // crypto/rand.Read never fails on supported platforms
	stored, err := k.st.PutSettingIfAbsent(ctx, settingName(id), base64.StdEncoding.EncodeToString(fresh))
	if err != nil {
		return 0, nil, fmt.Errorf("tempcreds: store key: %w", err)
	}
	a, err := k.remember(id, stored)
	return id, a, err
}

// opening returns the key a token names, or nil if there is none.
func (k *keyring) opening(ctx context.Context, id keyID, now time.Time) (cipher.AEAD, error) {
	if !id.acceptable(now) {
		return nil, nil
	}
	if a := k.cached(id); a != nil {
		return a, nil
	}
	if _, absent := k.missing.Get(id, now); absent {
		return nil, nil
	}
	stored, err := k.st.GetSetting(ctx, settingName(id))
	if errors.Is(err, store.ErrNotFound) {
		k.missing.Put(id, struct{}{}, now.Add(missRecheck), now)
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("tempcreds: load key: %w", err)
	}
	return k.remember(id, stored)
}

func (k *keyring) cached(id keyID) cipher.AEAD {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.aes[id]
}

// remember keeps a loaded key, dropping keys too old to open anything.
func (k *keyring) remember(id keyID, stored string) (cipher.AEAD, error) {
	raw, err := base64.StdEncoding.DecodeString(stored)
	if err != nil || len(raw) != 32 {
		return nil, fmt.Errorf("tempcreds: setting %q is not a 256-bit key", settingName(id))
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, err
	}
	a, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	for old := range k.aes {
		if old+2 < id {
			delete(k.aes, old)
		}
	}
	k.missing.Remove(id)
	k.aes[id] = a
	return a, nil
}

func settingName(id keyID) string { return settingPrefix + strconv.FormatUint(uint64(id), 10) }
