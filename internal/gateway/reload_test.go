package gateway_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/gateway/integration"
)

// Reload swaps the APIs under load: every request is answered whole by the
// old APIs or the new ones, none fails, and once Reload returns new
// requests see the new APIs. An invalid configuration changes nothing.
func TestReloadUnderLoad(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Millisecond) // a request spans reloads
		io.WriteString(w, "backend")
	}))
	defer backend.Close()
	version := func(v string) []gateway.API {
		return []gateway.API{{Name: "api", Routes: []gateway.Route{
			mockRoute("GET", "/version", v),
			{Method: "GET", Path: "/proxied", Integration: gateway.IntegrationConfig{Type: "http_proxy", URI: backend.URL}},
		}}}
	}
	b := integration.NewBuilder()
	t.Cleanup(b.Close)
	g, err := gateway.New(gateway.Config{APIs: version("v0"), NewIntegration: b.New, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g)
	defer srv.Close()

	var stop atomic.Bool
	var served, failed atomic.Int64
	var wg sync.WaitGroup
	failures := make(chan string, 10)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				for _, path := range []string{"/version", "/proxied"} {
					res, err := http.Get(srv.URL + path)
					if err != nil {
						failed.Add(1)
						select {
						case failures <- err.Error():
						default:
						}
						continue
					}
					body, _ := io.ReadAll(res.Body)
					res.Body.Close()
					ok := res.StatusCode == 200 && (path == "/proxied" && string(body) == "backend" || (strings.HasPrefix(string(body), "v") || string(body) == "final"))
					if !ok {
						failed.Add(1)
						select {
						case failures <- path + ": " + res.Status + " " + string(body):
						default:
						}
					}
					served.Add(1)
				}
			}
		}()
	}
	for i := range 100 {
		if err := g.Reload(version("v" + string(rune('1'+i%9)))); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := g.Reload(version("final")); err != nil {
		t.Fatal(err)
	}
	stop.Store(true)
	wg.Wait()
	close(failures)
	for f := range failures {
		t.Errorf("failed during reloads: %s", f)
	}
	if failed.Load() > 0 || served.Load() < 100 {
		t.Fatalf("%d of %d requests failed", failed.Load(), served.Load())
	}
	if res, body := do(t, "GET", srv.URL+"/version", nil); res.StatusCode != 200 || body != "final" {
		t.Fatalf("after the last reload: %d %s", res.StatusCode, body)
	}
	if err := g.Reload([]gateway.API{{Name: "api", Routes: []gateway.Route{{Method: "BREW", Path: "/x"}}}}); err == nil {
		t.Fatal("an invalid configuration was loaded")
	}
	if res, body := do(t, "GET", srv.URL+"/version", nil); res.StatusCode != 200 || body != "final" {
		t.Fatalf("after a refused reload: %d %s", res.StatusCode, body)
	}
	t.Logf("%d requests across 101 reloads", served.Load())
}
