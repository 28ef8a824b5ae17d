// Package demo is what `moat serve` runs when it is given no APIs: a user
// pool with two users, a dragons backend on a loopback port, and an API on
// the gateway that puts the pool's authorizer in front of the backend and
// serves a page to try it from a browser. Everything in it goes through the
// same parts a configured deployment uses: the user-pool domain, the
// COGNITO_USER_POOLS authorizer and the http_proxy integration.
package demo

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/identitypool"
	"github.com/moat-dev/moat/internal/roles"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool"
)

// Names of what the demo seeds.
const (
	PoolName   = "moat-demo"
	ClientName = "demo-web"
	Group      = "dragon-keepers"
	Rider      = "rider"  // signed in, not a keeper: may list dragons
	Keeper     = "keeper" // in Group: may also add dragons
)

// Config is what the demo needs from the rest of moat.
type Config struct {
	Pools *userpool.Service
	// Store arbitrates which pool and client are the demo's when several
	// moat instances start at once.
	Store store.Store
	// IdentityURL is where browsers reach the identity listener.
	IdentityURL string
	// SiteOrigins are the origins the demo page is served from, allowed by CORS.
	SiteOrigins []string
	Logger      *slog.Logger

	// The dApp half needs identity pools and roles, and where the gateway is
	// (the wallet client binds sign-in messages to its host).
	IdentityPools *identitypool.Service
	Roles         *roles.Service
	GatewayURL    string
	// NFTProviderURL and NFTProviderKey name a real third-party NFT API; unset,
	// a built-in stand-in with a key made up at start serves the demo.
	NFTProviderURL, NFTProviderKey string
}

// Demo is the running demo.
type Demo struct {
	Seeded
	// DappClientID and IdentityPoolID are the dApp's wallet client and identity pool.
	DappClientID, IdentityPoolID string
	// API is the dragons API for the gateway.
	API     gateway.API
	backend *http.Server
	pools   *userpool.Service
}

// ErrDeleted means the demo's pool or app client was deleted after it was
// created; moat then runs without the demo rather than recreate what an
// operator removed.
var ErrDeleted = errors.New("the demo's user pool or app client was deleted")

// Start seeds the demo pool, client and group (on first start only) and starts the dragons
// backend on a loopback port. Close stops the backend.
func Start(ctx context.Context, cfg Config) (*Demo, error) {
	seeded, err := seed(ctx, cfg.Pools, cfg.Store)
	if err != nil {
		return nil, err
	}
	dapp, err := seedDapp(ctx, cfg, seeded.PoolID)
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	site := siteConfig{IdentityURL: cfg.IdentityURL, Region: cfg.Pools.Region(), UserPoolID: seeded.PoolID,
		ClientID: seeded.ClientID, Users: []string{Rider, Keeper}, Group: Group}
	dappSite := dappConfig{IdentityURL: cfg.IdentityURL, Region: cfg.Pools.Region(), UserPoolID: seeded.PoolID,
		ClientID: dapp.ClientID, IdentityPoolID: dapp.IdentityPoolID,
		NFTsURL: "/nfts", CollectionURL: "/collection", FloorPriceURL: "/floor-price"}
	provider := nftProvider{key: newPassword()}
	backendURL := "http://" + l.Addr().String()
	providerURL, providerKey := backendURL+"/nft-provider", provider.key
	if cfg.NFTProviderURL != "" {
		providerURL, providerKey = strings.TrimRight(cfg.NFTProviderURL, "/"), cfg.NFTProviderKey
	}
	srv := &http.Server{
		Handler:           newBackend(site, dappSite, provider),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	go func() { _ = srv.Serve(l) }() // ends with ErrServerClosed on Close
	api, err := newAPI(backendURL, seeded.PoolID, cfg.SiteOrigins, upstream{providerURL, providerKey})
	if err != nil {
		_ = srv.Close()
		return nil, err
	}
	return &Demo{Seeded: seeded, DappClientID: dapp.ClientID, IdentityPoolID: dapp.IdentityPoolID, API: api, backend: srv, pools: cfg.Pools}, nil
}

// CreateUsers creates the demo users that do not exist yet and returns
// their passwords, to be shown once. Call it only once moat is sure to
// run (both listeners bound, the configuration valid): a start that fails
// before it leaves the users to the next start, which shows them then.
func (d *Demo) CreateUsers(ctx context.Context) (map[string]string, error) {
	return createUsers(ctx, d.pools, d.PoolID)
}

// Close stops the dragons backend.
func (d *Demo) Close() error { return d.backend.Close() }
