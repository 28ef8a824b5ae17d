package main

import (
	"context"

	"github.com/moat-dev/moat/internal/admin"
	"github.com/moat-dev/moat/internal/iamapi"
	"github.com/moat-dev/moat/internal/roles"
	"github.com/moat-dev/moat/internal/store"
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
// and identityPools: (roles: are applied with the roles service).
func applyIdentitySections(ctx context.Context, cfg Config, identity *identityAPI) error {
	if err := cfg.UserPools.Apply(ctx, identity.UserPools); err != nil {
		return err
	}
	return cfg.IdentityPools.Apply(ctx, identity.IdentityPools)
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
