package authorizer

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/iam"
)

const (
	identityA = "us-east-1:11111111-1111-4111-8111-111111111111"
	identityB = "us-east-1:22222222-2222-4222-8222-222222222222"

	// usersPolicy lets a caller invoke anything under /prod/GET/, its own
	// /users/<identity> with any method, and never /prod/*/admin/*; only
	// the blue team may POST /reports.
	usersPolicy = `{"Version":"2012-10-17","Statement":[
	  {"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:*:a1b2c3d4e5/prod/GET/*"},
	  {"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:*:a1b2c3d4e5/prod/*/users/${cognito-identity.amazonaws.com:sub}"},
	  {"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:*:a1b2c3d4e5/prod/POST/reports",
	   "Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue","cognito-identity.amazonaws.com:aud":"us-east-1:pool-1"},
	                "ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}},
	  {"Effect":"Deny","Action":"execute-api:*","Resource":"arn:aws:execute-api:*:*:*/prod/*/admin/*"}
	]}`
	signatureMismatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)

func sessionARN(role string) string {
	return "arn:aws:sts::" + testAccount + ":assumed-role/" + role + "/CognitoIdentityCredentials"
}

func TestIAMAllowsWhatTheRoleAllows(t *testing.T) {
	f := newIAMFixture(t)
	f.role(t, "Users", usersPolicy)
	creds := awsCreds(f.issue(t, identityA, "Users", true))
	for _, c := range []struct{ method, path string }{
		{"GET", "things"}, {"GET", "users/" + identityB}, {"PUT", "users/" + identityA},
		{"DELETE", "users/" + identityA}, {"POST", "reports"},
	} {
		req := signed(t, creds, c.method, c.path, []byte(`{"a":1}`), time.Now())
		id, err := f.authz.Authorize(context.Background(), req)
		if err != nil {
			t.Fatalf("%s %s: %v", c.method, c.path, err)
		}
		if body, _ := io.ReadAll(req.HTTP.Body); string(body) != `{"a":1}` {
			t.Fatalf("%s %s: the backend would get body %q", c.method, c.path, body)
		}
		if id.Principal != sessionARN("Users") {
			t.Fatalf("Principal = %q", id.Principal)
		}
	}
}

func TestIAMIdentityReachesTheBackend(t *testing.T) {
	f := newIAMFixture(t)
	f.role(t, "Users", usersPolicy)
	issued := f.issue(t, identityA, "Users", true)
	id, err := f.authz.Authorize(context.Background(), signed(t, awsCreds(issued), "GET", "things", nil, time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"cognitoIdentityId":             identityA,
		"cognitoIdentityPoolId":         "us-east-1:pool-1",
		"cognitoAuthenticationType":     "authenticated",
		"cognitoAuthenticationProvider": "cognito-idp.us-east-1.amazonaws.com/us-east-1_pool,cognito-idp.us-east-1.amazonaws.com/us-east-1_pool:CognitoSignIn:sub-1",
		"accessKey":                     issued.AccessKeyId,
		"userArn":                       sessionARN("Users"),
		"caller":                        "Users:CognitoIdentityCredentials",
	}
	for k, v := range want {
		if id.Context[k] != v || id.Claims[k] != v {
			t.Errorf("%s = %v / %v, want %v", k, id.Context[k], id.Claims[k], v)
		}
	}
	if len(id.Context) != len(want) {
		t.Errorf("context has %d fields, want %d: %v", len(id.Context), len(want), id.Context)
	}
}

func TestIAMDenials(t *testing.T) {
	f := newIAMFixture(t)
	f.role(t, "Users", usersPolicy)
	blueless := f.issue(t, identityA, "Users", true)
	creds := awsCreds(blueless)
	arn := func(method, path string) string {
		return "arn:aws:execute-api:us-east-1:" + testAccount + ":" + testAPI + "/prod/" + method + "/" + path
	}
	for _, c := range []struct{ method, path, suffix string }{
		{"PUT", "users/" + identityB, ""},              // someone else's: the variable resolves to the caller
		{"DELETE", "things", ""},                       // no statement allows it
		{"GET", "x/admin/y", " with an explicit deny"}, // allowed by GET/*, denied by the Deny
	} {
		_, err := f.authz.Authorize(context.Background(), signed(t, creds, c.method, c.path, nil, time.Now()))
		wantIAMRefusal(t, err, gateway.AccessDenied,
			"User: "+sessionARN("Users")+" is not authorized to perform: execute-api:Invoke on resource: "+arn(c.method, c.path)+c.suffix, "")
	}
	guest := awsCreds(f.issue(t, identityB, "Users", false)) // authenticated-only condition
	_, err := f.authz.Authorize(context.Background(), signed(t, guest, "POST", "reports", nil, time.Now()))
	wantIAMRefusal(t, err, gateway.AccessDenied,
		"User: "+sessionARN("Users")+" is not authorized to perform: execute-api:Invoke on resource: "+arn("POST", "reports"), "")
	noRole := awsCreds(f.issue(t, identityA, "Deleted", true))
	_, err = f.authz.Authorize(context.Background(), signed(t, noRole, "GET", "things", nil, time.Now()))
	wantIAMRefusal(t, err, gateway.AccessDenied,
		"User: "+sessionARN("Deleted")+" is not authorized to perform: execute-api:Invoke on resource: "+arn("GET", "things"), "")
}

func TestIAMGuests(t *testing.T) {
	f := newIAMFixture(t)
	f.role(t, "Guests", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	creds := awsCreds(f.issue(t, identityB, "Guests", false))
	id, err := f.authz.Authorize(context.Background(), signed(t, creds, "GET", "things", nil, time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if id.Context["cognitoAuthenticationType"] != "unauthenticated" || id.Context["cognitoAuthenticationProvider"] != nil {
		t.Fatalf("guest identity %v", id.Context)
	}
	// The ceiling lets guests invoke and nothing else, whatever their role allows.
	req := iam.Request{Action: "execute-api:InvalidateCache", Resource: "arn:aws:execute-api:us-east-1:1:a/prod/GET/x"}
	role, _ := storeRoles{f.st}.Policies(context.Background(), roleARN("Guests"))
	if d := iam.EvaluateWithBoundary(req, role, guestCeiling); d != iam.ImplicitDeny {
		t.Fatalf("guest InvalidateCache: %v", d)
	}
	req.Action = invokeAction
	if d := iam.EvaluateWithBoundary(req, role, guestCeiling); d != iam.Allow {
		t.Fatalf("guest Invoke: %v", d)
	}
}

func TestIAMCredentialRefusals(t *testing.T) {
	f := newIAMFixture(t)
	f.role(t, "Users", usersPolicy)
	issued := f.issue(t, identityA, "Users", true)
	good := awsCreds(issued)
	ctx := context.Background()

	unsigned := gatewayRequest(httptest.NewRequest("GET", "http://gw.example/prod/things", nil), "GET", "things")
	_, err := f.authz.Authorize(ctx, unsigned)
	wantIAMRefusal(t, err, gateway.MissingAuthenticationToken, "Missing Authentication Token", "")

	wrongSecret := good
	wrongSecret.SecretAccessKey = strings.Repeat("x", 40)
	_, err = f.authz.Authorize(ctx, signed(t, wrongSecret, "GET", "things", nil, time.Now()))
	wantIAMRefusal(t, err, gateway.InvalidSignature, signatureMismatch, "InvalidSignatureException")

	tampered := good
	tampered.SessionToken = good.SessionToken[:len(good.SessionToken)-4] + "AAAA"
	_, err = f.authz.Authorize(ctx, signed(t, tampered, "GET", "things", nil, time.Now()))
	wantIAMRefusal(t, err, gateway.InvalidSignature, messageInvalidToken, "UnrecognizedClientException")

	other := awsCreds(f.issue(t, identityB, "Users", true))
	borrowed := good
	borrowed.SessionToken = other.SessionToken // a genuine token of another key
	_, err = f.authz.Authorize(ctx, signed(t, borrowed, "GET", "things", nil, time.Now()))
	wantIAMRefusal(t, err, gateway.InvalidSignature, messageInvalidToken, "UnrecognizedClientException")

	noToken := aws.Credentials{AccessKeyID: good.AccessKeyID, SecretAccessKey: good.SecretAccessKey}
	_, err = f.authz.Authorize(ctx, signed(t, noToken, "GET", "things", nil, time.Now()))
	wantIAMRefusal(t, err, gateway.InvalidSignature, messageInvalidToken, "UnrecognizedClientException")

	bodyChanged := signed(t, good, "POST", "reports", []byte("signed"), time.Now())
	bodyChanged.HTTP.Body = io.NopCloser(strings.NewReader("sent"))
	_, err = f.authz.Authorize(ctx, bodyChanged)
	wantIAMRefusal(t, err, gateway.InvalidSignature, signatureMismatch, "InvalidSignatureException")

	signedAt := time.Now().UTC().Add(-6 * time.Minute).Truncate(time.Second)
	_, err = f.authz.Authorize(ctx, signed(t, good, "GET", "things", nil, signedAt))
	var ge *gateway.Error
	if !errors.As(err, &ge) || ge.Type != gateway.InvalidSignature || !strings.HasPrefix(ge.Message, "Signature expired: "+signedAt.Format("20060102T150405Z")+" is now earlier than ") ||
		!strings.HasSuffix(ge.Message, " - 5 min.)") || ge.Headers.Get("X-Amzn-ErrorType") != "InvalidSignatureException" {
		t.Fatalf("skewed: %v", err)
	}
}

func TestIAMExpiredAndRevokedSessions(t *testing.T) {
	f := newIAMFixture(t)
	f.role(t, "Users", usersPolicy)
	ctx := context.Background()
	before := awsCreds(f.issue(t, identityA, "Users", true))
	f.clock.advance(time.Second)
	f.revoked.revoke(identityA, f.clock.now())
	_, err := f.authz.Authorize(ctx, signed(t, before, "GET", "things", nil, time.Now()))
	wantIAMRefusal(t, err, gateway.InvalidSignature, messageInvalidToken, "UnrecognizedClientException")

	f.clock.advance(time.Second)
	after := awsCreds(f.issue(t, identityA, "Users", true)) // signed in again after the revocation
	if _, err := f.authz.Authorize(ctx, signed(t, after, "GET", "things", nil, time.Now())); err != nil {
		t.Fatalf("credentials issued after the revocation: %v", err)
	}

	f.clock.advance(time.Hour)
	_, err = f.authz.Authorize(ctx, signed(t, after, "GET", "things", nil, f.clock.now()))
	wantIAMRefusal(t, err, gateway.ExpiredToken, messageExpiredToken, "")
}

func TestIAMPresignedURL(t *testing.T) {
	f := newIAMFixture(t)
	f.role(t, "Users", usersPolicy)
	creds := awsCreds(f.issue(t, identityA, "Users", true))
	id, err := f.authz.Authorize(context.Background(), presigned(t, creds, "GET", "things", time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if id.Context["cognitoIdentityId"] != identityA {
		t.Fatalf("identity %v", id.Context)
	}
	_, err = f.authz.Authorize(context.Background(), presigned(t, creds, "DELETE", "things", time.Now()))
	wantIAMRefusal(t, err, gateway.AccessDenied,
		"User: "+sessionARN("Users")+" is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:"+testAccount+":"+testAPI+"/prod/DELETE/things", "")
}

func TestIAMAdminIsRoot(t *testing.T) {
	f := newIAMFixture(t)
	root := aws.Credentials{AccessKeyID: f.admin.AccessKeyID, SecretAccessKey: f.admin.SecretAccessKey}
	id, err := f.authz.Authorize(context.Background(), signed(t, root, "DELETE", "x/admin/y", nil, time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if id.Principal != "arn:aws:iam::"+testAccount+":root" || id.Context["accessKey"] != f.admin.AccessKeyID {
		t.Fatalf("admin identity %+v", id)
	}
	root.SecretAccessKey = strings.Repeat("y", 40)
	_, err = f.authz.Authorize(context.Background(), signed(t, root, "GET", "things", nil, time.Now()))
	wantIAMRefusal(t, err, gateway.InvalidSignature, signatureMismatch, "InvalidSignatureException")
	stranger := aws.Credentials{AccessKeyID: "AKIAUNKNOWNUNKNOWN12", SecretAccessKey: f.admin.SecretAccessKey}
	_, err = f.authz.Authorize(context.Background(), signed(t, stranger, "GET", "things", nil, time.Now()))
	wantIAMRefusal(t, err, gateway.InvalidSignature, messageInvalidToken, "UnrecognizedClientException")
}

func TestIAMBodyTooLarge(t *testing.T) {
	f := newIAMFixture(t)
	r := httptest.NewRequest("POST", "http://gw.example/prod/reports", strings.NewReader(strings.Repeat("a", maxSignedBody+1)))
	r.ContentLength = -1 // streamed: only reading finds out
	_, err := f.authz.Authorize(context.Background(), gatewayRequest(r, "POST", "reports"))
	var tooLarge *gateway.PayloadTooLarge
	if !errors.As(err, &tooLarge) || tooLarge.Limit != maxSignedBody {
		t.Fatalf("a body over %d bytes: %v, want 413", maxSignedBody, err)
	}
}

func TestIAMConfig(t *testing.T) {
	f := newIAMFixture(t)
	deps := quietDeps
	if _, err := New(nil, gateway.AuthorizerConfig{Name: "i", Type: "AWS_IAM"}, deps); err == nil {
		t.Error("an AWS_IAM authorizer without sessions and roles was built")
	}
	deps.Sessions, deps.RolePolicies = f.issuer, storeRoles{f.st}
	if _, err := New(nil, gateway.AuthorizerConfig{Name: "i", Type: "AWS_IAM", ClaimHeaders: map[string]string{"sub": "X-Sub"}}, deps); err == nil {
		t.Error("claimHeaders naming no identity field was accepted")
	}
	if _, err := New(nil, gateway.AuthorizerConfig{Name: "i", Type: "AWS_IAM", ClaimHeaders: map[string]string{"cognitoIdentityId": "X-Moat-Identity-Id"}}, deps); err != nil {
		t.Error(err)
	}
}
