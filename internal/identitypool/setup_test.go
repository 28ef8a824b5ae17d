package identitypool

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/store/sqlstore/sqlstoretest"
	"github.com/moat-dev/moat/internal/tempcreds"
	"github.com/moat-dev/moat/internal/tokens"
)

var ctx = context.Background()

// fixture is the domain on a real SQLite store, with a user pool whose ID
// tokens it can mint directly.
type fixture struct {
	*Service
	st     store.Store
	tok    *tokens.Service
	issuer *tempcreds.Issuer
}

const testURL = "http://moat.test"

func newFixture(t testing.TB) *fixture {
	t.Helper()
	st := sqlstoretest.Open(t)
	tok := tokens.NewService(st, testURL)
	issuer, err := tempcreds.NewIssuer(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(ctx, Config{Store: st, Tokens: tok, Credentials: issuer, Region: "us-east-1", PublicURL: testURL})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{Service: svc, st: st, tok: tok, issuer: issuer}
}

// userPool stores a user pool (ID only; its tokens are minted by idToken).
func (f *fixture) userPool(t testing.TB, id string) {
	t.Helper()
	if err := f.st.CreateUserPool(ctx, store.UserPool{ID: id, Name: id, CreatedAt: 1, UpdatedAt: 1}); err != nil {
		t.Fatal(err)
	}
}

// idToken mints an ID token of the user pool for sub and client, with extra claims.
func (f *fixture) idToken(t testing.TB, poolID, clientID, sub string, extra map[string]any) string {
	t.Helper()
	now := time.Now().Unix()
	claims := map[string]any{"sub": sub, "aud": clientID, "cognito:username": sub, "iat": now, "exp": now + 3600, "origin_jti": "o-" + sub, "jti": "j-" + sub}
	for k, v := range extra {
		claims[k] = v
	}
	token, err := f.tok.Sign(ctx, poolID, tokens.UseID, claims)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

func (f *fixture) accessToken(t testing.TB, poolID, clientID, sub string) string {
	t.Helper()
	now := time.Now().Unix()
	token, err := f.tok.Sign(ctx, poolID, tokens.UseAccess, map[string]any{"sub": sub, "client_id": clientID, "iat": now, "exp": now + 3600, "origin_jti": "o-" + sub})
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// trustPolicy lets Cognito identities of the pool with the given amr assume a role.
func trustPolicy(poolID, amr string) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},
"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"],"Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":%q},
"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":%q}}}]}`, poolID, amr)
}

// role stores an IAM role with the trust policy and returns its ARN.
func (f *fixture) role(t testing.TB, name, trust string) string {
	t.Helper()
	arn := "arn:aws:iam::000000000000:role/" + name
	err := f.st.CreateRole(ctx, store.Role{Name: name, ID: "AROA" + name, ARN: arn, Path: "/", AssumeRolePolicy: trust, MaxSessionDuration: 3600, CreatedAt: 1})
	if err != nil {
		t.Fatal(err)
	}
	return arn
}

func (f *fixture) identityPool(t testing.TB, in IdentityPool) string {
	t.Helper()
	p, err := f.CreateIdentityPool(ctx, &in)
	if err != nil {
		t.Fatal(err)
	}
	return p.IdentityPoolId
}

func (f *fixture) setRoles(t testing.TB, poolID string, roles map[string]string, mappings map[string]RoleMapping) {
	t.Helper()
	if _, err := f.SetIdentityPoolRoles(ctx, &PoolRoles{IdentityPoolId: poolID, Roles: roles, RoleMappings: mappings}); err != nil {
		t.Fatal(err)
	}
}

// wantClientError fails unless err is a Cognito-shaped 4xx error.
func wantClientError(t testing.TB, err error) {
	t.Helper()
	if e, ok := awserr.As(err); !ok || e.HTTPStatus() >= 500 {
		t.Fatalf("got %v; want a client error", err)
	}
}

func wantCode(t testing.TB, err error, code, message string) {
	t.Helper()
	e, ok := awserr.As(err)
	if !ok || e.Code != code || (message != "" && e.Message != message) {
		t.Fatalf("got error %v; want %s: %s", err, code, message)
	}
}

// must returns v, failing the test (by a panic, so it can wrap any call
// directly) when err is set.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
