package gateway_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/gateway/integration"
)

// Every request's access-log line goes to AccessLog, with what the docs
// promise and without the query string or any header's value; other
// records stay on Logger.
func TestAccessLogLine(t *testing.T) {
	var access, other bytes.Buffer
	b := integration.NewBuilder()
	t.Cleanup(b.Close)
	g, err := gateway.New(gateway.Config{APIs: []gateway.API{{Name: "shop", Routes: []gateway.Route{mockRoute("GET", "/items/{id}", "ok")}}},
		NewIntegration: b.New, Region: "us-east-1",
		Logger: slog.New(slog.NewJSONHandler(&other, nil)), AccessLog: &access})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/items/42?token=secret", nil)
	req.Header.Set("Authorization", "Bearer secret")
	req.Header.Set("User-Agent", "shop-client/1")
	w := httptest.NewRecorder()
	g.ServeHTTP(w, req)
	if w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	var line map[string]any
	if err := json.Unmarshal(access.Bytes(), &line); err != nil {
		t.Fatalf("access log %q: %v", access.String(), err)
	}
	want := map[string]any{"msg": "request", "logger": "gateway", "api": "shop", "stage": "$default", "route": "GET /items/{id}",
		"method": "GET", "path": "/items/42", "status": float64(200), "user_agent": "shop-client/1",
		"requestId": w.Header().Get("X-Amzn-Requestid")}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("%s = %v, want %v", k, line[k], v)
		}
	}
	if !strings.HasSuffix(access.String(), "}\n") || strings.Count(access.String(), "\n") != 1 {
		t.Errorf("not one JSON line: %q", access.String())
	}
	if strings.Contains(access.String(), "secret") {
		t.Errorf("the access log holds a secret: %s", access.String())
	}
	if strings.Contains(other.String(), `"msg":"request"`) {
		t.Errorf("the access log line went to Logger too: %s", other.String())
	}
}
