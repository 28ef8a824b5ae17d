package authorizer

import (
	"context"
	"io"
	"log/slog"
	"net/netip"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/mail"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/store/sqlstore/sqlstoretest"
	"github.com/moat-dev/moat/internal/tokens"
	"github.com/moat-dev/moat/internal/userpool"
)

const testRegion = "us-east-1"

// pools is moat's user-pool domain on a real SQLite store: tokens come from
// real sign-ins and revocations from real sign-outs.
type pools struct {
	st     store.Store
	tokens *tokens.Service
	users  *userpool.Service
}

func newPools(t testing.TB) *pools {
	t.Helper()
	ctx := context.Background()
	st := sqlstoretest.Open(t)
	ts := tokens.NewService(st, "http://moat.test")
	users, err := userpool.New(ctx, userpool.Config{Store: st, Tokens: ts, Region: testRegion,
		Mail: mail.LogSender{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}})
	if err != nil {
		t.Fatal(err)
	}
	return &pools{st: st, tokens: ts, users: users}
}

// testPool is a pool with a client and the user alice.
type testPool struct{ id, clientID string }

func (p *pools) create(t testing.TB, name string) testPool {
	t.Helper()
	ctx := context.Background()
	pool, err := p.users.CreateUserPool(ctx, &userpool.CreateUserPoolInput{PoolName: name})
	if err != nil {
		t.Fatal(err)
	}
	id := pool.UserPool.Id
	c, err := p.users.CreateUserPoolClient(ctx, &userpool.CreateUserPoolClientInput{UserPoolId: id, ClientName: "web",
		ClientConfig: userpool.ClientConfig{ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.users.AdminCreateUser(ctx, &userpool.AdminCreateUserInput{UserPoolId: id, Username: "alice",
		UserAttributes: []userpool.AttributeType{{Name: "email", Value: "alice@example.com"}}, MessageAction: "SUPPRESS"}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.users.AdminSetUserPassword(ctx, &userpool.AdminSetUserPasswordInput{UserPoolId: id, Username: "alice",
		Password: "Corr3ct-Horse!", Permanent: true}); err != nil {
		t.Fatal(err)
	}
	return testPool{id: id, clientID: c.UserPoolClient.ClientId}
}

func (p *pools) signIn(t testing.TB, pool testPool) *userpool.AuthenticationResult {
	t.Helper()
	out, err := p.users.InitiateAuth(context.Background(), netip.MustParseAddr("192.0.2.1"), &userpool.InitiateAuthInput{AuthFlow: "USER_PASSWORD_AUTH",
		ClientId: pool.clientID, AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "Corr3ct-Horse!"}})
	if err != nil || out.AuthenticationResult == nil {
		t.Fatalf("sign in: %+v %v", out, err)
	}
	return out.AuthenticationResult
}

func (p *pools) authorizer(t testing.TB, userPools ...string) (*userPoolAuthorizer, *testClock) {
	t.Helper()
	a, err := New(nil, gateway.AuthorizerConfig{Name: "cognito", Type: "COGNITO_USER_POOLS", UserPools: userPools},
		Deps{Tokens: p.tokens, Store: p.st, Region: testRegion, Logger: quietDeps.Logger})
	if err != nil {
		t.Fatal(err)
	}
	clock := newTestClock()
	ua := a.(*userPoolAuthorizer)
	ua.sessions.now = clock.now
	return ua, clock
}

func poolARN(id string) string {
	return "arn:aws:cognito-idp:" + testRegion + ":000000000000:userpool/" + id
}

func TestUserPoolTokenChoice(t *testing.T) {
	p := newPools(t)
	pool, other := p.create(t, "main"), p.create(t, "other")
	a, _ := p.authorizer(t, poolARN(pool.id))
	signedIn := p.signIn(t, pool)
	const selfService = "aws.cognito.signin.user.admin"

	id := authorize(t, a, request(signedIn.IdToken))
	if id.Principal == "" || id.Claims["cognito:username"] != "alice" || id.Claims["token_use"] != "id" {
		t.Fatalf("identity from ID token: %+v", id)
	}
	id = authorize(t, a, request(signedIn.AccessToken, "orders/read", selfService))
	if id.Claims["client_id"] != pool.clientID || len(id.Scopes) != 1 || id.Scopes[0] != selfService {
		t.Fatalf("identity from access token: %+v", id)
	}
	// The raw token, without "Bearer", is what REST clients usually send.
	raw := request("")
	raw.HTTP.Header.Set("Authorization", signedIn.IdToken)
	authorize(t, a, raw)

	expired, err := p.tokens.Sign(context.Background(), pool.id, tokens.UseID, map[string]any{
		"sub": id.Principal, "aud": pool.clientID, "exp": time.Now().Add(-time.Minute).Unix(), "origin_jti": "x",
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, message string
		req           *gateway.Request
	}{
		{"no token", "Unauthorized", request("")},
		{"garbage", "Unauthorized", request("garbage")},
		{"access token, route without scopes", "Unauthorized", request(signedIn.AccessToken)},
		{"ID token, route with scopes", "Unauthorized", request(signedIn.IdToken, selfService)},
		{"access token lacking the route's scopes", "Unauthorized", request(signedIn.AccessToken, "orders/read")},
		{"token of another pool", "Unauthorized", request(p.signIn(t, other).IdToken)},
		{"refresh token", "Unauthorized", request(signedIn.RefreshToken)},
		{"expired", "The incoming token has expired", request(expired)},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := a.Authorize(context.Background(), c.req)
			wantRefusal(t, err, gateway.Unauthorized, c.message, "")
		})
	}
}

func TestUserPoolHonoursRevocation(t *testing.T) {
	p := newPools(t)
	pool := p.create(t, "main")
	a, clock := p.authorizer(t, pool.id)
	signedIn := p.signIn(t, pool)
	authorize(t, a, request(signedIn.IdToken))

	if _, err := p.users.AdminUserGlobalSignOut(context.Background(), &userpool.UserRef{UserPoolId: pool.id, Username: "alice"}); err != nil {
		t.Fatal(err)
	}
	// Within the bound the session's last answer stands (that is the hot
	// path staying off the store); past it the sign-out is seen.
	authorize(t, a, request(signedIn.IdToken))
	clock.advance(notRevokedFor)
	for _, tok := range []string{signedIn.IdToken, signedIn.AccessToken} {
		_, err := a.Authorize(context.Background(), request(tok, scopesFor(tok, signedIn)...))
		wantRefusal(t, err, gateway.Unauthorized, "Unauthorized", "")
	}

	// A fresh authorizer knows nothing cached: refused at once. A new
	// sign-in is a new session, and is admitted.
	fresh, _ := p.authorizer(t, pool.id)
	_, err := fresh.Authorize(context.Background(), request(signedIn.IdToken))
	wantRefusal(t, err, gateway.Unauthorized, "Unauthorized", "")
	authorize(t, a, request(p.signIn(t, pool).IdToken))
}

func scopesFor(token string, r *userpool.AuthenticationResult) []string {
	if token == r.AccessToken {
		return []string{"aws.cognito.signin.user.admin"}
	}
	return nil
}

func TestUserPoolConfig(t *testing.T) {
	p := newPools(t)
	deps := Deps{Tokens: p.tokens, Store: p.st, Region: testRegion}
	for _, c := range []struct {
		name string
		cfg  gateway.AuthorizerConfig
	}{
		{"no pools", gateway.AuthorizerConfig{Type: "COGNITO_USER_POOLS"}},
		{"ARN of another service", gateway.AuthorizerConfig{Type: "COGNITO_USER_POOLS", UserPools: []string{"arn:aws:s3:::bucket"}}},
		{"ARN of another region", gateway.AuthorizerConfig{Type: "COGNITO_USER_POOLS", UserPools: []string{"arn:aws:cognito-idp:eu-west-1:000000000000:userpool/eu-west-1_x"}}},
		{"ARN without pool", gateway.AuthorizerConfig{Type: "COGNITO_USER_POOLS", UserPools: []string{"arn:aws:cognito-idp:us-east-1:000000000000:userpool/"}}},
		{"issuers", gateway.AuthorizerConfig{Type: "COGNITO_USER_POOLS", UserPools: []string{"p"}, Issuers: []gateway.IssuerConfig{{Issuer: "https://x"}}}},
	} {
		if _, err := New(nil, c.cfg, deps); err == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
	if _, err := New(nil, gateway.AuthorizerConfig{Type: "COGNITO_USER_POOLS", UserPools: []string{"p"}}, Deps{}); err == nil {
		t.Error("accepted without a token service and store")
	}
}
