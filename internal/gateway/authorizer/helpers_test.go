package authorizer

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/gateway"
)

// testClock is a settable clock starting at the real time (tokens are
// minted against the real time).
type testClock struct{ nanos atomic.Int64 }

func newTestClock() *testClock {
	c := &testClock{}
	c.nanos.Store(time.Now().UnixNano())
	return c
}

func (c *testClock) now() time.Time          { return time.Unix(0, c.nanos.Load()) }
func (c *testClock) advance(d time.Duration) { c.nanos.Add(int64(d)) }

var quietDeps = Deps{Logger: slog.New(slog.DiscardHandler)}

// newJWTAuthorizer builds a JWT authorizer on a test clock.
func newJWTAuthorizer(t testing.TB, issuers ...gateway.IssuerConfig) (*jwtAuthorizer, *testClock) {
	t.Helper()
	a, err := New(nil, gateway.AuthorizerConfig{Name: "jwt", Type: "JWT", Issuers: issuers}, quietDeps)
	if err != nil {
		t.Fatal(err)
	}
	clock := newTestClock()
	ja := a.(*jwtAuthorizer)
	ja.now = clock.now
	return ja, clock
}

// request is a gateway request to a route with scopes, carrying token as a
// bearer token ("" for none).
func request(token string, scopes ...string) *gateway.Request {
	r := httptest.NewRequest("GET", "/things", nil)
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	return &gateway.Request{HTTP: r, Route: &gateway.Route{Method: "GET", Path: "/things", Scopes: scopes}}
}

func authorize(t testing.TB, a gateway.Authorizer, req *gateway.Request) *gateway.Identity {
	t.Helper()
	id, err := a.Authorize(context.Background(), req)
	if err != nil {
		t.Fatalf("Authorize: %v", err)
	}
	return id
}

// wantRefusal checks that err is the gateway error described; challenge is
// the WWW-Authenticate value expected ("" for none).
func wantRefusal(t testing.TB, err error, typ gateway.ResponseType, message, challenge string) {
	t.Helper()
	wantGatewayError(t, err, typ, message, "WWW-Authenticate", challenge)
}

// wantGatewayError checks the gateway error's type, message and the value
// of one of its headers ("" for none).
func wantGatewayError(t testing.TB, err error, typ gateway.ResponseType, message, header, value string) {
	t.Helper()
	var ge *gateway.Error
	if !errors.As(err, &ge) {
		t.Fatalf("error %v is not a *gateway.Error", err)
	}
	if ge.Type != typ || ge.Message != message {
		t.Fatalf("refusal = %s %q, want %s %q", ge.Type, ge.Message, typ, message)
	}
	if got := ge.Headers.Get(header); got != value {
		t.Fatalf("%s = %q, want %q", header, got, value)
	}
}

func invalidToken(description string) string {
	return `Bearer error="invalid_token" error_description="` + description + `"`
}
