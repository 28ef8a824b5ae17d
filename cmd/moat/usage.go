package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/usage"
)

// usageSecretSetting names the store setting holding the key that hashes
// and seals API key values. It is made once per deployment and must never
// change: every stored key would stop matching.
const usageSecretSetting = "usage.api-key-secret"

// newUsage builds the usage-plan service on the deployment's persistent secret.
func newUsage(ctx context.Context, st store.Store, limiter usage.Limiter, reg prometheus.Registerer) (*usage.Service, error) {
	secret, err := deploymentSecret(ctx, st, usageSecretSetting)
	if err != nil {
		return nil, fmt.Errorf("API key secret: %w", err)
	}
	return usage.New(usage.Config{Store: st, Limiter: limiter, Secret: secret, Registerer: reg})
}

// deploymentSecret is the 32 random bytes the store setting name holds,
// made by whichever replica asks first and the same for every one after.
func deploymentSecret(ctx context.Context, st store.Store, name string) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	stored, err := st.PutSettingIfAbsent(ctx, name, hex.EncodeToString(fresh))
	if err != nil {
		return nil, err
	}
	secret, err := hex.DecodeString(stored)
	if err != nil {
		return nil, fmt.Errorf("setting %s is not hex: %w", name, err)
	}
	return secret, nil
}
