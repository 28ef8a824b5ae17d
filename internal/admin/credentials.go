// Package admin holds the one administrator credential pair moat's AWS-shaped
// admin APIs are signed with, and checks those signatures.
package admin

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/moat-dev/moat/internal/store"
)

// Credentials are an AWS-style access key pair.
type Credentials struct {
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
}

// settingName is where generated credentials are kept in the store.
const settingName = "admin.credentials"

// LoadCredentials returns the admin credentials: fromEnv when it is set
// (never stored), otherwise the pair in the store, generating and storing one
// on first start. created is true only for the start that stored it, so the
// secret is shown once; concurrent first starts agree on one pair.
func LoadCredentials(ctx context.Context, st store.Settings, fromEnv Credentials) (creds Credentials, created bool, err error) {
	p, err := PrepareCredentials(ctx, st, fromEnv)
	if err != nil {
		return Credentials{}, false, err
	}
	return p.Commit(ctx)
}

// Prepared are the admin credentials a start will use, not yet stored when
// they were just generated: a start stores them (Commit) only once it is
// sure to run, so a failed start never uses up the one showing of a secret.
type Prepared struct {
	Credentials
	fresh string // the generated pair's JSON; "" when the pair is in force already
	st    store.Settings
}

// PrepareCredentials is fromEnv when set, else the stored pair, else a new
// pair that Commit will store.
func PrepareCredentials(ctx context.Context, st store.Settings, fromEnv Credentials) (Prepared, error) {
	switch {
	case fromEnv.AccessKeyID != "" && fromEnv.SecretAccessKey != "":
		return Prepared{Credentials: fromEnv}, nil
	case fromEnv.AccessKeyID != "" || fromEnv.SecretAccessKey != "":
		return Prepared{}, errors.New("MOAT_ADMIN_ACCESS_KEY_ID and MOAT_ADMIN_SECRET_ACCESS_KEY must be set together")
	}
	stored, err := st.GetSetting(ctx, settingName)
	switch {
	case err == nil:
		creds, err := decodeCredentials(stored)
		return Prepared{Credentials: creds}, err
	case !errors.Is(err, store.ErrNotFound):
		return Prepared{}, fmt.Errorf("read admin credentials: %w", err)
	}
	creds := generate()
	fresh, err := json.Marshal(creds)
	if err != nil {
		return Prepared{}, err
	}
	return Prepared{Credentials: creds, fresh: string(fresh), st: st}, nil
}

// Commit stores a generated pair and returns the pair in force: created is
// true when this start stored it (show it now, once); a concurrent first
// start that stored another pair first wins, and its pair is returned.
func (p Prepared) Commit(ctx context.Context) (Credentials, bool, error) {
	if p.fresh == "" {
		return p.Credentials, false, nil
	}
	stored, err := p.st.PutSettingIfAbsent(ctx, settingName, p.fresh)
	if err != nil {
		return Credentials{}, false, fmt.Errorf("store admin credentials: %w", err)
	}
	creds, err := decodeCredentials(stored)
	return creds, err == nil && stored == p.fresh, err
}

func decodeCredentials(stored string) (creds Credentials, err error) {
	if err := json.Unmarshal([]byte(stored), &creds); err != nil || creds.AccessKeyID == "" || creds.SecretAccessKey == "" {
		return Credentials{}, fmt.Errorf("stored admin credentials (setting %q) are unreadable", settingName)
	}
	return creds, nil
}

// generate makes a pair shaped like AWS's: AKIA and 16 upper-case base32
// characters, and a 40-character base64 secret (240 random bits).
func generate() Credentials {
	secret := make([]byte, 30)
	_, _ = rand.Read(secret) // crypto/rand.Read never fails on supported platforms
	return Credentials{
		AccessKeyID:     "AKIA" + rand.Text()[:16],
		SecretAccessKey: base64.StdEncoding.EncodeToString(secret),
	}
}
