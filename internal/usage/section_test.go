package usage_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/gateway/integration"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/store/sqlstore"
	"github.com/moat-dev/moat/internal/store/sqlstore/sqlstoretest"
	"github.com/moat-dev/moat/internal/usage"
)

// newService is a usage service on a fresh SQLite store.
func newService(t *testing.T) (*sqlstore.Store, *usage.Service) {
	t.Helper()
	st := sqlstoretest.Open(t)
	svc, err := usage.New(usage.Config{Store: st, Limiter: usage.NewMemoryLimiter(10, time.Now), Secret: []byte("0123456789abcdef0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	return st, svc
}

func TestUsageConfigAppliesIdempotently(t *testing.T) {
	ctx := context.Background()
	st, svc := newService(t)
	b := integration.NewBuilder()
	defer b.Close()
	gw, err := gateway.New(gateway.Config{NewIntegration: b.New, Usage: svc, APIs: []gateway.API{{Name: "shop", Type: "REST",
		Stages: []gateway.Stage{{Name: "prod"}},
		Routes: []gateway.Route{{Method: "GET", Path: "/", APIKeyRequired: true, Integration: gateway.IntegrationConfig{Type: "mock"}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("TEST_KEY_VALUE", "abcdefghijklmnopqrstuvwxyz0123")
	keys := []usage.APIKeyConfig{{Name: "partner", ValueFromEnv: "TEST_KEY_VALUE"}}
	plans := []usage.PlanConfig{{Name: "gold", Throttle: &gateway.Throttle{RateLimit: 5, BurstLimit: 5},
		Quota: &usage.QuotaConfig{Limit: 10, Period: "DAY"}, APIStages: []usage.PlanStageConfig{{API: "shop", Stage: "prod"}}, APIKeys: []string{"partner"}}}
	for range 2 {
		if err := (usage.Section{APIKeys: keys, UsagePlans: plans}).Apply(ctx, svc, gw); err != nil {
			t.Fatal(err)
		}
	}
	apiKeys, _ := st.ListAPIKeys(ctx)
	allPlans, _ := st.ListUsagePlans(ctx)
	if len(apiKeys) != 1 || len(allPlans) != 1 || !apiKeys[0].Enabled || allPlans[0].Quota.Limit != 10 {
		t.Fatalf("after two applies: keys %+v, plans %+v", apiKeys, allPlans)
	}
	shopID, _ := gw.APIID("shop")
	res, err := svc.Check(ctx, usage.Request{APIID: shopID, Stage: "prod", Method: "GET", ResourcePath: "/", APIKey: "abcdefghijklmnopqrstuvwxyz0123", KeyRequired: true})
	if err != nil || res.PlanID != allPlans[0].ID {
		t.Fatalf("declared key in declared plan: %+v %v", res, err)
	}

	plans[0].Quota.Limit = 50
	if err := (usage.Section{APIKeys: keys, UsagePlans: plans}).Apply(ctx, svc, gw); err != nil {
		t.Fatal(err)
	}
	if p, _ := st.GetUsagePlan(ctx, allPlans[0].ID); p.Quota.Limit != 50 {
		t.Errorf("a changed declaration was not applied: %+v", p.Quota)
	}

	t.Setenv("TEST_KEY_VALUE", "another0value0of0thirty0chars0")
	if err := (usage.Section{APIKeys: keys, UsagePlans: plans}).Apply(ctx, svc, gw); err == nil || !strings.Contains(err.Error(), "cannot change") {
		t.Errorf("a changed key value: %v", err)
	}
	bad := []usage.PlanConfig{{Name: "x", APIStages: []usage.PlanStageConfig{{API: "shop", Stage: "beta"}}}}
	if err := (usage.Section{UsagePlans: bad}).Apply(ctx, svc, gw); err == nil {
		t.Error("a plan on a stage the gateway does not serve was accepted")
	}
}

// The config file and the management API refuse the same plans, with the
// same check: the file's error names the YAML key, the API's is its message.
func TestPlanChecksAreShared(t *testing.T) {
	ctx := context.Background()
	st, svc := newService(t)
	cases := []struct {
		plan  usage.PlanConfig
		field string
	}{
		{usage.PlanConfig{Name: "a", Quota: &usage.QuotaConfig{Limit: 10, Offset: 10, Period: "DAY"}}, "quota.offset"},
		{usage.PlanConfig{Name: "a", Quota: &usage.QuotaConfig{Limit: 10, Period: "YEAR"}}, "quota.period"},
		{usage.PlanConfig{Name: "a", Throttle: &gateway.Throttle{RateLimit: math.Inf(1)}}, "throttle.rateLimit"},
		{usage.PlanConfig{Name: "a", APIStages: []usage.PlanStageConfig{{API: "shop", Stage: "prod"}, {API: "shop", Stage: "prod"}}}, "apiStages[1]"},
		{usage.PlanConfig{Name: "a", APIStages: []usage.PlanStageConfig{{API: "shop", Stage: "prod", Throttle: map[string]usage.Throttle{"pets/": {}}}}}, `apiStages[0].throttle["pets/"]`},
		{usage.PlanConfig{Name: strings.Repeat("x", 1025)}, "name"},
	}
	for _, c := range cases {
		fileErr := usage.Section{UsagePlans: []usage.PlanConfig{c.plan}}.Validate()
		var stages []store.UsagePlanStage
		for _, s := range c.plan.APIStages {
			ps := store.UsagePlanStage{APIID: s.API, Stage: s.Stage}
			for k, t := range s.Throttle {
				ps.MethodThrottles = map[string]store.Throttle{k: {RateLimit: t.RateLimit, BurstLimit: t.BurstLimit}}
			}
			stages = append(stages, ps)
		}
		p := store.UsagePlan{Name: c.plan.Name, Stages: stages}
		if q := c.plan.Quota; q != nil {
			p.Quota = &store.Quota{Limit: q.Limit, Offset: q.Offset, Period: q.Period}
		}
		if th := c.plan.Throttle; th != nil {
			p.Throttle = &store.Throttle{RateLimit: th.RateLimit, BurstLimit: th.BurstLimit}
		}
		_, apiErr := svc.CreatePlan(ctx, p, nil)
		var invalid *usage.InvalidError
		if !errors.As(apiErr, &invalid) || invalid.Field != c.field {
			t.Errorf("%s: CreatePlan gave %v, want an invalid %s", c.field, apiErr, c.field)
			continue
		}
		if want := "usagePlans[0]." + c.field + ": " + invalid.Message; fileErr == nil || fileErr.Error() != want {
			t.Errorf("the file's error %v, want %q", fileErr, want)
		}
	}
	if plans, _ := st.ListUsagePlans(ctx); len(plans) != 0 {
		t.Errorf("refused plans were stored: %+v", plans)
	}
}
