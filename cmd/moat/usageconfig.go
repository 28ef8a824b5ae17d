package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/usage"
)

// APIKeyConfig declares an API key in the config file (apiKeys:). The key
// is found by name at every start: created when missing, its enabled flag
// and description brought in line; its value never changes once created.
type APIKeyConfig struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description,omitempty"`
	// Enabled defaults to true.
	Enabled *bool `yaml:"enabled,omitempty"`
	// The value comes from an environment variable or a file (trailing
	// newline trimmed): 20 to 128 letters and digits.
	ValueFromEnv  string `yaml:"valueFromEnv,omitempty"`
	ValueFromFile string `yaml:"valueFromFile,omitempty"`
}

// UsagePlanConfig declares a usage plan (usagePlans:). Found by name at every
// start, it is created or updated to match, and its declared keys attached.
type UsagePlanConfig struct {
	Name        string            `yaml:"name"`
	Description string            `yaml:"description,omitempty"`
	Throttle    *gateway.Throttle `yaml:"throttle,omitempty"`
	Quota       *QuotaConfig      `yaml:"quota,omitempty"`
	APIStages   []PlanStageConfig `yaml:"apiStages,omitempty"`
	APIKeys     []string          `yaml:"apiKeys,omitempty"` // names of declared keys
}

// QuotaConfig is a plan's quota: limit requests per period (DAY, WEEK, MONTH).
type QuotaConfig struct {
	Limit  int64  `yaml:"limit"`
	Offset int64  `yaml:"offset,omitempty"`
	Period string `yaml:"period"`
}

// PlanStageConfig is an API stage a plan covers; API is the API's name.
type PlanStageConfig struct {
	API   string `yaml:"api"`
	Stage string `yaml:"stage"`
	// Throttle overrides the plan's throttle per method: "/pets/GET": {...}.
	Throttle map[string]gateway.Throttle `yaml:"throttle,omitempty"`
}

// keyValue reads a declared key's value from where the config points.
func (k APIKeyConfig) keyValue() (string, error) {
	switch {
	case k.ValueFromEnv != "" && k.ValueFromFile != "":
		return "", fmt.Errorf("apiKeys %q: set valueFromEnv or valueFromFile, not both", k.Name)
	case k.ValueFromEnv != "":
		v, ok := os.LookupEnv(k.ValueFromEnv)
		if !ok || v == "" {
			return "", fmt.Errorf("apiKeys %q: environment variable %s is not set", k.Name, k.ValueFromEnv)
		}
		return v, nil
	case k.ValueFromFile != "":
		b, err := os.ReadFile(k.ValueFromFile)
		if err != nil {
			return "", fmt.Errorf("apiKeys %q: %w", k.Name, err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
	return "", fmt.Errorf("apiKeys %q: set valueFromEnv or valueFromFile", k.Name)
}

// applyUsageConfig makes the store hold the declared keys and plans.
// Running it again changes nothing, so every replica may run it at start.
func applyUsageConfig(ctx context.Context, st store.Store, svc *usage.Service, gw *gateway.Gateway, keys []APIKeyConfig, plans []UsagePlanConfig) error {
	if len(keys) == 0 && len(plans) == 0 {
		return nil
	}
	defer svc.Invalidate()
	keyIDs := map[string]string{}
	for _, k := range keys {
		id, err := applyAPIKey(ctx, st, svc, k)
		if err != nil {
			return err
		}
		keyIDs[k.Name] = id
	}
	for _, p := range plans {
		if err := applyUsagePlan(ctx, st, gw, p, keyIDs); err != nil {
			return fmt.Errorf("usagePlans %q: %w", p.Name, err)
		}
	}
	return nil
}

func applyAPIKey(ctx context.Context, st store.Store, svc *usage.Service, c APIKeyConfig) (string, error) {
	if c.Name == "" {
		return "", errors.New("apiKeys: a key has no name")
	}
	value, err := c.keyValue()
	if err != nil {
		return "", err
	}
	if err := usage.ValidateValue(value); err != nil {
		return "", fmt.Errorf("apiKeys %q: %w", c.Name, err)
	}
	enabled := c.Enabled == nil || *c.Enabled
	existing, err := findKeyByName(ctx, st, c.Name)
	if err != nil {
		return "", err
	}
	if existing == nil {
		k, _, err := svc.CreateAPIKey(ctx, usage.NewAPIKey{Name: c.Name, Description: c.Description, Enabled: enabled, Value: value})
		if err != nil {
			return "", fmt.Errorf("apiKeys %q: %w", c.Name, err)
		}
		return k.ID, nil
	}
	if stored, err := svc.KeyValue(*existing); err != nil || stored != value {
		return "", fmt.Errorf("apiKeys %q: the stored key has another value; a key's value cannot change (delete the key or declare it under a new name)", c.Name)
	}
	err = st.UpdateAPIKey(ctx, existing.ID, func(k store.APIKey) (store.APIKey, error) {
		if k.Enabled != enabled || k.Description != c.Description {
			k.Enabled, k.Description, k.UpdatedAt = enabled, c.Description, time.Now().Unix()
		}
		return k, nil
	})
	return existing.ID, err
}

func findKeyByName(ctx context.Context, st store.Store, name string) (*store.APIKey, error) {
	all, err := st.ListAPIKeys(ctx)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].Name == name {
			return &all[i], nil
		}
	}
	return nil, nil
}

func applyUsagePlan(ctx context.Context, st store.Store, gw *gateway.Gateway, c UsagePlanConfig, keyIDs map[string]string) error {
	if c.Name == "" {
		return errors.New("a plan has no name")
	}
	desired, err := planFromConfig(c, gw)
	if err != nil {
		return err
	}
	plans, err := st.ListUsagePlans(ctx)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(plans, func(p store.UsagePlan) bool { return p.Name == c.Name })
	var id string
	if i < 0 {
		now := time.Now().Unix()
		desired.ID, desired.CreatedAt, desired.UpdatedAt = usage.NewKeyID(), now, now
		if err := st.CreateUsagePlan(ctx, desired); err != nil {
			return err
		}
		id = desired.ID
	} else {
		id = plans[i].ID
		err := st.UpdateUsagePlan(ctx, id, func(p store.UsagePlan) (store.UsagePlan, error) {
			p.Description, p.Throttle, p.Quota, p.Stages = desired.Description, desired.Throttle, desired.Quota, desired.Stages
			p.UpdatedAt = time.Now().Unix()
			return p, nil
		})
		if err != nil {
			return err
		}
	}
	for _, name := range c.APIKeys {
		keyID, ok := keyIDs[name]
		if !ok {
			return fmt.Errorf("apiKeys: %q is not a key declared under apiKeys", name)
		}
		if err := st.AddUsagePlanKey(ctx, id, keyID); err != nil && !errors.Is(err, store.ErrAlreadyExists) {
			return fmt.Errorf("key %q: %w", name, err)
		}
	}
	return nil
}

var quotaPeriods = []string{"DAY", "WEEK", "MONTH"}

func planFromConfig(c UsagePlanConfig, gw *gateway.Gateway) (store.UsagePlan, error) {
	p := store.UsagePlan{Name: c.Name, Description: c.Description}
	if t := c.Throttle; t != nil {
		p.Throttle = &store.Throttle{RateLimit: t.RateLimit, BurstLimit: t.BurstLimit}
	}
	if q := c.Quota; q != nil {
		if !slices.Contains(quotaPeriods, q.Period) || q.Limit < 0 || q.Offset < 0 {
			return p, fmt.Errorf("quota: period must be DAY, WEEK or MONTH and limit, offset ≥ 0")
		}
		p.Quota = &store.Quota{Limit: q.Limit, Offset: q.Offset, Period: q.Period}
	}
	for _, s := range c.APIStages {
		apiID, ok := gw.APIID(s.API)
		if !ok || !gw.HasStage(apiID, s.Stage) {
			return p, fmt.Errorf("apiStages: api %q has no stage %q", s.API, s.Stage)
		}
		ps := store.UsagePlanStage{APIID: apiID, Stage: s.Stage}
		for method, t := range s.Throttle {
			if ps.MethodThrottles == nil {
				ps.MethodThrottles = map[string]store.Throttle{}
			}
			ps.MethodThrottles[method] = store.Throttle{RateLimit: t.RateLimit, BurstLimit: t.BurstLimit}
		}
		p.Stages = append(p.Stages, ps)
	}
	slices.SortFunc(p.Stages, func(a, b store.UsagePlanStage) int {
		return strings.Compare(a.APIID+"\x00"+a.Stage, b.APIID+"\x00"+b.Stage)
	})
	return p, nil
}
