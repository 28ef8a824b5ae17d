package integration_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
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
