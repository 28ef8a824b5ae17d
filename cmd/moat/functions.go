package main

import (
	"context"
	"log/slog"
	"path/filepath"

	"github.com/moat-dev/moat/internal/functions"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/tempcreds"
	"github.com/prometheus/client_golang/prometheus"
)

// newFunctions builds the function runtime, its workers' code kept under
// the data directory, and applies the config file's functions:.
func newFunctions(ctx context.Context, cfg Config, st store.Store, creds *tempcreds.Issuer, reg prometheus.Registerer, logger *slog.Logger) (*functions.Runtime, error) {
	rt, err := functions.New(functions.Config{
		Store: st, Credentials: creds, Region: cfg.Region, Account: cfg.AccountID,
		WorkDir: filepath.Join(cfg.DataDir, "functions"), Logger: logger, Registry: reg, Memory: cfg.FunctionMemory,
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
