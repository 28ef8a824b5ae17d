// Package console is moat's web console at <identity listener>/console:
// server-rendered pages (web/console) over the domain packages — user
// pools, identity pools and roles, the gateway's APIs and its live
// request tail, functions, API keys and usage plans, web ACLs and event
// deliveries. It calls those packages as the AWS-shaped APIs do, so every
// rule (password policy, filters, paging, validation) is theirs.
//
// Signing in exchanges an access key pair (the admin's, or a read-only
// console credential) for a server session in an HttpOnly, SameSite=Strict
// cookie; every change carries the session's CSRF token, is refused to a
// read-only session, and is written to the log with the key ID that made it.
package console

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/moat-dev/moat/internal/admin"
	"github.com/moat-dev/moat/internal/clientip"
	"github.com/moat-dev/moat/internal/functions"
	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/identitypool"
	"github.com/moat-dev/moat/internal/roles"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/usage"
	"github.com/moat-dev/moat/internal/userpool"
	"github.com/moat-dev/moat/internal/waf"
	"github.com/prometheus/client_golang/prometheus"
)

// Config is what the console shows and who may sign in to it.
type Config struct {
	Admin admin.Credentials
	// Others are the console's own credentials (Section.Resolve).
	Others      []Credential
	IdleTimeout time.Duration // 0: DefaultIdleTimeout

	UserPools     *userpool.Service
	IdentityPools *identitypool.Service
	Roles         *roles.Service
	Gateway       *gateway.Gateway
	Functions     *functions.Runtime
	Usage         *usage.Service
	WAF           *waf.Service
	Store         store.Store // the event outbox's dead letters
	// Metrics is moat's registry, which the API pages' route charts read.
	Metrics prometheus.Gatherer

	// Secure marks the cookies Secure (the identity listener is reached over HTTPS).
	Secure  bool
	Proxies clientip.Proxies
	Logger  *slog.Logger
}

// Console serves /console and everything under it.
type Console struct {
	cfg      Config
	creds    []Credential
	sessions *sessions
	signIns  *signInLimit
	pages    *pages
	mux      *http.ServeMux
	log      *slog.Logger
}

// Prefix is where the console is served on the identity listener.
const Prefix = "/console"

// New builds the console; it serves nothing until mounted.
func New(cfg Config) (*Console, error) {
	pg, err := loadPages()
	if err != nil {
		return nil, err
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	c := &Console{
		cfg:      cfg,
		creds:    append([]Credential{{Credentials: cfg.Admin, Role: FullAccess}}, cfg.Others...),
		sessions: newSessions(cfg.IdleTimeout),
		signIns:  newSignInLimit(),
		pages:    pg,
		log:      cfg.Logger.With("logger", "console"),
	}
	c.mux = c.routes()
	return c, nil
}

// Matches claims /console and the paths beneath it.
func (c *Console) Matches(r *http.Request) bool {
	return r.URL.Path == Prefix || strings.HasPrefix(r.URL.Path, Prefix+"/")
}

func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The identity APIs' CORS answer is not the console's: its pages are
	// for its own origin alone.
	w.Header().Del("Access-Control-Allow-Origin")
	w.Header().Del("Access-Control-Expose-Headers")
	securityHeaders(w.Header())
	c.mux.ServeHTTP(w, r)
}

// securityHeaders forbid framing, outside resources and inline script on
// every console answer; scripts and styles are the console's own files.
func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}
