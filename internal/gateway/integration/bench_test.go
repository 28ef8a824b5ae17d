package integration_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/moat-dev/moat/internal/gateway"
)

// BenchmarkProxy is the gateway's whole path for an open route — API and
// route selection, pipeline, access log, metrics, ReverseProxy — to a
// loopback backend answering a small JSON body.
func BenchmarkProxy(b *testing.B) {
	body := []byte(`{"ok":true,"items":[1,2,3]}`)
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	defer backend.Close()
	g := newGateway(b, proxyRoute("GET", "/items/{id}", backend.URL+"/items/{id}"))
	benchmarkItem(b, g)
}

// BenchmarkLambdaProxy is the gateway's share of a lambda_proxy call: the
// same path with the payload 2.0 event built and marshalled, and the
// function's answer parsed, around an in-process function that answers at
// once — what the gateway adds beside the runtime's invocation.
func BenchmarkLambdaProxy(b *testing.B) {
	answer := []byte(`{"statusCode":200,"headers":{"content-type":"application/json"},"body":"{\"ok\":true,\"items\":[1,2,3]}"}`)
	fns := functions{"items": func(context.Context, []byte) (any, error) { return json.RawMessage(answer), nil }}
	bld := newBuilder(b)
	bld.Functions = fns
	g, err := gateway.New(gateway.Config{APIs: []gateway.API{{Name: "fn", Routes: []gateway.Route{lambdaRoute("GET", "/items/{id}", "items", "")}}},
		NewIntegration: bld.New, Region: "us-east-1", Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	benchmarkItem(b, g)
}

// benchmarkItem times g's answer to GET /items/42?x=1, which must be 200.
func benchmarkItem(b *testing.B, g http.Handler) {
	req := httptest.NewRequest("GET", "/items/42?x=1", nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		g.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
		io.Copy(io.Discard, w.Body)
	}
}
