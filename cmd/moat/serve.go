package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/moat-dev/moat/internal/accesslog"
	"github.com/moat-dev/moat/internal/admin"
	"github.com/moat-dev/moat/internal/apigatewayapi"
	"github.com/moat-dev/moat/internal/awsapi"
	"github.com/moat-dev/moat/internal/clientip"
	"github.com/moat-dev/moat/internal/cognitoidp"
	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/gateway/authorizer"
	"github.com/moat-dev/moat/internal/gateway/wafstage"
	"github.com/moat-dev/moat/internal/iamapi"
	"github.com/moat-dev/moat/internal/lambdaapi"
	"github.com/moat-dev/moat/internal/oauth"
	"github.com/moat-dev/moat/internal/sealing"
	"github.com/moat-dev/moat/internal/server"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/store/sqlstore"
	"github.com/moat-dev/moat/internal/tempcreds"
	"github.com/moat-dev/moat/internal/tokens"
	"github.com/moat-dev/moat/internal/wafapi"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"
)

func serveCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the identity API and the API gateway",
		Long: `Run the identity API (Cognito-compatible APIs, admin APIs, JWKS, /healthz,
/metrics) and the API gateway until SIGINT or SIGTERM. SIGHUP rereads the
--config file and brings its APIs, roles, user pools, identity pools, usage
plans and web ACLs into force without a restart; a file that does not load
is refused (logged) and the running configuration stays.

Each flag can also be set with the environment variable shown beside it or as
a key of the --config YAML file (flag > environment > file > default).

Secrets moat keeps (signing keys, client secrets, server keys, admin
credentials) are sealed at rest under a master key: MOAT_MASTER_KEY (the key,
base64 of 32 random bytes) or --master-key-file. With neither, moat generates
<data-dir>/master.key on first start: back it up apart from the database.
Replicas sharing a database must share the key; rotate it with
"moat keys rotate-master".

Admin credentials sign the admin APIs (SigV4, as with AWS). Set them with
MOAT_ADMIN_ACCESS_KEY_ID and MOAT_ADMIN_SECRET_ACCESS_KEY, or let moat generate
a pair on first start: it keeps them in its store and prints them once. The
same pair signs in to the web console at <identity listener>/console (config
file console: adds read-only console credentials).`,
		Example: `  moat serve --data-dir /var/lib/moat --region eu-west-1
  MOAT_LOG_LEVEL=debug moat serve --config /etc/moat.yaml

  # /etc/moat.yaml
  region: eu-west-1
  identity-addr: 0.0.0.0:9229
  database-url: postgres://moat@db:5432/moat`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			reread := func() (Config, error) { return loadConfig(cmd.Flags(), os.LookupEnv) }
			cfg, err := reread()
			if err != nil {
				return err
			}
			return serve(cmd.Context(), cfg, reread, cmd.ErrOrStderr())
		},
	}
	addFlags(cmd.Flags())
	return cmd
}

// sweepEvery is how often expired sessions and nonces are deleted.
const sweepEvery = 10 * time.Minute

// serve runs moat on cfg until ctx ends; on SIGHUP it rereads the
// configuration (reread) and brings the running moat to it.
func serve(ctx context.Context, cfg Config, reread func() (Config, error), stderr io.Writer) error {
	logger := useLogger(cfg.LogLevel, stderr)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	st, err := openStore(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer st.Close()
	go store.Sweeper{Store: st, Every: sweepEvery, SessionGrace: tokens.MaxTokenLifetime, Logger: logger}.Run(ctx)
	stopEvents, err := startEvents(ctx, st, cfg.Events, logger)
	if err != nil {
		return err
	}
	defer stopEvents()

	// Generated admin credentials are stored and shown only once both
	// listeners are bound and everything is built: a failed start keeps them.
	prepared, err := admin.PrepareCredentials(ctx, st, admin.Credentials{
		AccessKeyID:     os.Getenv("MOAT_ADMIN_ACCESS_KEY_ID"),
		SecretAccessKey: os.Getenv("MOAT_ADMIN_SECRET_ACCESS_KEY"),
	})
	if err != nil {
		return err
	}
	creds := prepared.Credentials

	redisClient, err := openRedis(ctx, cfg)
	if err != nil {
		return err
	}
	if redisClient != nil {
		defer redisClient.Close()
	}
	limiter := newLimiter(redisClient)

	tok := tokens.NewService(st, cfg.IdentityPublicURL)
	// The config file's roles come first: its functions run as them.
	roleSvc, err := newRoles(ctx, st, cfg)
	if err != nil {
		return err
	}
	registry := prometheus.NewRegistry()
	sessions, err := tempcreds.NewIssuer(ctx, st, nil)
	if err != nil {
		return err
	}
	seals, err := customSenderSeals(ctx, st)
	if err != nil {
		return err
	}
	runtime, err := newFunctions(ctx, cfg, st, sessions, seals, registry, logger)
	if err != nil {
		return err
	}
	defer runtime.Close() // after the listeners stop: no invocation is left to run
	identity, err := identityServices(ctx, st, tok, limiter, cfg, identityDeps{Sessions: sessions, Functions: runtime, Seals: seals, Registry: registry}, logger)
	if err != nil {
		return err
	}
	if err := applyIdentitySections(ctx, cfg, identity, logger); err != nil {
		return err
	}
	announceDemo, stopDemo, err := startDemo(ctx, &cfg, st, tok, identity.IdentityPools, roleSvc, stderr, logger)
	if err != nil {
		return err
	}
	defer stopDemo()
	usageSvc, err := newUsage(ctx, st, limiter, registry)
	if err != nil {
		return err
	}
	// What requests log at info — the gateway's access log, the WAF's
	// matches — is written behind them, in batches; Close (after the
	// listeners have stopped) writes out what is queued.
	var accessLog io.Writer
	requestLog := logger
	if logger.Enabled(ctx, slog.LevelInfo) {
		w, err := accesslog.New(stderr, registry)
		if err != nil {
			return err
		}
		defer w.Close()
		accessLog, requestLog = w, newLogger(cfg.LogLevel, w)
	}
	// The WAF is the gateway's first stage and checks associations against
	// the gateway's stages, so each is made knowing the other.
	var gw *gateway.Gateway
	firewall, err := newFirewall(ctx, cfg, st, redisClient, registry, requestLog, accessLog, func(apiID, stage string) bool { return gw.HasStage(apiID, stage) })
	if err != nil {
		return err
	}
	cognito, err := cognitoDeps(ctx, cfg, st, limiter, logger)
	if err != nil {
		return err
	}
	gw, integrations, err := newGateway(cfg, st, tok, usageSvc, registry, logger, accessLog, wafstage.New(firewall, cfg.Region), authorizer.Deps{
		Sessions: identity.Credentials, RolePolicies: roleSvc, Revocations: identity.IdentityPools,
		Admin: creds, Account: cfg.AccountID, Redis: redisClient, Functions: runtime,
	}, cognito)
	if err != nil {
		return err
	}
	defer integrations.Close()
	if err := cfg.WAF.Apply(ctx, firewall); err != nil {
		return err
	}
	if err := cfg.Usage.Apply(ctx, usageSvc, gw); err != nil {
		return err
	}
	proxies, _ := clientip.ParseProxies(cfg.TrustedProxies) // validated with the config
	frame := awsapi.NewFrame(awsapi.Config{Logger: logger, Metrics: awsapi.NewMetrics(registry), Proxies: proxies})
	auth := admin.NewAuthenticator(creds, cfg.Region)
	mounts := []server.Mount{cognitoidp.ImportUploads{Pools: identity.UserPools, Logger: logger}}
	for _, svc := range identity.Services {
		if svc.SigningName == cognitoidp.SigningName {
			svc.Guard = cognitoidp.WAFGuard(firewall, st, cfg.Region, cfg.AccountID)
		}
		mounts = append(mounts, frame.JSON(svc, auth))
	}
	hosted, err := oauth.New(oauth.Config{Pools: identity.UserPools, PublicURL: cfg.IdentityPublicURL, Proxies: proxies, Logger: logger})
	if err != nil {
		return err
	}
	tok.ServeOAuthEndpoints(hosted.EndpointsBase)
	mounts = append(mounts, hosted)
	con, err := newConsole(cfg, creds, consoleParts{identity: identity, roles: roleSvc, gateway: gw, functions: runtime,
		usage: usageSvc, firewall: firewall, store: st, metrics: registry}, proxies, logger)
	if err != nil {
		return fmt.Errorf("console: %w", err)
	}
	mounts = append(mounts, con,
		frame.JSON(wafapi.Service(firewall), auth),
		frame.REST(apigatewayapi.New(apigatewayapi.Config{Store: st, Usage: usageSvc, KnownStage: gw.HasStage}), auth),
		frame.Query(iamapi.API(roleSvc), iamAuthenticator(creds, cfg)),
		frame.REST(lambdaapi.New(runtime), auth),
	)
	srv, err := server.Listen(server.Config{
		IdentityAddr: cfg.IdentityAddr,
		GatewayAddr:  cfg.GatewayAddr,
		ProfileAddr:  cfg.ProfileAddr,
		Store:        st,
		Mounts:       mounts,
		Unclaimed:    frame.Unclaimed(),
		Tokens:       identity.WellKnown,
		Gateway:      gw,
		Registry:     registry,
		Logger:       logger,
	})
	if err != nil {
		return err
	}
	inForce, created, err := prepared.Commit(ctx)
	if err == nil && inForce != creds {
		err = errors.New("another moat generated the admin credentials at the same moment; start again to use those")
	}
	if err != nil {
		srv.Close()
		return err
	}
	if created {
		printCredentialsOnce(stderr, creds, cfg)
	}
	if err := announceDemo(ctx); err != nil {
		srv.Close()
		return err
	}
	r := &reloader{current: cfg, reread: reread, logger: logger, roles: roleSvc, identity: identity,
		usage: usageSvc, firewall: firewall, gateway: gw}
	go r.run(ctx, hup)
	return srv.Serve(ctx)
}

// openStore opens the store with secrets sealed under the master key.
func openStore(ctx context.Context, cfg Config, logger *slog.Logger) (*sqlstore.Store, error) {
	master, err := loadMasterKey(cfg, os.LookupEnv, logger)
	if err != nil {
		return nil, err
	}
	st, err := openSealedStore(ctx, cfg, master.key)
	if err != nil && master.generated {
		// The database predates this key (its master.key went missing): a
		// key that opens nothing must not stay to be found next start.
		_ = os.Remove(master.source)
		return nil, fmt.Errorf("%w (%s was missing and a new key was made, which cannot open it: restore the master key file)", err, master.source)
	}
	return st, err
}

func openSealedStore(ctx context.Context, cfg Config, key sealing.MasterKey) (*sqlstore.Store, error) {
	if cfg.DatabaseURL != "" {
		st, err := sqlstore.OpenPostgres(ctx, cfg.DatabaseURL, sqlstore.WithMasterKey(key))
		if err != nil {
			return nil, fmt.Errorf("open PostgreSQL store: %w", err)
		}
		return st, nil
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	st, err := sqlstore.OpenSQLite(ctx, filepath.Join(cfg.DataDir, "moat.db"), sqlstore.WithMasterKey(key))
	if err != nil {
		return nil, fmt.Errorf("open SQLite store: %w", err)
	}
	return st, nil
}

func newLogger(level string, w io.Writer) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(strings.ToLower(level))) // validated with the config
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// useLogger is moat's JSON logger at level, made the default too: packages
// that log through slog.Default() (and the log package) write moat's format
// and honour --log-level.
func useLogger(level string, w io.Writer) *slog.Logger {
	logger := newLogger(level, w)
	slog.SetDefault(logger)
	return logger
}
