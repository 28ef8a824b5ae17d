package gateway_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/gateway/integration"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/store/sqlstore/sqlstoretest"
	"github.com/moat-dev/moat/internal/usage"
)

// usageGateway serves a REST API whose /keyed route needs an API key and
// whose prod stage throttles every method to 2 requests at once, 1/s after.
func usageGateway(t *testing.T) (url string, st store.Store, svc *usage.Service, log *bytes.Buffer, reg *prometheus.Registry, g *gateway.Gateway) {
	t.Helper()
	st = sqlstoretest.Open(t)
	reg = prometheus.NewRegistry()
	svc, err := usage.New(usage.Config{Store: st, Limiter: usage.NewMemoryLimiter(100, time.Now), Secret: bytes.Repeat([]byte("s"), 32), Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	log = &bytes.Buffer{}
	g, err = gateway.New(gateway.Config{Usage: svc, NewIntegration: integration.NewBuilder().New, Logger: slog.New(slog.NewJSONHandler(log, nil)),
		APIs: []gateway.API{{Name: "shop", ID: "shop1", Type: "REST",
			Stages: []gateway.Stage{{Name: "prod", Throttle: &gateway.Throttle{RateLimit: 1, BurstLimit: 2}}},
			Routes: []gateway.Route{
				{Method: "GET", Path: "/keyed", APIKeyRequired: true, Throttle: &gateway.Throttle{RateLimit: 1000, BurstLimit: 1000},
					Integration: gateway.IntegrationConfig{Type: "mock", Body: "ok"}},
				{Method: "GET", Path: "/open", Integration: gateway.IntegrationConfig{Type: "mock", Body: "ok"}},
			}}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	return srv.URL, st, svc, log, reg, g
}

func TestAPIKeyRequired(t *testing.T) {
	url, st, svc, log, reg, g := usageGateway(t)
	ctx := context.Background()
	if !g.HasStage("shop1", "prod") || g.HasStage("shop1", "beta") {
		t.Error("HasStage does not know the API's stages")
	}
	key, value, err := svc.CreateAPIKey(ctx, usage.NewAPIKey{Name: "k", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	plan := store.UsagePlan{ID: "plan1", Quota: &store.Quota{Limit: 2, Period: "DAY"}, Stages: []store.UsagePlanStage{{APIID: "shop1", Stage: "prod"}}}
	if err := st.CreateUsagePlan(ctx, plan); err != nil {
		t.Fatal(err)
	}
	if err := st.AddUsagePlanKey(ctx, plan.ID, key.ID); err != nil {
		t.Fatal(err)
	}
	svc.Invalidate()

	for _, h := range []http.Header{nil, {"X-Api-Key": {"not-a-key-of-ours-at-all-000"}}} {
		res, body := do(t, "GET", url+"/prod/keyed", h)
		if res.StatusCode != 403 || body != `{"message":"Forbidden"}` || res.Header.Get("X-Amzn-Errortype") != "ForbiddenException" {
			t.Errorf("key %v: %d %s %v", h, res.StatusCode, body, res.Header)
		}
	}
	withKey := http.Header{"X-Api-Key": {value}}
	for i := range 2 {
		if res, body := do(t, "GET", url+"/prod/keyed", withKey); res.StatusCode != 200 || body != "ok" {
			t.Fatalf("request %d with key: %d %s", i, res.StatusCode, body)
		}
	}
	res, body := do(t, "GET", url+"/prod/keyed", withKey)
	if res.StatusCode != 429 || body != `{"message":"Limit Exceeded"}` || res.Header.Get("Retry-After") == "" {
		t.Errorf("over quota: %d %s %v", res.StatusCode, body, res.Header)
	}
	if !strings.Contains(log.String(), `"apiKeyId":"`+key.ID+`"`) || !strings.Contains(log.String(), `"usagePlanId":"plan1"`) || strings.Contains(log.String(), value) {
		t.Errorf("access log must name the key and plan, never the value:\n%s", log.String())
	}
	if n := counter(t, reg, "plan1", key.ID, "over_quota"); n != 1 {
		t.Errorf("over_quota count = %v", n)
	}
}

// counter reads moat_usage_plan_requests_total for one plan, key and outcome.
func counter(t *testing.T, reg *prometheus.Registry, plan, key, outcome string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var n float64
	for _, f := range families {
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if f.GetName() == "moat_usage_plan_requests_total" && labels["plan"] == plan && labels["key"] == key && labels["outcome"] == outcome {
				n += m.GetCounter().GetValue()
			}
		}
	}
	return n
}

func TestStageThrottleAppliesToKeylessCallers(t *testing.T) {
	url, _, _, _, _, _ := usageGateway(t)
	for i := range 2 {
		if res, _ := do(t, "GET", url+"/prod/open", nil); res.StatusCode != 200 {
			t.Fatalf("request %d: %d", i, res.StatusCode)
		}
	}
	res, body := do(t, "GET", url+"/prod/open", nil)
	if res.StatusCode != 429 || body != `{"message":"Too Many Requests"}` || res.Header.Get("Retry-After") != "1" {
		t.Errorf("third request: %d %s %v", res.StatusCode, body, res.Header)
	}
}

func TestUsageValidation(t *testing.T) {
	mock := gateway.IntegrationConfig{Type: "mock"}
	for name, api := range map[string]gateway.API{
		"key on HTTP API": {Name: "a", Routes: []gateway.Route{{Method: "GET", Path: "/", APIKeyRequired: true, Integration: mock}}},
		"bad key source":  {Name: "a", Type: "REST", APIKeySource: "QUERY", Routes: []gateway.Route{{Method: "GET", Path: "/", Integration: mock}}},
		"negative burst":  {Name: "a", Type: "REST", Routes: []gateway.Route{{Method: "GET", Path: "/", Throttle: &gateway.Throttle{RateLimit: 1, BurstLimit: -1}, Integration: mock}}},
	} {
		if err := gateway.Validate([]gateway.API{api}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	_, err := gateway.New(gateway.Config{NewIntegration: integration.NewBuilder().New, APIs: []gateway.API{{Name: "a", Type: "REST",
		Routes: []gateway.Route{{Method: "GET", Path: "/", APIKeyRequired: true, Integration: mock}}}}})
	if err == nil {
		t.Error("a gateway without a usage service accepted apiKeyRequired")
	}
}
