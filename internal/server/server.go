// Package server runs moat's two HTTP listeners: the identity listener (the
// AWS-shaped APIs, JWKS, health and metrics) and the gateway listener (the
// APIs moat fronts), with sane timeouts and a graceful shutdown.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/moat-dev/moat/internal/store"
	"github.com/prometheus/client_golang/prometheus"
)

// Config is everything the listeners serve.
type Config struct {
	IdentityAddr string // e.g. 127.0.0.1:9229; port 0 picks a free one
	GatewayAddr  string // e.g. 127.0.0.1:8080
	// ProfileAddr, when set, is a loopback address serving Go's runtime
	// profiles (/debug/pprof/); "" serves none.
	ProfileAddr string

	Store store.Store // answers /healthz
	// Mounts are the APIs on the identity listener (Cognito, IAM, API
	// Gateway's management API, …), asked in order; the first that claims
	// a request answers it.
	Mounts []Mount
	// Unclaimed answers identity requests no mount claims; nil answers 404.
	Unclaimed http.Handler
	Tokens    http.Handler // serves /{poolId}/.well-known/…; nil for none
	Gateway   http.Handler // nil answers API Gateway's 404 for every path

	// Registry is what /metrics exposes; nil makes a new one. Go and process
	// collectors are registered on it.
	Registry *prometheus.Registry
	Logger   *slog.Logger
	// ShutdownTimeout bounds how long in-flight requests get on shutdown; 0 means 10s.
	ShutdownTimeout time.Duration
}

// maxHeaderBytes bounds a request's line and headers on both listeners: far
// above what real clients send (API Gateway takes 10 KB), far below
// net/http's 1 MB default.
const maxHeaderBytes = 64 << 10

// Server is both listeners, bound and ready to serve.
type Server struct {
	cfg      Config
	identity *http.Server
	gateway  *http.Server
	idLn     net.Listener
	gwLn     net.Listener
	profiles *http.Server // nil: no ProfileAddr
	profLn   net.Listener
}

// Listen binds both addresses, so a port in use fails before anything is served.
func Listen(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = 10 * time.Second
	}
	if cfg.Gateway == nil {
		cfg.Gateway = http.HandlerFunc(gatewayNotFound)
	}
	if cfg.Unclaimed == nil {
		cfg.Unclaimed = http.NotFoundHandler()
	}
	identity, err := identityHandler(cfg)
	if err != nil {
		return nil, err
	}
	idLn, err := net.Listen("tcp", cfg.IdentityAddr)
	if err != nil {
		return nil, fmt.Errorf("identity listener: %w", err)
	}
	gwLn, err := net.Listen("tcp", cfg.GatewayAddr)
	if err != nil {
		idLn.Close()
		return nil, fmt.Errorf("gateway listener: %w", err)
	}
	var profiles *http.Server
	var profLn net.Listener
	if cfg.ProfileAddr != "" {
		if profLn, err = listenProfiles(cfg.ProfileAddr); err != nil {
			idLn.Close()
			gwLn.Close()
			return nil, err
		}
		profiles = profileServer()
	}
	errorLog := slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn)
	return &Server{
		cfg:      cfg,
		idLn:     idLn,
		gwLn:     gwLn,
		profiles: profiles,
		profLn:   profLn,
		// The identity APIs take small bodies and answer quickly: a whole
		// request, body included, must arrive within ReadTimeout.
		identity: &http.Server{
			Handler:           capErrorMessage(identity),
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second,
			WriteTimeout:      60 * time.Second,
			IdleTimeout:       2 * time.Minute,
			MaxHeaderBytes:    maxHeaderBytes,
			ErrorLog:          errorLog,
		},
		// Gateway integrations stream uploads and downloads of any length,
		// so no total read or write timeout applies: the gateway gives each
		// read of a body a deadline a slow-drip client soon misses
		// (gateway.DefaultMaxBodyBytes and its pace rules), and headers and
		// idle connections are bounded here.
		gateway: &http.Server{
			Handler:           gatewayHandler(cfg),
			ReadHeaderTimeout: 10 * time.Second,
			IdleTimeout:       2 * time.Minute,
			MaxHeaderBytes:    maxHeaderBytes,
			ErrorLog:          errorLog,
		},
	}, nil
}

// Close releases both listeners of a server that will not Serve.
func (s *Server) Close() error {
	err := errors.Join(s.idLn.Close(), s.gwLn.Close())
	if s.profLn != nil {
		err = errors.Join(err, s.profLn.Close())
	}
	return err
}

// IdentityAddr is the bound identity address (with the real port when 0 was asked).
func (s *Server) IdentityAddr() net.Addr { return s.idLn.Addr() }

// GatewayAddr is the bound gateway address.
func (s *Server) GatewayAddr() net.Addr { return s.gwLn.Addr() }

// Serve answers requests until ctx is cancelled, then lets in-flight requests
// finish within ShutdownTimeout. A cancelled ctx is a clean stop (nil).
func (s *Server) Serve(ctx context.Context) error {
	s.cfg.Logger.Info("identity API listening on http://"+s.IdentityAddr().String(), "metrics", "http://"+s.IdentityAddr().String()+"/metrics")
	s.cfg.Logger.Info("gateway listening on http://" + s.GatewayAddr().String())
	failed := make(chan error, 2)
	go func() { failed <- s.identity.Serve(s.idLn) }()
	go func() { failed <- s.gateway.Serve(s.gwLn) }()
	if s.profiles != nil {
		s.cfg.Logger.Info("profiles served on http://" + s.profLn.Addr().String() + "/debug/pprof/")
		go func() { _ = s.profiles.Serve(s.profLn) }() // a failure here stops no API
		defer s.profiles.Close()
	}

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-failed:
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	s.cfg.Logger.Info("shutting down")
	shutdownErr := errors.Join(s.identity.Shutdown(shutdownCtx), s.gateway.Shutdown(shutdownCtx))
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return errors.Join(serveErr, shutdownErr)
	}
	return shutdownErr
}
