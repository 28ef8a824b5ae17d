package integration_test

import (
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/cognitoproxy"
	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/gateway/integration"
	"github.com/moat-dev/moat/internal/sealing"
	"github.com/moat-dev/moat/internal/usage"
)

// A cognito_idp route is built only with its own settings, on a moat that
// serves Cognito proxies; another type's route with them is refused.
func TestCognitoIdpRoutesTakeOnlyTheirSettings(t *testing.T) {
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	key, err := sealing.NewDataKey("test", raw)
	if err != nil {
		t.Fatal(err)
	}
	proxy := cognitoproxy.Settings{Upstream: cognitoproxy.MoatUpstream, Clients: []cognitoproxy.Client{{ClientID: "c"}}}
	build := func(b *integration.Builder, c gateway.IntegrationConfig) error {
		_, err := gateway.New(gateway.Config{APIs: []gateway.API{{Name: "auth", Routes: []gateway.Route{{Method: "POST", Path: "/", Integration: c}}}},
			NewIntegration: b.New, Region: "us-east-1"})
		return err
	}
	served := newBuilder(t)
	served.Cognito = &integration.CognitoDeps{MoatURL: "http://127.0.0.1:9", Key: key, Limiter: usage.NewMemoryLimiter(10, time.Now)}
	if err := build(served, gateway.IntegrationConfig{Type: "cognito_idp", CognitoProxy: proxy}); err != nil {
		t.Fatalf("a cognito_idp route: %v", err)
	}
	for name, c := range map[string]struct {
		builder *integration.Builder
		config  gateway.IntegrationConfig
		want    string
	}{
		"no Cognito proxies here": {newBuilder(t), gateway.IntegrationConfig{Type: "cognito_idp", CognitoProxy: proxy}, "serves no Cognito proxy"},
		"an http_proxy's uri":     {served, gateway.IntegrationConfig{Type: "cognito_idp", URI: "http://x", CognitoProxy: proxy}, "uri"},
		"no settings":             {served, gateway.IntegrationConfig{Type: "cognito_idp"}, "upstream"},
		"sealTokens on a proxy":   {served, gateway.IntegrationConfig{Type: "http_proxy", URI: "http://x", CognitoProxy: cognitoproxy.Settings{SealTokens: true}}, "are for cognito_idp integrations"},
	} {
		if err := build(c.builder, c.config); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error naming %q", name, err, c.want)
		}
	}
}
