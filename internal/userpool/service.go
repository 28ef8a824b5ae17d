// Package userpool is the Cognito user-pool domain: pools, app clients,
// groups, users and their attributes, password sign-in and sessions. Its
// methods take and return Cognito-shaped requests and answers, and fail with
// Cognito's errors (awserr), so the wire adapter only frames them.
package userpool

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/moat-dev/moat/internal/events"
	"github.com/moat-dev/moat/internal/mail"
	"github.com/moat-dev/moat/internal/password"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/throttle"
	"github.com/moat-dev/moat/internal/tokens"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// Service runs every user-pool operation against one store.
type Service struct {
	store      poolStore   // reads, and writes that change no user
	users      *userWrites // every change to a user, with its event
	tokens     *tokens.Service
	region     string
	account    string
	now        func() time.Time
	session    *sessionSealer
	codeKey    []byte // MACs verification codes at rest
	mail       mail.Sender
	delivery   *typicalTimes // issuing and mailing a code
	userWrites *typicalTimes // the user updates decoys stand for
	limiter    *throttle.Limiter
	hasher     *password.Pool
	hooks      signin.Hooks
	log        *slog.Logger
}

// Config names what a Service needs.
type Config struct {
	Store   store.Store
	Tokens  *tokens.Service
	Region  string
	Account string // 12 digits, used in ARNs; "000000000000" when empty
	Mail    mail.Sender
	// Limiter caps sign-in, sign-up and code requests; nil limits nothing.
	Limiter *throttle.Limiter
	// Hasher runs password hashing; nil means password.DefaultPool().
	Hasher *password.Pool
	// Hooks are the triggers sign-up and sign-in call; none by default.
	Hooks signin.Hooks
	// Logger records what clients are not told (a failed delivery's cause).
	Logger *slog.Logger
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
	svc := &Service{store: cfg.Store, tokens: cfg.Tokens, region: cfg.Region, account: cfg.Account, now: time.Now,
		session: sealer, codeKey: codeKey, mail: cfg.Mail, delivery: &typicalTimes{}, userWrites: &typicalTimes{}, limiter: cfg.Limiter,
		hasher: cfg.Hasher, hooks: cfg.Hooks, log: cfg.Logger}
	if svc.account == "" {
		svc.account = "000000000000"
	}
	svc.users = &userWrites{store: cfg.Store, origin: events.Origin{Source: EventSource, Account: svc.account, Region: svc.region},
		now: func() time.Time { return svc.now() }, notes: &typicalTimes{}}
	if svc.limiter == nil {
		svc.limiter = throttle.New(nil, nil)
	}
	if svc.hasher == nil {
		svc.hasher = password.DefaultPool()
	}
	if svc.log == nil {
		svc.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return svc, nil
}

// Region is the region pool ids are minted in.
func (s *Service) Region() string { return s.region }

func (s *Service) clock() int64 { return s.now().Unix() }
