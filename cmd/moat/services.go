package main

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/moat-dev/moat/internal/awsapi"
	"github.com/moat-dev/moat/internal/codeseal"
	"github.com/moat-dev/moat/internal/cognitoidentity"
	"github.com/moat-dev/moat/internal/cognitoidp"
	"github.com/moat-dev/moat/internal/identitypool"
	"github.com/moat-dev/moat/internal/mail"
	"github.com/moat-dev/moat/internal/sms"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/tempcreds"
	"github.com/moat-dev/moat/internal/throttle"
	"github.com/moat-dev/moat/internal/tokens"
	"github.com/moat-dev/moat/internal/triggers"
	"github.com/moat-dev/moat/internal/usage"
	"github.com/moat-dev/moat/internal/userpool"
	"github.com/prometheus/client_golang/prometheus"
)

// identityAPI is what the identity listener serves besides /healthz and /metrics.
type identityAPI struct {
	// Services are the AWS JSON APIs, routed by their X-Amz-Target prefix,
	// their signed operations checked against the admin credentials,
	// counted in /metrics and access-logged.
	Services []awsapi.Service
	// WellKnown serves the user pools' and the identity-pool token issuer's
	// JWKS and discovery documents.
	WellKnown http.Handler
	// IdentityPools answers whether an identity's credentials were revoked.
	IdentityPools *identitypool.Service
	Credentials   *tempcreds.Issuer
	// UserPools is the user-pool domain the OAuth endpoints and hosted
	// pages call for every sign-in decision.
	UserPools *userpool.Service
}

// identityDeps are what the identity services share with the rest of moat:
// the temporary-credential issuer, the functions user-pool triggers run on
// with the keys sealing their custom senders' codes, and the metrics
// registry.
type identityDeps struct {
	Sessions  *tempcreds.Issuer
	Functions triggers.Invoker
	Seals     *codeseal.Keys
	Registry  prometheus.Registerer
}

func identityServices(ctx context.Context, st store.Store, tok *tokens.Service, limiter usage.Limiter, cfg Config, deps identityDeps, logger *slog.Logger) (*identityAPI, error) {
	sender, err := mailSender(cfg, logger)
	if err != nil {
		return nil, err
	}
	texts, err := smsSender(cfg, logger)
	if err != nil {
		return nil, err
	}
	hooks, err := triggers.New(triggers.Config{Functions: deps.Functions, Seals: deps.Seals, Region: cfg.Region, Account: cfg.AccountID, Logger: logger, Registry: deps.Registry})
	if err != nil {
		return nil, err
	}
	pools, err := userpool.New(ctx, userpool.Config{
		Store: st, Tokens: tok, Region: cfg.Region, Account: cfg.AccountID,
		Mail: sender, SMS: texts, Limiter: throttle.New(signInBuckets{limiter}, cfg.UserPoolLimits), Logger: logger,
		AuthDomainSuffix: cfg.AuthDomainSuffix, PublicURL: cfg.IdentityPublicURL, Hooks: hooks.Hooks(),
	})
	if err != nil {
		return nil, err
	}
	creds := deps.Sessions
	identityPools, err := identitypool.New(ctx, identitypool.Config{
		Store: st, Tokens: tok, Credentials: creds, Region: cfg.Region, PublicURL: cfg.IdentityPublicURL,
	})
	if err != nil {
		return nil, err
	}
	return &identityAPI{
		Services:      []awsapi.Service{cognitoidp.Service(pools), cognitoidentity.Service(identityPools)},
		WellKnown:     identityPools.WellKnown(tok.Handler()),
		IdentityPools: identityPools,
		Credentials:   creds,
		UserPools:     pools,
	}, nil
}

// mailSender delivers user-pool mail through the configured SMTP server, or
// writes it to the log when there is none.
func mailSender(cfg Config, logger *slog.Logger) (mail.Sender, error) {
	if cfg.SMTPURL == "" {
		return mail.LogSender{Logger: logger}, nil
	}
	smtp, err := mail.NewSMTPSender(cfg.SMTPURL, cfg.SMTPFrom)
	if err != nil {
		return nil, err
	}
	return smtp, nil
}

// smsSender delivers user-pool SMS to the configured webhook, or writes it
// to the log when there is none.
func smsSender(cfg Config, logger *slog.Logger) (sms.Sender, error) {
	if cfg.SMSWebhookURL == "" {
		return sms.LogSender{Logger: logger}, nil
	}
	return sms.NewWebhookSender(cfg.SMSWebhookURL, cfg.SMSWebhookSecret)
}
