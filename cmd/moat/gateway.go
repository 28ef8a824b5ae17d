package main

import (
	"cmp"
	"io"
	"log/slog"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/gateway/apidef"
	"github.com/moat-dev/moat/internal/gateway/authorizer"
	"github.com/moat-dev/moat/internal/gateway/integration"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/tokens"
	"github.com/moat-dev/moat/internal/usage"
	"github.com/prometheus/client_golang/prometheus"
)

// newGateway builds the gateway handler from the config's inline APIs and
// API files, with firewall as the pipeline's first stage; deps.Functions
// (nil: none) runs both lambda_proxy integrations and Lambda authorizers,
// and cognito serves cognito_idp integrations. Access-log lines go to
// accessLog (nil: to logger). The returned Builder's Close drops idle
// backend connections.
func newGateway(cfg Config, st store.Store, tok *tokens.Service, usageSvc *usage.Service, reg prometheus.Registerer, logger *slog.Logger, accessLog io.Writer, firewall gateway.PipelineStage, iamDeps authorizer.Deps, cognito *integration.CognitoDeps) (*gateway.Gateway, *integration.Builder, error) {
	apis, err := servedAPIs(cfg, logger)
	if err != nil {
		return nil, nil, err
	}
	integrations := integration.NewBuilder()
	integrations.Functions = iamDeps.Functions
	integrations.Cognito = cognito
	deps := iamDeps
	deps.Tokens, deps.Store, deps.Region, deps.Logger = tok, st, cfg.Region, logger
	metrics, err := authorizer.NewMetrics(reg)
	if err != nil {
		return nil, nil, err
	}
	deps.Metrics = metrics
	g, err := gateway.New(gateway.Config{
		APIs: apis,
		NewAuthorizer: func(api *gateway.API, c gateway.AuthorizerConfig) (gateway.Authorizer, error) {
			return authorizer.New(api, c, deps)
		},
		NewIntegration: integrations.New,
		Pipeline:       append([]gateway.PipelineStage{firewall}, gateway.DefaultPipeline()...),
		Usage:          usageSvc,
		Region:         cfg.Region,
		Account:        cfg.AccountID,
		Logger:         logger,
		AccessLog:      accessLog,
		Registerer:     reg,
	})
	if err != nil {
		return nil, nil, err
	}
	for _, api := range apis {
		logServedAPI(logger, api)
	}
	return g, integrations, nil
}

// servedAPIs are the config's inline APIs and those of its API files.
func servedAPIs(cfg Config, logger *slog.Logger) ([]gateway.API, error) {
	apis := append([]gateway.API(nil), cfg.APIs...)
	for _, path := range cfg.APIFiles {
		loaded, warnings, err := apidef.LoadFile(path)
		if err != nil {
			return nil, err
		}
		for _, w := range warnings {
			logger.Warn(w)
		}
		apis = append(apis, loaded...)
	}
	return apis, nil
}

// logServedAPI says at start-up what a new user's requests can reach: the
// API's name, base path, stages and routes with their authorizers.
func logServedAPI(logger *slog.Logger, api gateway.API) {
	stages := make([]string, 0, len(api.Stages))
	for _, s := range api.Stages {
		stages = append(stages, s.Name)
	}
	routes := make([]string, 0, len(api.Routes))
	for _, r := range api.Routes {
		route := r.Method + " " + r.Path
		if r.Authorizer != "" {
			route += " (" + r.Authorizer + ")"
		}
		routes = append(routes, route)
	}
	logger.Info("serving API", "api", api.Name, "base_path", cmp.Or(api.BasePath, "/"), "stages", stages, "routes", routes)
}
