package main

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/moat-dev/moat/internal/admin"
	"github.com/moat-dev/moat/internal/awsjson"
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
	return svc, applyRoleConfig(ctx, svc, cfg.Roles)
}

// iamHandler serves the IAM query API to requests signed with the admin
// credentials, for IAM's global region as clients sign them or for moat's.
func iamHandler(svc *roles.Service, creds admin.Credentials, cfg Config, metrics *awsjson.Metrics, logger *slog.Logger) http.Handler {
	auth := iamapi.Authenticators{Global: admin.NewAuthenticator(creds, iamapi.GlobalRegion)}
	if cfg.Region != iamapi.GlobalRegion {
		auth.Regional = admin.NewAuthenticator(creds, cfg.Region)
	}
	return iamapi.NewHandler(svc, auth, logger, metrics)
}
