package apigatewayapi

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/moat-dev/moat/internal/awsapi"
	"github.com/moat-dev/moat/internal/awsapi/awsapitest"
	"github.com/moat-dev/moat/internal/store/sqlstore/sqlstoretest"
)

// The management API had a frame of its own without panic recovery, access
// log or metrics; served through awsapi's it has all three. A fault in a
// handler (here a handler whose usage service is missing) is a 500 in API
// Gateway's shape, logged with its cause, and the API goes on answering.
func TestFaultsAreRecoveredLoggedAndCounted(t *testing.T) {
	st := sqlstoretest.Open(t)
	logs, registry := &bytes.Buffer{}, prometheus.NewRegistry()
	frame := awsapi.NewFrame(awsapi.Config{Logger: slog.New(slog.NewJSONHandler(logs, nil)), Metrics: awsapi.NewMetrics(registry)})
	auth := awsapitest.AdminAuthenticator("us-east-1")
	ts := httptest.NewServer(frame.REST(New(Config{Store: st}), auth))
	t.Cleanup(ts.Close)
	s := &server{t: t, url: ts.URL}

	out := s.mustStatus("POST", "/apikeys", map[string]any{"name": "k"}, 500, "InternalFailureException")
	if out["message"] != "Internal server error" {
		t.Errorf("500 message %v", out["message"])
	}
	s.mustStatus("GET", "/usageplans", nil, 200, "")

	log := logs.String()
	for _, want := range []string{`"level":"ERROR"`, "panic in apigateway CreateApiKey", `"operation":"GetUsagePlans"`, `"source_ip":"127.0.0.1"`} {
		if !strings.Contains(log, want) {
			t.Errorf("access log lacks %s:\n%s", want, log)
		}
	}
	metrics := httptest.NewServer(promhttp.HandlerFor(registry, promhttp.HandlerOpts{}))
	defer metrics.Close()
	resp, err := http.Get(metrics.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, want := range []string{
		`moat_aws_requests_total{operation="CreateApiKey",service="apigateway",status="500"} 1`,
		`moat_aws_errors_total{code="InternalFailureException",operation="CreateApiKey",service="apigateway"} 1`,
		`moat_aws_requests_total{operation="GetUsagePlans",service="apigateway",status="200"} 1`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
