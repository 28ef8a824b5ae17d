package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/moat-dev/moat/internal/codeseal"
	"github.com/moat-dev/moat/internal/functions"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/tempcreds"
	"github.com/prometheus/client_golang/prometheus"
)

// newFunctions builds the function runtime, its workers' code kept under
// the data directory and each given its custom-sender key, and applies the
// config file's functions:.
func newFunctions(ctx context.Context, cfg Config, st store.Store, creds *tempcreds.Issuer, seals *codeseal.Keys, reg prometheus.Registerer, logger *slog.Logger) (*functions.Runtime, error) {
	rt, err := functions.New(functions.Config{
		Store: st, Credentials: creds, Region: cfg.Region, Account: cfg.AccountID,
		WorkDir: filepath.Join(cfg.DataDir, "functions"), Logger: logger, Registry: reg, Memory: cfg.FunctionMemory,
		Provided: seals.Environment,
	})
	if err != nil {
		return nil, err
	}
	if err := cfg.Functions.Apply(ctx, rt, cfg.ConfigFile); err != nil {
		rt.Close()
		return nil, err
	}
	return rt, nil
}

// customSenderSeals are the keys sealing the codes custom senders get, on
// the deployment's secret for them.
func customSenderSeals(ctx context.Context, st store.Store) (*codeseal.Keys, error) {
	secret, err := deploymentSecret(ctx, st, "userpool.custom-sender-secret")
	if err != nil {
		return nil, fmt.Errorf("custom sender secret: %w", err)
	}
	return codeseal.New(secret)
}
