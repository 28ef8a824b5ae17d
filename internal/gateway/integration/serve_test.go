package integration_test

import (
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/gateway/integration"
)

// newGateway is a gateway serving routes through the real integration
// builder, with a silent log.
func newGateway(t testing.TB, routes ...gateway.Route) *gateway.Gateway {
	t.Helper()
	return newGatewayFor(t, gateway.API{Name: "api", Routes: routes})
}

func newGatewayFor(t testing.TB, api gateway.API) *gateway.Gateway {
	t.Helper()
	g, err := gateway.New(gateway.Config{
		APIs:           []gateway.API{api},
		NewIntegration: newBuilder(t).New,
		Region:         "us-east-1",
		Logger:         slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func newBuilder(t testing.TB) *integration.Builder {
	b := integration.NewBuilder()
	t.Cleanup(b.Close)
	return b
}

// serveGateway is newGateway listening on a loopback port.
func serveGateway(t testing.TB, routes ...gateway.Route) string {
	t.Helper()
	return serveAPI(t, gateway.API{Name: "api", Routes: routes})
}

func serveAPI(t testing.TB, api gateway.API) string {
	t.Helper()
	srv := httptest.NewServer(newGatewayFor(t, api))
	t.Cleanup(srv.Close)
	return srv.URL
}

func proxyRoute(method, path, uri string) gateway.Route {
	return gateway.Route{Method: method, Path: path, Integration: gateway.IntegrationConfig{Type: "http_proxy", URI: uri}}
}
