package gateway_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/gateway/integration"
)

// nullWriter is a ResponseWriter that keeps nothing, so the benchmark
// counts the gateway's allocations, not a recorder's.
type nullWriter struct{ h http.Header }

func (w *nullWriter) Header() http.Header         { return w.h }
func (w *nullWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nullWriter) WriteHeader(int)             {}

// BenchmarkGatewayPath is everything the gateway does around an
// integration — canonical path, API, stage and route selection with a
// path parameter, forged-header removal, the method ARN, the default
// pipeline, metrics and the access-log line (to a writer) — with a mock
// integration, so no network is in the measurement.
func BenchmarkGatewayPath(b *testing.B) {
	bld := integration.NewBuilder()
	b.Cleanup(bld.Close)
	g, err := gateway.New(gateway.Config{APIs: []gateway.API{{Name: "shop", Routes: []gateway.Route{mockRoute("GET", "/items/{id}", `{"ok":true}`)}}},
		NewIntegration: bld.New, Region: "us-east-1", Logger: slog.New(slog.DiscardHandler), AccessLog: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/items/42?x=1", nil)
	req.Header.Set("User-Agent", "bench/1")
	w := &nullWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		g.ServeHTTP(w, req)
	}
}
