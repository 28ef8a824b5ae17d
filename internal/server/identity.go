package server

import (
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// identityHandler is everything the identity listener answers.
func identityHandler(cfg Config) (http.Handler, error) {
	if err := cfg.Registry.Register(collectors.NewGoCollector()); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	if err := cfg.Registry.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /healthz", healthHandler(cfg.Store, cfg.Logger))
	mux.Handle("GET /metrics", promhttp.HandlerFor(cfg.Registry, promhttp.HandlerOpts{}))
	if cfg.Tokens != nil {
		mux.Handle("GET /{poolId}/.well-known/", cfg.Tokens)
	}
	mux.Handle("/", dispatcher{mounts: cfg.Mounts, unclaimed: cfg.Unclaimed})
	return cors(mux), nil
}
