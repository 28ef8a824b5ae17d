package usage_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/gateway/integration"
	"github.com/moat-dev/moat/internal/store/sqlstore"
	"github.com/moat-dev/moat/internal/usage"
)

func TestUsageConfigAppliesIdempotently(t *testing.T) {
	ctx := context.Background()
	st, err := sqlstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "moat.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := usage.New(usage.Config{Store: st, Limiter: usage.NewMemoryLimiter(10, time.Now), Secret: []byte("0123456789abcdef0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
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
