// Package userpool is the Cognito user-pool domain: pools, app clients,
// groups, users and their attributes, password sign-in and sessions. Its
// methods take and return Cognito-shaped requests and answers, and fail with
// Cognito's errors (awserr), so the wire adapter only frames them.
package userpool

import (
	"context"
	"time"

	"github.com/moat-dev/moat/internal/mail"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/tokens"
	"github.com/moat-dev/moat/internal/usage"
)

// Service runs every user-pool operation against one store.
type Service struct {
	store   store.Store
	tokens  *tokens.Service
	region  string
	account string
	now     func() time.Time
	session *sessionSealer
	codeKey []byte // MACs verification codes at rest
	mail    mail.Sender
	limiter usage.Limiter
	limits  Limits
}

// Config names what a Service needs.
type Config struct {
	Store   store.Store
	Tokens  *tokens.Service
	Region  string
	Account string // 12 digits, used in ARNs; "000000000000" when empty
	Mail    mail.Sender
	// Limiter enforces Limits (DefaultLimits when nil); nil Limiter disables rate limits.
	Limiter usage.Limiter
	Limits  *Limits
}

// New returns a Service. It loads (or creates, once per deployment) the key
// that seals challenge sessions, so any replica can continue a sign-in.
func New(ctx context.Context, cfg Config) (*Service, error) {
	sealer, err := loadSessionSealer(ctx, cfg.Store)
	if err != nil {
		return nil, err
	}
	codeKey, err := loadServerKey(ctx, cfg.Store, "userpool.code-key")
	if err != nil {
		return nil, err
	}
	account := cfg.Account
	if account == "" {
		account = "000000000000"
	}
	svc := &Service{store: cfg.Store, tokens: cfg.Tokens, region: cfg.Region, account: account, now: time.Now, session: sealer, codeKey: codeKey, mail: cfg.Mail, limiter: cfg.Limiter, limits: DefaultLimits}
	if cfg.Limits != nil {
		svc.limits = *cfg.Limits
	}
	return svc, nil
}

// Region is the region pool ids are minted in.
func (s *Service) Region() string { return s.region }

func (s *Service) clock() int64 { return s.now().Unix() }
