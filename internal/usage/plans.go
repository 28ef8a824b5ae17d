package usage

import (
	"context"
	"errors"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/moat-dev/moat/internal/configfile"
	"github.com/moat-dev/moat/internal/store"
)

// Throttle is a token bucket as API definitions and the config file write
// it: burstLimit requests at once, refilled at rateLimit requests a second.
// Zero in either blocks the method, as on AWS.
type Throttle struct {
	RateLimit  float64 `yaml:"rateLimit"`
	BurstLimit int     `yaml:"burstLimit"`
}

func (t Throttle) stored() store.Throttle {
	return store.Throttle{RateLimit: t.RateLimit, BurstLimit: t.BurstLimit}
}

// KnownStage says whether the gateway serves stage of the API apiID: a plan
// may only cover stages that exist. nil accepts any.
type KnownStage func(apiID, stage string) bool

var quotaPeriods = []string{"DAY", "WEEK", "MONTH"}

// checkPlan refuses what API Gateway refuses in a plan, the management API
// and the config file alike.
func checkPlan(p store.UsagePlan, known KnownStage) error {
	if p.Name == "" {
		return invalid("name", "Usage plan name must be specified")
	}
	if err := checkName(p.Name); err != nil {
		return err
	}
	if p.Throttle != nil {
		if err := checkThrottle("throttle", *p.Throttle); err != nil {
			return err
		}
	}
	if q := p.Quota; q != nil {
		switch {
		case !slices.Contains(quotaPeriods, q.Period):
			return invalid("quota.period", "Invalid quota period: must be one of DAY, WEEK or MONTH")
		case q.Limit < 0:
			return invalid("quota.limit", "Quota limit must be at least 0")
		case q.Offset < 0 || (q.Offset > 0 && q.Offset >= q.Limit):
			return invalid("quota.offset", "Quota offset must be at least 0 and less than the limit")
		}
	}
	seen := map[string]bool{}
	for i, s := range p.Stages {
		at, id := configfile.Index("apiStages", i), s.APIID+":"+s.Stage
		if seen[id] {
			return invalid(at, "API stage %s is listed twice", id)
		}
		seen[id] = true
		if known != nil && !known(s.APIID, s.Stage) {
			return invalid(at, "Invalid stage identifier specified: %s", id)
		}
		for _, key := range slices.Sorted(maps.Keys(s.MethodThrottles)) {
			mat := configfile.Key(at+".throttle", key)
			if i := strings.LastIndexByte(key, '/'); !strings.HasPrefix(key, "/") || i == len(key)-1 {
				return invalid(mat, "Invalid method throttle key %s: must be /resource/path/METHOD", key)
			}
			if err := checkThrottle(mat, s.MethodThrottles[key]); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkThrottle(at string, t store.Throttle) error {
	if math.IsNaN(t.RateLimit) || math.IsInf(t.RateLimit, 0) || t.RateLimit < 0 {
		return invalid(at+".rateLimit", "Throttle rateLimit must be a number at least 0")
	}
	if t.BurstLimit < 0 {
		return invalid(at+".burstLimit", "Throttle burstLimit must be at least 0")
	}
	return nil
}

// sortStages orders a plan's stages as the store keeps them.
func sortStages(p *store.UsagePlan) {
	slices.SortFunc(p.Stages, func(a, b store.UsagePlanStage) int {
		return strings.Compare(a.APIID+"\x00"+a.Stage, b.APIID+"\x00"+b.Stage)
	})
}

// CreatePlan checks p as API Gateway would and stores it under a new ID.
// A refusal is an *InvalidError.
func (s *Service) CreatePlan(ctx context.Context, p store.UsagePlan, known KnownStage) (store.UsagePlan, error) {
	if err := checkPlan(p, known); err != nil {
		return store.UsagePlan{}, err
	}
	sortStages(&p)
	now := s.now().Unix()
	p.ID, p.CreatedAt, p.UpdatedAt = NewKeyID(), now, now
	if err := s.changed(s.store.CreateUsagePlan(ctx, p)); err != nil {
		return store.UsagePlan{}, err
	}
	return p, nil
}

// UpdatePlan applies change to the stored plan and keeps the result if it
// passes the same checks as CreatePlan. change's own error is returned as it
// is; store.ErrNotFound means no such plan and store.ErrConflict that a key
// of the plan is in another plan covering a stage the change adds.
func (s *Service) UpdatePlan(ctx context.Context, id string, known KnownStage, change func(*store.UsagePlan) error) error {
	err := s.store.UpdateUsagePlan(ctx, id, func(old store.UsagePlan) (store.UsagePlan, error) {
		p := clonePlan(old)
		if err := change(&p); err != nil {
			return p, err
		}
		if err := checkPlan(p, known); err != nil {
			return p, err
		}
		sortStages(&p)
		p.UpdatedAt = s.now().Unix()
		return p, nil
	})
	return s.changed(err)
}

// clonePlan copies p deeply. The store compares what an update returns with
// the plan it read (to find the stages dropped), so a change must not write
// through shared slices and maps into that plan.
func clonePlan(p store.UsagePlan) store.UsagePlan {
	p.Stages = slices.Clone(p.Stages)
	for i := range p.Stages {
		p.Stages[i].MethodThrottles = maps.Clone(p.Stages[i].MethodThrottles)
	}
	if p.Throttle != nil {
		t := *p.Throttle
		p.Throttle = &t
	}
	if p.Quota != nil {
		q := *p.Quota
		p.Quota = &q
	}
	p.Attributes = slices.Clone(p.Attributes)
	return p
}

// DeletePlan removes a plan; store.ErrNotFound when there is none.
func (s *Service) DeletePlan(ctx context.Context, id string) error {
	return s.changed(s.store.DeleteUsagePlan(ctx, id))
}

// AddPlanKey puts a key in a plan. store.ErrAlreadyExists: it is in it;
// store.ErrConflict: the key is in another plan covering one of its stages;
// store.ErrNotFound: no such plan or key.
func (s *Service) AddPlanKey(ctx context.Context, planID, keyID string) error {
	return s.changed(s.store.AddUsagePlanKey(ctx, planID, keyID))
}

// RemovePlanKey takes a key out of a plan; store.ErrNotFound when it is not in it.
func (s *Service) RemovePlanKey(ctx context.Context, planID, keyID string) error {
	return s.changed(s.store.RemoveUsagePlanKey(ctx, planID, keyID))
}

// findPlanByName is the plan named name, or nil.
func (s *Service) findPlanByName(ctx context.Context, name string) (*store.UsagePlan, error) {
	plans, err := s.store.ListUsagePlans(ctx)
	if err != nil {
		return nil, err
	}
	if i := slices.IndexFunc(plans, func(p store.UsagePlan) bool { return p.Name == name }); i >= 0 {
		return &plans[i], nil
	}
	return nil, nil
}

// DeclarePlan makes the plan named p.Name hold p's settings and the keys
// keyIDs, creating it when missing. Running it again changes nothing.
func (s *Service) DeclarePlan(ctx context.Context, p store.UsagePlan, keyIDs []string, known KnownStage) (store.UsagePlan, error) {
	existing, err := s.findPlanByName(ctx, p.Name)
	switch {
	case err != nil:
		return store.UsagePlan{}, err
	case existing == nil:
		if p, err = s.CreatePlan(ctx, p, known); err != nil {
			return store.UsagePlan{}, err
		}
	default:
		want := p
		err = s.UpdatePlan(ctx, existing.ID, known, func(p *store.UsagePlan) error {
			p.Description, p.Throttle, p.Quota, p.Stages = want.Description, want.Throttle, want.Quota, want.Stages
			return nil
		})
		if err != nil {
			return store.UsagePlan{}, err
		}
		p.ID = existing.ID
	}
	for i, keyID := range keyIDs {
		if err := s.AddPlanKey(ctx, p.ID, keyID); err != nil && !errors.Is(err, store.ErrAlreadyExists) {
			return store.UsagePlan{}, configfile.At(configfile.Index("apiKeys", i), err)
		}
	}
	return p, nil
}
