package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"

	"github.com/moat-dev/moat/internal/demo"
	"github.com/moat-dev/moat/internal/identitypool"
	"github.com/moat-dev/moat/internal/roles"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/tokens"
	"github.com/moat-dev/moat/internal/userpool"
)

// startDemo runs the dragons demo when moat is given no APIs (no --config,
// --api or apis:), so that `moat serve` alone shows moat at work: it seeds
// the demo pool, starts the demo backend and adds the demo API to cfg. stop
// ends the backend. announce, called once moat is sure to run, creates the
// demo users and shows their passwords once, so a start that fails before
// it leaves them to the next. Both do nothing when there is no demo.
func startDemo(ctx context.Context, cfg *Config, st store.Store, tok *tokens.Service, ids *identitypool.Service, rs *roles.Service, stderr io.Writer, logger *slog.Logger) (announce func(context.Context) error, stop func(), err error) {
	noDemo, noAnnouncement := func() {}, func(context.Context) error { return nil }
	if cfg.ConfigFile != "" || len(cfg.APIFiles) > 0 || len(cfg.APIs) > 0 {
		return noAnnouncement, noDemo, nil
	}
	// A Service of its own: the demo only makes admin calls, which need
	// neither mail nor rate limits.
	pools, err := userpool.New(ctx, userpool.Config{Store: st, Tokens: tok, Region: cfg.Region})
	if err != nil {
		return nil, nil, err
	}
	siteURL := "http://" + cfg.GatewayAddr
	if os.Getenv("MOAT_DEMO_NFT_API_URL") != "" && os.Getenv("MOAT_DEMO_NFT_API_KEY") == "" {
		return nil, nil, errors.New("demo: MOAT_DEMO_NFT_API_URL is set but MOAT_DEMO_NFT_API_KEY is not: the dApp's NFT provider needs its key")
	}
	d, err := demo.Start(ctx, demo.Config{
		Pools: pools, Store: st, IdentityURL: cfg.IdentityPublicURL,
		SiteOrigins: demoOrigins(cfg.GatewayAddr), Logger: logger,
		IdentityPools: ids, Roles: rs, GatewayURL: siteURL,
		NFTProviderURL: os.Getenv("MOAT_DEMO_NFT_API_URL"), NFTProviderKey: os.Getenv("MOAT_DEMO_NFT_API_KEY"),
	})
	if errors.Is(err, demo.ErrDeleted) {
		logger.Warn("not serving the demo", "reason", err.Error())
		return noAnnouncement, noDemo, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("demo: %w", err)
	}
	announce = func(ctx context.Context) error {
		passwords, err := d.CreateUsers(ctx)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if len(passwords) > 0 {
			printDemoOnce(stderr, d, passwords, cfg, siteURL)
		}
		return nil
	}
	logger.Info("serving the dragons demo; any --config or --api replaces it",
		"site", siteURL+"/", "user_pool_id", d.PoolID, "client_id", d.ClientID,
		"dapp", siteURL+"/dapp/dapp.html", "dapp_client_id", d.DappClientID, "identity_pool_id", d.IdentityPoolID)
	cfg.APIs = append(cfg.APIs, d.API)
	return announce, func() { _ = d.Close() }, nil
}

// demoOrigins are the origins a browser may load the demo page from: the
// gateway's address, and localhost for the same port.
func demoOrigins(gatewayAddr string) []string {
	origins := []string{"http://" + gatewayAddr}
	if _, port, err := net.SplitHostPort(gatewayAddr); err == nil {
		origins = append(origins, "http://localhost:"+port)
	}
	return origins
}

// printDemoOnce shows the passwords of the demo users this start created,
// once, as the admin credentials are shown; later starts do not know them.
func printDemoOnce(w io.Writer, d *demo.Demo, passwords map[string]string, cfg *Config, siteURL string) {
	var users, exports strings.Builder
	for _, u := range []struct{ name, can string }{
		{demo.Rider, "may list dragons"},
		{demo.Keeper, "in " + demo.Group + ": may also add dragons"},
	} {
		if pw, ok := passwords[u.name]; ok {
			fmt.Fprintf(&users, "  %-7s %s   (%s)\n", u.name+":", pw, u.can)
			fmt.Fprintf(&exports, "  export %s_PASSWORD=%s\n", strings.ToUpper(u.name), pw)
		}
	}
	fmt.Fprintf(w, `
==============================================================================
moat is serving the dragons demo. Its users' passwords are shown only this
once: save them.

  Site:        %[1]s/
  User pool:   %[2]s
  App client:  %[3]s (%[4]s)

%[5]s
For the README's curl walk-through:
%[6]s
To set a new password, with the admin credentials:
  aws --endpoint-url %[7]s cognito-idp admin-set-user-password \
      --user-pool-id %[2]s --username rider --password '<new>' --permanent

Any --config or --api replaces the demo.
==============================================================================

`, siteURL, d.PoolID, d.ClientID, demo.ClientName, users.String(), exports.String(), cfg.IdentityPublicURL)
}
