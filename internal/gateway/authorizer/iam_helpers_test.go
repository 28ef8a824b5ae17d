package authorizer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/moat-dev/moat/internal/admin"
	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/iam"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/store/sqlstore/sqlstoretest"
	"github.com/moat-dev/moat/internal/tempcreds"
)

const (
	iamRegion   = "us-east-1"
	testAccount = "123456789012"
	testAPI     = "a1b2c3d4e5"
)

// storeRoles reads role policies straight from the store: the roles
// service's job, done plainly until it lands.
type storeRoles struct{ st store.Store }

func (r storeRoles) Policies(ctx context.Context, roleARN string) ([]*iam.Policy, error) {
	role, err := r.st.GetRoleByARN(ctx, roleARN)
	if err != nil {
		return nil, err
	}
	var out []*iam.Policy
	for _, doc := range role.InlinePolicies {
		p, err := iam.ParsePolicy([]byte(doc))
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// revokedIdentities stands in for the identity pool's revocation list.
type revokedIdentities struct {
	mu    sync.Mutex
	since map[string]time.Time
}

func (r *revokedIdentities) revoke(identityID string, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.since[identityID] = at
}

func (r *revokedIdentities) IsRevoked(_ context.Context, identityID string, issuedAt time.Time) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	at, ok := r.since[identityID]
	return ok && !issuedAt.After(at), nil
}

// iamFixture is an AWS_IAM authorizer over a real SQLite store and issuer.
type iamFixture struct {
	st       store.Store
	issuer   *tempcreds.Issuer
	clock    *testClock
	revoked  *revokedIdentities
	admin    admin.Credentials
	authz    *iamAuthorizer
	sessions map[string]tempcreds.Credentials
}

func newIAMFixture(t testing.TB) *iamFixture {
	t.Helper()
	ctx := context.Background()
	st := sqlstoretest.Open(t)
	f := &iamFixture{st: st, clock: newTestClock(), revoked: &revokedIdentities{since: map[string]time.Time{}},
		admin: admin.Credentials{AccessKeyID: "AKIAADMINADMINADMIN1", SecretAccessKey: "adminsecretadminsecretadminsecretadminse"}}
	var err error
	if f.issuer, err = tempcreds.NewIssuer(ctx, st, f.clock.now); err != nil {
		t.Fatal(err)
	}
	deps := quietDeps
	deps.Region, deps.Account = iamRegion, testAccount
	deps.Sessions, deps.RolePolicies, deps.Revocations, deps.Admin = f.issuer, storeRoles{st}, f.revoked, f.admin
	a, err := New(nil, gateway.AuthorizerConfig{Name: "iam", Type: "AWS_IAM"}, deps)
	if err != nil {
		t.Fatal(err)
	}
	f.authz = a.(*iamAuthorizer)
	f.authz.now = f.clock.now
	return f
}

func roleARN(name string) string { return "arn:aws:iam::" + testAccount + ":role/" + name }

// role creates a role with one inline policy.
func (f *iamFixture) role(t testing.TB, name, policy string) {
	t.Helper()
	err := f.st.CreateRole(context.Background(), store.Role{
		Name: name, ID: "AROA" + "ABCDEFGHIJKLMNOPQ", ARN: roleARN(name), Path: "/",
		AssumeRolePolicy: `{"Version":"2012-10-17","Statement":[]}`, MaxSessionDuration: 3600,
		InlinePolicies: map[string]string{"p": policy}, CreatedAt: time.Now().Unix(),
	})
	if err != nil {
		t.Fatal(err)
	}
}

// issue hands out credentials for an identity in role.
func (f *iamFixture) issue(t testing.TB, identityID, role string, authenticated bool) tempcreds.Credentials {
	t.Helper()
	amr := []string{"unauthenticated"}
	if authenticated {
		amr = []string{"authenticated", "cognito-idp.us-east-1.amazonaws.com/us-east-1_pool", "cognito-idp.us-east-1.amazonaws.com/us-east-1_pool:CognitoSignIn:sub-1"}
	}
	creds, err := f.issuer.Issue(context.Background(), tempcreds.Session{
		IdentityID: identityID, IdentityPoolID: "us-east-1:pool-1", RoleARN: roleARN(role),
		Authenticated: authenticated, AMR: amr, Issuer: "cognito-identity.amazonaws.com",
		PrincipalTags: map[string]string{"team": "blue"},
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return creds
}

func awsCreds(c tempcreds.Credentials) aws.Credentials {
	return aws.Credentials{AccessKeyID: c.AccessKeyId, SecretAccessKey: c.SecretKey, SessionToken: c.SessionToken}
}

func payloadHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// signed is a gateway request for METHOD /prod/<path> signed by creds at
// time at, the way aws-sdk-go-v2 signs.
func signed(t testing.TB, creds aws.Credentials, method, path string, body []byte, at time.Time) *gateway.Request {
	t.Helper()
	r := httptest.NewRequest(method, "http://gw.example/prod/"+path, bytes.NewReader(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, payloadHash(body), "execute-api", iamRegion, at); err != nil {
		t.Fatal(err)
	}
	r.Body = io.NopCloser(bytes.NewReader(body)) // the signer may have read it
	return gatewayRequest(r, method, path)
}

// presigned is the same request as a presigned URL.
func presigned(t testing.TB, creds aws.Credentials, method, path string, at time.Time) *gateway.Request {
	t.Helper()
	r := httptest.NewRequest(method, "http://gw.example/prod/"+path, nil)
	uri, headers, err := v4.NewSigner().PresignHTTP(context.Background(), creds, r, payloadHash(nil), "execute-api", iamRegion, at)
	if err != nil {
		t.Fatal(err)
	}
	r = httptest.NewRequest(method, uri, nil)
	for name, values := range headers {
		if name != "Host" {
			r.Header[name] = values
		}
	}
	return gatewayRequest(r, method, path)
}

func gatewayRequest(r *http.Request, method, path string) *gateway.Request {
	return &gateway.Request{
		HTTP:      r,
		MethodARN: "arn:aws:execute-api:" + iamRegion + ":" + testAccount + ":" + testAPI + "/prod/" + method + "/" + path,
	}
}

// wantIAMRefusal checks the gateway error's type, message and x-amzn-ErrorType override.
func wantIAMRefusal(t testing.TB, err error, typ gateway.ResponseType, message, errorType string) {
	t.Helper()
	wantGatewayError(t, err, typ, message, "X-Amzn-ErrorType", errorType)
}

// fixedPolicies is a role source that answers from memory, as the roles
// service's cache does on its hot path.
type fixedPolicies map[string][]*iam.Policy

func (p fixedPolicies) Policies(_ context.Context, roleARN string) ([]*iam.Policy, error) {
	return p[roleARN], nil
}

func cachedPolicies(t testing.TB, f *iamFixture) fixedPolicies {
	t.Helper()
	out := fixedPolicies{}
	roles, err := f.st.ListRoles(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		if out[r.ARN], err = (storeRoles{f.st}).Policies(context.Background(), r.ARN); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
