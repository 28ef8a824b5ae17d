package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"

	"github.com/moat-dev/moat/internal/cognitoproxy"
	"github.com/moat-dev/moat/internal/events"

	"github.com/moat-dev/moat/internal/gateway/integration"
	"github.com/moat-dev/moat/internal/sealing"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/usage"
)

// cognitoProxyKeySetting holds the key cognito_idp integrations wrap the
// tokens they hand out with: one per deployment, sealed in the store like
// every setting, so every replica opens what another wrapped.
const cognitoProxyKeySetting = "cognito-proxy.token-key"

// cognitoDeps are what the gateway's cognito_idp integrations share.
func cognitoDeps(ctx context.Context, cfg Config, st store.Store, limiter usage.Limiter, logger *slog.Logger) (*integration.CognitoDeps, error) {
	raw, err := deploymentSecret(ctx, st, cognitoProxyKeySetting)
	if err != nil {
		return nil, fmt.Errorf("cognito proxy key: %w", err)
	}
	key, err := sealing.NewDataKey("cognito-proxy", raw)
	if err != nil {
		return nil, fmt.Errorf("cognito proxy key in setting %s: %w", cognitoProxyKeySetting, err)
	}
	return &integration.CognitoDeps{MoatURL: "http://" + dialable(cfg.IdentityAddr), MoatIssuer: cfg.IdentityPublicURL, Key: key, Limiter: limiter,
		Events: st, Origin: events.Origin{Source: cognitoproxy.EventSource, Account: cfg.AccountID, Region: cfg.Region}, Logger: logger}, nil
}

// dialable is a listen address as a peer reaches it: an unspecified host
// (":9229", "0.0.0.0:9229") is this machine's loopback.
func dialable(addr string) string {
	host, port, err := net.SplitHostPort(addr) // validated with the config
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
