package server

import (
	"fmt"
	"net/http"

	"github.com/moat-dev/moat/internal/apigatewayapi"
	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/awsjson"
	"github.com/moat-dev/moat/internal/iamapi"
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
	if cfg.AWSMetrics == nil {
		cfg.AWSMetrics = awsjson.NewMetrics(cfg.Registry)
	}
	awsJSON := awsjson.NewHandler(cfg.Services, cfg.Authenticator, cfg.Logger, cfg.AWSMetrics)

	mux := http.NewServeMux()
	mux.Handle("GET /healthz", healthHandler(cfg.Store, cfg.Logger))
	mux.Handle("GET /metrics", promhttp.HandlerFor(cfg.Registry, promhttp.HandlerOpts{}))
	if cfg.Tokens != nil {
		mux.Handle("GET /{poolId}/.well-known/", cfg.Tokens)
	}
	routes := []route{
		{matches: hasAmzTarget, handler: awsJSON}, // AWS JSON 1.1
	}
	if cfg.APIGateway != nil {
		routes = append(routes, route{matches: apigatewayapi.Matches, handler: cfg.APIGateway}) // REST-JSON
	}
	if cfg.IAM != nil {
		routes = append(routes, route{matches: iamapi.Matches, handler: cfg.IAM}) // AWS query protocol
	}
	mux.Handle("/", dispatcher{routes: routes, fallback: http.HandlerFunc(identityNotFound)})
	return cors(mux), nil
}

// identityNotFound answers what no protocol claimed, in AWS JSON's error shape
// since AWS SDKs are this listener's clients.
func identityNotFound(w http.ResponseWriter, r *http.Request) {
	awsjson.WriteError(w, &awserr.Error{
		Code:    awserr.UnknownOperation,
		Message: "No API answers " + r.Method + " " + r.URL.Path + "; AWS JSON requests need an X-Amz-Target header.",
		Status:  http.StatusNotFound,
	})
}
