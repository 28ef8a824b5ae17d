package main

import (
	"context"
	"log/slog"

	"github.com/moat-dev/moat/internal/awsjson"
	"github.com/moat-dev/moat/internal/cognitoidp"
	"github.com/moat-dev/moat/internal/mail"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/tokens"
	"github.com/moat-dev/moat/internal/usage"
	"github.com/moat-dev/moat/internal/userpool"
)

// identityServices lists the AWS JSON APIs the identity listener serves. A
// service listed here is routed by its X-Amz-Target prefix, its signed
// operations checked against the admin credentials, counted in /metrics and
// access-logged.
func identityServices(ctx context.Context, st store.Store, tok *tokens.Service, limiter usage.Limiter, cfg Config, logger *slog.Logger) ([]awsjson.Service, error) {
	sender, err := mailSender(cfg, logger)
	if err != nil {
		return nil, err
	}
	pools, err := userpool.New(ctx, userpool.Config{
		Store: st, Tokens: tok, Region: cfg.Region,
		Mail: sender, Limiter: limiter, Limits: cfg.UserPoolLimits,
	})
	if err != nil {
		return nil, err
	}
	return []awsjson.Service{cognitoidp.Service(pools)}, nil
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
