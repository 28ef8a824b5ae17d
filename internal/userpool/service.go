// Package userpool is the Cognito user-pool domain: pools, app clients,
// groups, users and their attributes, password sign-in and sessions. Its
// methods take and return Cognito-shaped requests and answers, and fail with
// Cognito's errors (awserr), so the wire adapter only frames them.
package userpool

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/moat-dev/moat/internal/events"
	"github.com/moat-dev/moat/internal/mail"
	"github.com/moat-dev/moat/internal/password"
	"github.com/moat-dev/moat/internal/sms"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/throttle"
	"github.com/moat-dev/moat/internal/tokens"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// Service runs every user-pool operation against one store.
type Service struct {
	store   poolStore   // reads, and writes that change no user
	users   *userWrites // every change to a user, with its event
	tokens  *tokens.Service
	region  string
	account string
	now     func() time.Time
	session *sessionSealer
	codeKey []byte // MACs verification codes at rest
	// importURLKey MACs user import jobs' upload URLs.
	importURLKey []byte
	mail         mail.Sender
	sms          sms.Sender
	delivery     *typicalTimes // issuing and mailing a code
	userWrites   *typicalTimes // the user updates decoys stand for
	lookups      *typicalTimes // resolving a user who exists (publicUser)
	limiter      *throttle.Limiter
	hasher       *password.Pool
	hooks        signin.Hooks
	log          *slog.Logger
	// authDomainSuffix is what prefix domains live under; publicURL is
	// where moat is reached, publicHost its host (a custom domain's CNAME
	// target).
	authDomainSuffix string
	publicURL        string
	publicHost       string
}

// Config names what a Service needs.
type Config struct {
	Store   store.Store
	Tokens  *tokens.Service
	Region  string
	Account string // 12 digits, used in ARNs; "000000000000" when empty
	Mail    mail.Sender
	// SMS delivers SMS_MFA and SMS_OTP codes; nil writes them to the log.
	SMS sms.Sender
	// Limiter caps sign-in, sign-up and code requests; nil limits nothing.
	Limiter *throttle.Limiter
	// Hasher runs password hashing; nil means password.DefaultPool().
	Hasher *password.Pool
	// Hooks are the triggers sign-up and sign-in call; none by default.
	Hooks signin.Hooks
	// Logger records what clients are not told (a failed delivery's cause).
	Logger *slog.Logger
	// AuthDomainSuffix is the domain pools' prefix domains are made under
	// (<prefix>.<suffix>), like Cognito's auth.<region>.amazoncognito.com.
	AuthDomainSuffix string
	// PublicURL is where the identity listener is reached (custom domains'
	// CNAME target, hosted logos' URLs).
	PublicURL string
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
	importURLKey, err := loadServerKey(ctx, cfg.Store, "userpool.import-url-key")
	if err != nil {
		return nil, err
	}
	svc := &Service{store: cfg.Store, tokens: cfg.Tokens, region: cfg.Region, account: cfg.Account, now: time.Now,
		session: sealer, codeKey: codeKey, importURLKey: importURLKey, mail: cfg.Mail, sms: cfg.SMS, delivery: &typicalTimes{}, userWrites: &typicalTimes{}, lookups: &typicalTimes{}, limiter: cfg.Limiter,
		hasher: cfg.Hasher, hooks: cfg.Hooks, log: cfg.Logger, authDomainSuffix: strings.ToLower(cfg.AuthDomainSuffix), publicURL: strings.TrimRight(cfg.PublicURL, "/")}
	if u, err := url.Parse(cfg.PublicURL); err == nil {
		svc.publicHost = u.Host
	}
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
	if svc.sms == nil {
		svc.sms = sms.LogSender{Logger: svc.log}
	}
	return svc, nil
}

// Region is the region pool ids are minted in.
func (s *Service) Region() string { return s.region }

func (s *Service) clock() int64 { return s.now().Unix() }
