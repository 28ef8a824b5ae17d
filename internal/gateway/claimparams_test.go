package gateway_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/moat-dev/moat/internal/gateway"
)

// A parameter mapped from a verified claim overrides what the client sent:
// the backend lists the caller's NFTs, not those of an owner the client chose.
func TestRequestParameterFromClaim(t *testing.T) {
	var got *http.Request
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.Clone(r.Context()) }))
	defer backend.Close()
	srv := serveAuthorized(t, claimsFromHeader{}, gateway.API{Name: "nfts", Authorizers: []gateway.AuthorizerConfig{{Name: "users", Type: "JWT"}},
		Routes: []gateway.Route{{Method: "GET", Path: "/nfts", Authorizer: "users", Integration: gateway.IntegrationConfig{
			Type: "http_proxy", URI: backend.URL + "/owned",
			RequestParameters: map[string]string{
				"overwrite:querystring.owner": "$context.authorizer.claims.cognito:username",
				"overwrite:header.X-Groups":   "$context.authorizer.claims.cognito:groups",
			},
		}}}})
	res, _ := do(t, "GET", srv.URL+"/nfts?owner=0xvictim", http.Header{
		"X-Test-Claims": {`{"cognito:username":"0xcaller","cognito:groups":["a","b"]}`}})
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	if owners := got.URL.Query()["owner"]; len(owners) != 1 || owners[0] != "0xcaller" {
		t.Errorf("backend saw owner %v; want only the caller's", owners)
	}
	if got.Header.Get("X-Groups") != "a,b" {
		t.Errorf("groups header %q", got.Header.Get("X-Groups"))
	}
}
