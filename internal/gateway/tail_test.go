package gateway_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/gateway/integration"
)

// TestWatch: a watcher of an API gets each of its finished requests, with
// the refusal's type and reason, and nothing of other APIs; after stop,
// nothing more; a watcher that does not read never holds a request up.
func TestWatch(t *testing.T) {
	auth := idAuthorizer(func(*gateway.Request) (*gateway.Identity, error) {
		return nil, &gateway.Error{Type: gateway.Unauthorized, Message: "Unauthorized", Reason: "no token"}
	})
	g, err := gateway.New(gateway.Config{NewIntegration: integration.NewBuilder().New,
		NewAuthorizer: func(*gateway.API, gateway.AuthorizerConfig) (gateway.Authorizer, error) { return auth, nil },
		APIs: []gateway.API{
			{Name: "shop", BasePath: "/shop", Authorizers: []gateway.AuthorizerConfig{{Name: "jwt", Type: "JWT"}},
				Routes: []gateway.Route{mockRoute("GET", "/open", "ok"), {Method: "GET", Path: "/private", Authorizer: "jwt",
					Integration: gateway.IntegrationConfig{Type: "mock", Body: "secret"}}}},
			{Name: "other", BasePath: "/other", Routes: []gateway.Route{mockRoute("GET", "/open", "ok")}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g)
	defer srv.Close()
	records := make(chan gateway.AccessRecord, 8)
	stop := g.Watch("shop", records)
	stuck := make(chan gateway.AccessRecord) // never read
	defer g.Watch("shop", stuck)()
	for _, path := range []string{"/other/open", "/shop/open", "/shop/private"} {
		do(t, "GET", srv.URL+path, nil)
	}
	want := []gateway.AccessRecord{
		{API: "shop", Route: "GET /open", Method: "GET", Path: "/shop/open", Status: 200},
		{API: "shop", Route: "GET /private", Method: "GET", Path: "/shop/private", Status: 401, ErrorType: "UNAUTHORIZED", Reason: "no token"},
	}
	for _, w := range want {
		select {
		case got := <-records:
			if got.RequestID == "" || got.Time.IsZero() || got.LatencyMS < 0 {
				t.Errorf("record %+v has no request ID, time or latency", got)
			}
			got.RequestID, got.Time, got.LatencyMS, got.Stage = "", time.Time{}, 0, ""
			if got != w {
				t.Errorf("record\n got %+v\nwant %+v", got, w)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no record for %s", w.Path)
		}
	}
	stop()
	stop() // twice is harmless
	do(t, "GET", srv.URL+"/shop/open", nil)
	select {
	case got := <-records:
		t.Errorf("a record after stop: %+v", got)
	case <-time.After(100 * time.Millisecond):
	}
}
