package main

import (
	"context"
	"log/slog"

	"github.com/moat-dev/moat/internal/admin"
	"github.com/moat-dev/moat/internal/iamapi"
	"github.com/moat-dev/moat/internal/identitypool"
	"github.com/moat-dev/moat/internal/roles"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool"
)

// newRoles is the IAM roles service, holding the roles the config declares.
func newRoles(ctx context.Context, st store.Store, cfg Config) (*roles.Service, error) {
	svc, err := roles.New(st, roles.Options{Account: cfg.AccountID})
	if err != nil {
		return nil, err
	}
	return svc, cfg.Roles.Apply(ctx, svc)
}

// applyIdentitySections makes the store hold the config file's userPools:
// and identityPools: (roles: are applied with the roles service), and logs
// the ids their names stand for.
func applyIdentitySections(ctx context.Context, cfg Config, identity *identityAPI, logger *slog.Logger) error {
	if err := cfg.UserPools.Apply(ctx, identity.UserPools); err != nil {
		return err
	}
	if err := cfg.IdentityPools.Apply(ctx, identity.IdentityPools); err != nil {
		return err
	}
	for _, p := range cfg.UserPools {
		id := userpool.DeclaredPoolID(cfg.Region, p.Name)
		clients := map[string]string{}
		for _, c := range p.Clients {
			clients[c.Name] = userpool.DeclaredClientID(id, c.Name)
		}
		logger.Info("user pool of the config file", "name", p.Name, "user_pool_id", id, "client_ids", clients)
	}
	for _, p := range cfg.IdentityPools {
		logger.Info("identity pool of the config file", "name", p.Name, "identity_pool_id", identitypool.DeclaredPoolID(cfg.Region, p.Name))
	}
	return nil
}

// iamAuthenticator admits IAM requests signed with the admin credentials,
// for IAM's global region as clients sign them or for moat's.
func iamAuthenticator(creds admin.Credentials, cfg Config) iamapi.Authenticators {
	auth := iamapi.Authenticators{Global: admin.NewAuthenticator(creds, iamapi.GlobalRegion)}
	if cfg.Region != iamapi.GlobalRegion {
		auth.Regional = admin.NewAuthenticator(creds, cfg.Region)
	}
	return auth
}
