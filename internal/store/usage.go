package store

import "errors"

// ErrConflict is returned when a write would break a rule between rows rather
// than a key: an API key may be in only one usage plan per API stage.
var ErrConflict = errors.New("store: conflict")

// APIKey is an API Gateway API key. The value itself is never stored in the
// clear: ValueHash (a keyed hash the domain computes) finds the key by value,
// and SealedValue (the value encrypted by the domain) lets GetApiKey
// includeValue=true answer as API Gateway does.
type APIKey struct {
	ID          string
	Name        string
	Description string
	Enabled     bool
	ValueHash   string // unique among keys
	SealedValue []byte
	Attributes  []byte // JSON (customerId, stageKeys, tags), owned by package usage
	CreatedAt   int64
	UpdatedAt   int64
}

// Throttle is a token bucket: BurstLimit tokens, refilled at RateLimit per second.
type Throttle struct {
	RateLimit  float64
	BurstLimit int
}

// Quota caps the requests of one key in one calendar period (DAY, WEEK, MONTH).
type Quota struct {
	Limit  int64
	Offset int64
	Period string
}

// UsagePlanStage is an API stage a plan covers. MethodThrottles override the
// plan's throttle per method, keyed "/resource/path/METHOD" as API Gateway keys them.
type UsagePlanStage struct {
	APIID           string
	Stage           string
	MethodThrottles map[string]Throttle
}

// UsagePlan is an API Gateway usage plan. Stages come back ordered by APIID,
// then Stage; nil Throttle or Quota means none.
type UsagePlan struct {
	ID          string
	Name        string
	Description string
	Throttle    *Throttle
	Quota       *Quota
	Stages      []UsagePlanStage
	Attributes  []byte // JSON (tags, productCode), owned by package usage
	CreatedAt   int64
	UpdatedAt   int64
}

// UsageIncrement asks to count one request of a key under a plan's quota.
// Period names the quota period the request falls in ("2026-11-22",
// "2026-W47", "2026-11": the domain chooses the spelling); Day is the UTC
// calendar day ("2026-11-22") for usage reports.
type UsageIncrement struct {
	PlanID string
	KeyID  string
	Period string
	Day    string
	Limit  int64
}

// DailyUsage is how many requests a key made under a plan on one UTC day.
type DailyUsage struct {
	PlanID string
	KeyID  string
	Day    string
	Used   int64
}
