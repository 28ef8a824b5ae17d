package main

import (
	"log/slog"
	"strings"

	"github.com/moat-dev/moat/internal/admin"
	"github.com/moat-dev/moat/internal/clientip"
	"github.com/moat-dev/moat/internal/console"
	"github.com/moat-dev/moat/internal/functions"
	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/roles"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/usage"
	"github.com/moat-dev/moat/internal/waf"
	"github.com/prometheus/client_golang/prometheus"
)

// consoleParts are the services the console shows, made by serve.
type consoleParts struct {
	identity  *identityAPI
	roles     *roles.Service
	gateway   *gateway.Gateway
	functions *functions.Runtime
	usage     *usage.Service
	firewall  *waf.Service
	store     store.Store
	metrics   prometheus.Gatherer
}

// newConsole is the console at /console on the identity listener.
func newConsole(cfg Config, creds admin.Credentials, parts consoleParts, proxies clientip.Proxies, logger *slog.Logger) (*console.Console, error) {
	others, err := cfg.Console.Resolve(creds)
	if err != nil {
		return nil, err
	}
	return console.New(console.Config{
		Admin: creds, Others: others, IdleTimeout: cfg.Console.IdleTimeout,
		UserPools: parts.identity.UserPools, IdentityPools: parts.identity.IdentityPools, Roles: parts.roles,
		Gateway: parts.gateway, Functions: parts.functions, Usage: parts.usage, WAF: parts.firewall, Store: parts.store, Metrics: parts.metrics,
		Secure: strings.HasPrefix(cfg.IdentityPublicURL, "https://"), Proxies: proxies, Logger: logger,
	})
}
