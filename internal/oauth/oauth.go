// Package oauth is a user pool's OAuth 2.0 and OpenID Connect provider and
// its hosted pages, at Cognito's paths and with Cognito's semantics:
// /oauth2/authorize, /login and the sign-up and password pages,
// /oauth2/token, /oauth2/userInfo, /oauth2/revoke, /logout and /error.
//
// It is HTTP framing only. Every sign-in decision (password checks,
// lockout, rate limits, triggers, challenges) is the user-pool engine's
// (userpool.HostedSignIn, HostedRespond), and so is every token, code and
// session cookie (userpool.IssueCode, RedeemCode, SealHostedSession). The
// OAuth vocabulary (error codes and bodies, token responses) is
// zitadel/oidc's pkg/oidc. Its pkg/op provider is not used: it serves one
// issuer per provider where each pool is its own issuer chosen by the
// request's client_id, answers an unknown redirect_uri with a plain 400
// where Cognito shows its error page, requires scopes where Cognito grants
// every allowed one, signs access and ID tokens with one key, and knows
// nothing of Cognito's /logout; what it would still do is parse a form.
package oauth

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/moat-dev/moat/internal/clientip"
	"github.com/moat-dev/moat/internal/federation"
	"github.com/moat-dev/moat/internal/userpool"
)

// Config is what the provider needs.
type Config struct {
	Pools *userpool.Service
	// PublicURL is where the identity listener is reached (the pools'
	// issuers live under it); the endpoints are served at its root.
	PublicURL string
	// Proxies name the load balancers whose forwarding headers name the
	// client, whose address the sign-in limits count.
	Proxies clientip.Proxies
	Logger  *slog.Logger
	// Federation talks to the pools' outside identity providers; nil
	// makes one with a 10-second timeout.
	Federation *federation.Service
}

// Provider serves the OAuth endpoints and hosted pages of every user pool.
type Provider struct {
	pools   *userpool.Service
	proxies clientip.Proxies
	log     *slog.Logger
	// secure marks cookies Secure: moat is reached over HTTPS.
	secure bool
	// public is the identity listener's URL; a pool's domain is reached
	// with its scheme and port.
	public     *url.URL
	pages      *pages
	federation *federation.Service
	mux        *http.ServeMux
	clock      func() time.Time
}

// New returns the provider.
func New(cfg Config) (*Provider, error) {
	u, err := url.Parse(cfg.PublicURL)
	if err != nil {
		return nil, err
	}
	pg, err := loadPages()
	if err != nil {
		return nil, err
	}
	p := &Provider{pools: cfg.Pools, proxies: cfg.Proxies, log: cfg.Logger, secure: u.Scheme == "https", public: u, pages: pg,
		federation: cfg.Federation, clock: time.Now}
	if p.federation == nil {
		p.federation = federation.New(nil)
	}
	if p.log == nil {
		p.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	p.mux = p.routes()
	return p, nil
}

// hostedPaths are the paths the provider answers on the identity listener.
var hostedPaths = []string{"/oauth2/", "/login", "/signup", "/confirm", "/resendcode", "/forgotPassword",
	"/confirmForgotPassword", "/challenge", "/passkeys/add", "/logout", "/error", "/hosted/", "/saml2/"}

// Matches claims the provider's paths (a server.Mount).
func (p *Provider) Matches(r *http.Request) bool {
	for _, path := range hostedPaths {
		if r.URL.Path == path || strings.HasSuffix(path, "/") && strings.HasPrefix(r.URL.Path, path) {
			return true
		}
	}
	return false
}

// ServeHTTP answers on the identity listener's own host for every pool
// (the client id chooses) and on a pool's domain for that pool alone.
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start, rec := time.Now(), &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		// The path alone: queries carry codes, tokens and states.
		p.log.Info("hosted request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"latency_ms", float64(time.Since(start).Microseconds())/1000, "source_ip", p.proxies.Of(r))
	}()
	p.serve(rec, r)
}

// statusRecorder notes the status a handler answered with, for the log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(status int) {
	s.status = status
	s.ResponseWriter.WriteHeader(status)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (p *Provider) serve(w http.ResponseWriter, r *http.Request) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host != p.public.Hostname() {
		poolID, err := p.pools.PoolOfHost(r.Context(), host)
		if err != nil {
			p.internalError(w, err)
			return
		}
		if poolID != "" {
			r = r.WithContext(context.WithValue(r.Context(), domainPoolKey{}, poolID))
		}
	}
	p.mux.ServeHTTP(w, r)
}

type domainPoolKey struct{}

// servesPool reports whether a request may act for a pool: any pool on the
// identity listener's host, only its own on a pool's domain.
func servesPool(ctx context.Context, poolID string) bool {
	domainPool, onDomain := ctx.Value(domainPoolKey{}).(string)
	return !onDomain || domainPool == poolID
}

// EndpointsBase is where a pool's OAuth endpoints are, for its discovery
// document: its domain when it has one, the identity listener otherwise.
func (p *Provider) EndpointsBase(ctx context.Context, poolID string) string {
	host, err := p.pools.DomainHost(ctx, poolID)
	if err != nil || host == "" {
		return strings.TrimRight(p.public.String(), "/")
	}
	if port := p.public.Port(); port != "" {
		host = net.JoinHostPort(host, port)
	}
	return p.public.Scheme + "://" + host
}

func (p *Provider) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oauth2/authorize", p.authorize)
	mux.HandleFunc("GET /login", p.loginPage)
	mux.HandleFunc("POST /login", p.login)
	mux.HandleFunc("POST /challenge", p.answerChallenge)
	mux.HandleFunc("POST /passkeys/add", p.addPasskey)
	mux.HandleFunc("GET /signup", p.signUpPage)
	mux.HandleFunc("POST /signup", p.signUp)
	mux.HandleFunc("POST /confirm", p.confirm)
	mux.HandleFunc("POST /resendcode", p.resendCode)
	mux.HandleFunc("GET /forgotPassword", p.forgotPasswordPage)
	mux.HandleFunc("POST /forgotPassword", p.forgotPassword)
	mux.HandleFunc("POST /confirmForgotPassword", p.confirmForgotPassword)
	mux.HandleFunc("GET /logout", p.logout)
	mux.HandleFunc("GET /error", p.errorPage)
	mux.HandleFunc("POST /oauth2/token", p.token)
	mux.HandleFunc("GET /oauth2/userInfo", p.userInfo)
	mux.HandleFunc("POST /oauth2/userInfo", p.userInfo)
	mux.HandleFunc("POST /oauth2/revoke", p.revoke)
	mux.HandleFunc("GET /oauth2/idpresponse", p.oidcResponse)
	mux.HandleFunc("POST /saml2/idpresponse", p.samlResponse)
	mux.HandleFunc("GET /hosted/custom.css", p.customCSS)
	mux.HandleFunc("GET /hosted/logo", p.customLogo)
	mux.Handle("GET /hosted/", http.StripPrefix("/hosted/", assets()))
	mux.HandleFunc("/", p.notFound)
	return mux
}
