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
	switch {
	case fromEnv.AccessKeyID != "" && fromEnv.SecretAccessKey != "":
		return fromEnv, false, nil
	case fromEnv.AccessKeyID != "" || fromEnv.SecretAccessKey != "":
		return Credentials{}, false, errors.New("MOAT_ADMIN_ACCESS_KEY_ID and MOAT_ADMIN_SECRET_ACCESS_KEY must be set together")
	}
	fresh, err := json.Marshal(generate())
	if err != nil {
		return Credentials{}, false, err
	}
	stored, err := st.PutSettingIfAbsent(ctx, settingName, string(fresh))
	if err != nil {
		return Credentials{}, false, fmt.Errorf("store admin credentials: %w", err)
	}
	if err := json.Unmarshal([]byte(stored), &creds); err != nil || creds.AccessKeyID == "" || creds.SecretAccessKey == "" {
		return Credentials{}, false, fmt.Errorf("stored admin credentials (setting %q) are unreadable", settingName)
	}
	return creds, stored == string(fresh), nil
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
