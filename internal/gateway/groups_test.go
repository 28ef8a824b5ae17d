package gateway_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/moat-dev/moat/internal/gateway"
)

// claimsFromHeader stands in for a token authorizer: the test header's JSON
// is the verified claims, so each case names exactly the groups it holds.
type claimsFromHeader struct{}

func (claimsFromHeader) Authorize(_ context.Context, req *gateway.Request) (*gateway.Identity, error) {
	var claims map[string]any
	if err := json.Unmarshal([]byte(req.HTTP.Header.Get("X-Test-Claims")), &claims); err != nil {
		return nil, &gateway.Error{Type: gateway.Unauthorized, Message: "Unauthorized"}
	}
	return &gateway.Identity{Principal: "someone", Claims: claims}, nil
}

func TestRouteGroups(t *testing.T) {
	route := mockRoute("POST", "/dragons", "added")
	route.Authorizer, route.Groups = "users", []string{"dragon-keepers", "admins"}
	open := mockRoute("GET", "/dragons", "listed")
	open.Authorizer = "users"
	srv := serveAuthorized(t, claimsFromHeader{}, gateway.API{Name: "dragons",
		Authorizers: []gateway.AuthorizerConfig{{Name: "users", Type: "JWT"}}, Routes: []gateway.Route{route, open}})

	for _, c := range []struct {
		method, claims string
		status         int
		body           string
	}{
		{"POST", `{"cognito:groups":["riders","dragon-keepers"]}`, 200, "added"},
		{"POST", `{"cognito:groups":["admins"]}`, 200, "added"},
		{"POST", `{"cognito:groups":"dragon-keepers"}`, 200, "added"},
		{"POST", `{"cognito:groups":["riders"]}`, 403, `{"message":"Forbidden"}`},
		{"POST", `{"cognito:groups":[]}`, 403, `{"message":"Forbidden"}`},
		{"POST", `{"cognito:groups":[7,{"a":"dragon-keepers"}]}`, 403, `{"message":"Forbidden"}`},
		{"POST", `{"sub":"no-groups-claim"}`, 403, `{"message":"Forbidden"}`},
		{"POST", `not json`, 401, `{"message":"Unauthorized"}`},
		{"GET", `{"sub":"no-groups-claim"}`, 200, "listed"},
	} {
		res, body := do(t, c.method, srv.URL+"/dragons", http.Header{"X-Test-Claims": {c.claims}})
		if res.StatusCode != c.status || body != c.body {
			t.Errorf("%s with claims %s: %d %s, want %d %s", c.method, c.claims, res.StatusCode, body, c.status, c.body)
		}
		if c.status == 403 && res.Header.Get("X-Amzn-Errortype") != "AccessDeniedException" {
			t.Errorf("%s with claims %s: x-amzn-ErrorType %q, want AccessDeniedException", c.method, c.claims, res.Header.Get("X-Amzn-Errortype"))
		}
	}
}

func TestGroupsNeedAnAuthorizer(t *testing.T) {
	route := mockRoute("POST", "/dragons", "added")
	route.Groups = []string{"dragon-keepers"}
	err := gateway.Validate([]gateway.API{{Name: "dragons", Routes: []gateway.Route{route}}})
	if err == nil {
		t.Fatal("a route with groups and no authorizer was accepted")
	}
}
