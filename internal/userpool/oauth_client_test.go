package userpool

import (
	"context"
	"testing"

	"github.com/moat-dev/moat/internal/awserr"
)

// App-client OAuth settings follow Cognito's rules, and a refused setting
// is never stored.
func TestOAuthClientSettings(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	poolID := newTestPool(t, s)
	ok := ClientConfig{AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []string{"code"}, AllowedOAuthScopes: []string{"openid"},
		CallbackURLs: []string{"https://app.example/cb"}}
	for _, tc := range []struct {
		name   string
		secret bool
		change func(*ClientConfig)
		code   string
	}{
		{"valid", false, func(*ClientConfig) {}, ""},
		{"loopback http on any port", false, func(c *ClientConfig) {
			c.CallbackURLs = []string{"http://localhost:3000/cb", "http://127.0.0.1:9/cb", "http://[::1]:8080/cb", "myapp://cb"}
		}, ""},
		{"http elsewhere", false, func(c *ClientConfig) { c.CallbackURLs = []string{"http://app.example/cb"} }, awserr.InvalidParameter},
		{"fragment", false, func(c *ClientConfig) { c.CallbackURLs = []string{"https://app.example/cb#x"} }, awserr.InvalidParameter},
		{"relative", false, func(c *ClientConfig) { c.CallbackURLs = []string{"/cb"} }, awserr.InvalidParameter},
		{"logout http elsewhere", false, func(c *ClientConfig) { c.LogoutURLs = []string{"http://app.example/"} }, awserr.InvalidParameter},
		{"default redirect not a callback", false, func(c *ClientConfig) { c.DefaultRedirectURI = "https://app.example/other" }, awserr.InvalidParameter},
		{"unknown flow", false, func(c *ClientConfig) { c.AllowedOAuthFlows = []string{"code", "token"} }, awserr.InvalidParameter},
		{"client_credentials without a secret", false, func(c *ClientConfig) {
			c.AllowedOAuthFlows, c.AllowedOAuthScopes = []string{"client_credentials"}, []string{"api/read"}
		}, awserr.InvalidOAuthFlow},
		{"client_credentials with code", true, func(c *ClientConfig) { c.AllowedOAuthFlows = []string{"code", "client_credentials"} }, awserr.InvalidOAuthFlow},
		{"unknown custom scope", false, func(c *ClientConfig) { c.AllowedOAuthScopes = []string{"openid", "api/read"} }, awserr.ScopeDoesNotExist},
		{"unknown identity provider", false, func(c *ClientConfig) { c.SupportedIdentityProviders = []string{"COGNITO", "Google"} }, awserr.InvalidParameter},
		{"OAuth without flows", false, func(c *ClientConfig) { c.AllowedOAuthFlows = nil }, awserr.InvalidOAuthFlow},
		{"code without callbacks", false, func(c *ClientConfig) { c.CallbackURLs = nil }, awserr.InvalidParameter},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := ok
			cfg.CallbackURLs = append([]string(nil), ok.CallbackURLs...)
			tc.change(&cfg)
			out, err := s.CreateUserPoolClient(ctx, &CreateUserPoolClientInput{UserPoolId: poolID, ClientName: "c", GenerateSecret: tc.secret, ClientConfig: cfg})
			if tc.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantCode(t, err, tc.code, "")
			if out != nil {
				t.Fatalf("a refused client was made: %+v", out)
			}
		})
	}
	list, err := s.ListUserPoolClients(ctx, &ListUserPoolClientsInput{UserPoolId: poolID})
	if err != nil || len(list.UserPoolClients) != 2 {
		t.Fatalf("clients made: %v (%v); want only the two valid ones", list, err)
	}
}
