package awsapi

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkJSONFrame is one public Cognito-shaped call through the whole
// frame: request id, body, routing, decode, handler, encode, log, metrics.
func BenchmarkJSONFrame(b *testing.B) {
	f := newFixture(b)
	f.handler.frame.logger = slog.New(slog.DiscardHandler)
	body := `{"Name":"ada","Count":3,"Tags":["a","b"]}`
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.Header.Set("X-Amz-Target", "TestService.Echo")
		r.Header.Set("Content-Type", jsonContentType)
		rec := httptest.NewRecorder()
		f.handler.ServeHTTP(rec, r)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}
