// Package tempcreds issues and opens temporary AWS-style credentials
// (AccessKeyId, SecretKey, SessionToken, Expiration) the way Cognito
// identity pools hand them out.
//
// Credentials are stateless: the session token is the session itself,
// sealed with AES-256-GCM under a daily server key kept in the store, and
// the secret key travels inside the seal. Any replica opens a token with no
// per-request database read; revocation is the identity pool's business
// (by identity and issue time), not the token's.
package tempcreds

import (
	"errors"
	"time"
)

// Session is what a set of temporary credentials stands for.
type Session struct {
	AccessKeyID, SecretAccessKey string // set by Issue
	IdentityID, IdentityPoolID   string
	RoleARN                      string
	Authenticated                bool
	// AMR is ["authenticated", "<provider>"…] or ["unauthenticated"].
	AMR           []string
	PrincipalTags map[string]string
	// Issuer is e.g. "cognito-identity.amazonaws.com" or a developer provider name.
	Issuer               string
	IssuedAt, Expiration time.Time // set by Issue
}

// Credentials are a session's keys under Cognito's field names.
type Credentials struct {
	AccessKeyId, SecretKey, SessionToken string
	Expiration                           time.Time
}

var (
	// ErrInvalid: the token was not sealed by this deployment, was altered,
	// or its key has been retired.
	ErrInvalid = errors.New("tempcreds: invalid session token")
	// ErrExpired: the token is genuine but its session is over.
	ErrExpired = errors.New("tempcreds: session token expired")
)

const (
	// DefaultTTL is what Cognito gives: one hour.
	DefaultTTL = time.Hour
	// MinTTL and MaxTTL are STS's bounds for DurationSeconds.
	MinTTL = 15 * time.Minute
	MaxTTL = 12 * time.Hour
)
