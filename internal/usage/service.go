package usage

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/moat-dev/moat/internal/store"
)

// Config wires a Service.
type Config struct {
	Store   store.Store
	Limiter Limiter
	// Secret (≥ 32 bytes) keys API-key hashes and seals values; it must stay
	// the same for as long as the keys live (keep it in a store setting).
	Secret     []byte
	Registerer prometheus.Registerer // nil: no metrics
	Now        func() time.Time      // nil: time.Now
	CacheTTL   time.Duration         // 0: 5 s
}

// Service answers the gateway's per-request usage-plan question and creates
// API keys for the management API.
type Service struct {
	store   store.Store
	limiter Limiter
	keys    *keyring
	metrics *metrics
	now     func() time.Time
	cache   *lookupCache
}

const (
	defaultCacheTTL = 5 * time.Second
	cacheEntries    = 10000
)

func New(cfg Config) (*Service, error) {
	keys, err := newKeyring(cfg.Secret)
	if err != nil {
		return nil, err
	}
	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, err
	}
	s := &Service{store: cfg.Store, limiter: cfg.Limiter, keys: keys, metrics: m, now: cfg.Now, cache: newLookupCache(orDefault(cfg.CacheTTL, defaultCacheTTL), cacheEntries)}
	if s.now == nil {
		s.now = time.Now
	}
	return s, nil
}

func orDefault(d, fallback time.Duration) time.Duration {
	if d <= 0 {
		return fallback
	}
	return d
}

// Invalidate drops cached lookups. The Service's own changes call it; call
// it after changing keys, plans or plan keys through the store directly.
func (s *Service) Invalidate() { s.cache.purge() }

// changed passes on the error of a change to keys or plans, dropping the
// cache when the change was made.
func (s *Service) changed(err error) error {
	if err == nil {
		s.Invalidate()
	}
	return err
}

// Request describes one gateway request for Check.
type Request struct {
	APIID, Stage  string
	Method        string // HTTP method as the route matched it
	ResourcePath  string // the route's resource path, e.g. /pets/{id}
	APIKey        string // from X-API-Key, or the authorizer's usageIdentifierKey
	KeyRequired   bool   // the method's apiKeyRequired
	StageThrottle *store.Throttle
}

// Result is an admitted request's usage identity; Remaining is the quota
// left in the period, -1 when the plan has none (or no plan applies).
type Result struct {
	KeyID, PlanID string
	Remaining     int64
}

// Check decides whether a request may proceed: API key (when required), the
// key's plan throttle (a per-method override first), the stage's throttle,
// then the quota. A refusal is an *Error; other errors are the store's or
// the limiter's and mean the check could not be made.
func (s *Service) Check(ctx context.Context, r Request) (Result, error) {
	res := Result{Remaining: -1}
	var plan *store.UsagePlan
	if r.KeyRequired {
		l, err := s.lookup(ctx, r.APIKey, r.APIID, r.Stage)
		if err != nil {
			return res, err
		}
		if l.key == nil || !l.key.Enabled || l.plan == nil {
			s.metrics.count("", "", outcomeInvalid)
			return res, invalidKey()
		}
		plan, res.KeyID, res.PlanID = l.plan, l.key.ID, l.plan.ID
		if t, bucket := planThrottle(plan, r, res.KeyID, l.planBucket); t != nil {
			if err := s.throttle(ctx, bucket, *t, res); err != nil {
				return res, err
			}
		}
	}
	if r.StageThrottle != nil {
		if err := s.throttle(ctx, "stage\x00"+r.APIID+"\x00"+r.Stage+"\x00"+r.ResourcePath+"\x00"+r.Method, *r.StageThrottle, res); err != nil {
			return res, err
		}
	}
	if plan != nil && plan.Quota != nil {
		remaining, err := s.countQuota(ctx, plan, res.KeyID)
		if err != nil {
			return res, err
		}
		res.Remaining = remaining
	}
	s.metrics.count(res.PlanID, res.KeyID, outcomeAllowed)
	return res, nil
}

// planThrottle picks the method's override in the plan, else the plan's
// throttle, and the bucket it fills: per key, shared across the plan's
// stages for the plan throttle (planBucket), per method for an override.
func planThrottle(p *store.UsagePlan, r Request, keyID, planBucket string) (*store.Throttle, string) {
	for _, st := range p.Stages {
		if st.APIID == r.APIID && st.Stage == r.Stage {
			if t, ok := st.MethodThrottles[r.ResourcePath+"/"+r.Method]; ok {
				return &t, "plan\x00" + p.ID + "\x00" + keyID + "\x00" + r.APIID + "\x00" + r.Stage + "\x00" + r.ResourcePath + "/" + r.Method
			}
		}
	}
	return p.Throttle, planBucket
}

func (s *Service) throttle(ctx context.Context, bucket string, t store.Throttle, res Result) error {
	d, err := s.limiter.Allow(ctx, bucket, t.RateLimit, t.BurstLimit)
	if err != nil {
		return err
	}
	if !d.Allowed {
		s.metrics.count(res.PlanID, res.KeyID, outcomeThrottled)
		return throttled(d.RetryAfter, res.PlanID, res.KeyID)
	}
	return nil
}

func (s *Service) countQuota(ctx context.Context, p *store.UsagePlan, keyID string) (int64, error) {
	now := s.now()
	period, start, end, ok := quotaPeriod(p.Quota.Period, now)
	if !ok {
		return -1, nil // management validates periods; an unknown one counts nothing
	}
	limit := quotaLimit(*p.Quota, p.CreatedAt, start, end)
	used, allowed, err := s.store.IncrementUsage(ctx, store.UsageIncrement{PlanID: p.ID, KeyID: keyID, Period: period, Day: now.UTC().Format(time.DateOnly), Limit: limit})
	if err != nil {
		return 0, err
	}
	if !allowed {
		s.metrics.count(p.ID, keyID, outcomeOverQuota)
		return 0, quotaExceeded(time.Duration(math.Ceil(end.Sub(now).Seconds()))*time.Second, p.ID, keyID)
	}
	return limit - used, nil
}

// lookup finds the key with this value and its plan on the stage, through the cache.
func (s *Service) lookup(ctx context.Context, value, apiID, stage string) (lookup, error) {
	if ValidateValue(value) != nil {
		return lookup{}, nil // no stored key can have it; spare the hash and the query
	}
	cacheKey := lookupKey{digest: s.keys.digest(value), apiID: apiID, stage: stage}
	now := s.now()
	l, ticket, ok := s.cache.get(cacheKey, now)
	if ok {
		return l, nil
	}
	hash := hex.EncodeToString(cacheKey.digest[:])
	k, err := s.store.FindAPIKeyByValueHash(ctx, hash)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return l, fmt.Errorf("usage: find API key: %w", err)
	default:
		l.key = &k
		p, err := s.store.FindUsagePlanForStage(ctx, k.ID, apiID, stage)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return l, fmt.Errorf("usage: find usage plan: %w", err)
		default:
			l.plan = &p
			l.planBucket = "plan\x00" + p.ID + "\x00" + k.ID
		}
	}
	s.cache.put(ticket, cacheKey, l, now)
	return l, nil
}
