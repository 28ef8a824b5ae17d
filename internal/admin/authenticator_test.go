package admin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/moat-dev/moat/internal/awserr"
)

var adminCreds = Credentials{AccessKeyID: "AKIAMOATTESTADMIN001", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}

// signedRequest is an admin API call signed by the AWS SDK's own signer.
func signedRequest(t *testing.T, creds Credentials, service, region string, at time.Time) (*http.Request, []byte) {
	t.Helper()
	body := []byte(`{"MaxResults":10}`)
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:9229/", strings.NewReader(string(body)))
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.ListUserPools")
	sum := sha256.Sum256(body)
	err := v4.NewSigner().SignHTTP(context.Background(),
		aws.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey},
		r, hex.EncodeToString(sum[:]), service, region, at)
	if err != nil {
		t.Fatal(err)
	}
	return r, body
}

func TestAuthenticator(t *testing.T) {
	auth := NewAuthenticator(adminCreds, "eu-west-1")
	now := time.Now()
	cases := []struct {
		name     string
		creds    Credentials
		service  string
		region   string
		at       time.Time
		wantCode string
	}{
		{"good", adminCreds, "cognito-idp", "eu-west-1", now, ""},
		{"wrong secret", Credentials{adminCreds.AccessKeyID, "not-the-secret-not-the-secret-not-the-se"}, "cognito-idp", "eu-west-1", now, awserr.InvalidSignature},
		{"unknown key", Credentials{"AKIAUNKNOWNUNKNOWN00", adminCreds.SecretAccessKey}, "cognito-idp", "eu-west-1", now, awserr.UnrecognizedClient},
		{"key id differs in last char", Credentials{adminCreds.AccessKeyID[:19] + "2", adminCreds.SecretAccessKey}, "cognito-idp", "eu-west-1", now, awserr.UnrecognizedClient},
		{"expired", adminCreds, "cognito-idp", "eu-west-1", now.Add(-time.Hour), awserr.InvalidSignature},
		{"other region", adminCreds, "cognito-idp", "us-east-1", now, awserr.InvalidSignature},
		{"other service", adminCreds, "iam", "eu-west-1", now, awserr.InvalidSignature},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, body := signedRequest(t, c.creds, c.service, c.region, c.at)
			err := auth.Authenticate(context.Background(), r, body, "cognito-idp")
			if c.wantCode == "" {
				if err != nil {
					t.Fatalf("refused a good signature: %v", err)
				}
				return
			}
			e, ok := awserr.As(err)
			if !ok || e.Code != c.wantCode {
				t.Fatalf("got %v, want %s", err, c.wantCode)
			}
		})
	}
}

func TestAuthenticatorRefusesTamperedBodyAndUnsigned(t *testing.T) {
	auth := NewAuthenticator(adminCreds, "eu-west-1")
	r, _ := signedRequest(t, adminCreds, "cognito-idp", "eu-west-1", time.Now())
	if err := auth.Authenticate(context.Background(), r, []byte(`{"MaxResults":60}`), "cognito-idp"); err == nil {
		t.Error("accepted a body the signature does not cover")
	}
	unsigned := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:9229/", nil)
	e, ok := awserr.As(auth.Authenticate(context.Background(), unsigned, nil, "cognito-idp"))
	if !ok || e.Code != awserr.MissingAuthToken {
		t.Errorf("unsigned request: got %v, want %s", e, awserr.MissingAuthToken)
	}
}

// sign signs r (whose body is body) as the SDK does, over the headers r has now.
func sign(t *testing.T, r *http.Request, body []byte, service string) {
	t.Helper()
	sum := sha256.Sum256(body)
	err := v4.NewSigner().SignHTTP(context.Background(),
		aws.Credentials{AccessKeyID: adminCreds.AccessKeyID, SecretAccessKey: adminCreds.SecretAccessKey},
		r, hex.EncodeToString(sum[:]), service, "eu-west-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
}

func wantRefusal(t *testing.T, err error, code, mentions string) {
	t.Helper()
	e, ok := awserr.As(err)
	if !ok || e.Code != code || !strings.Contains(e.Message, mentions) {
		t.Fatalf("got %v, want %s mentioning %q", err, code, mentions)
	}
}

// A signature over host and x-amz-date alone names no operation: replayed
// with another X-Amz-Target it would do that instead.
func TestOperationHeadersMustBeSigned(t *testing.T) {
	auth := NewAuthenticator(adminCreds, "eu-west-1")
	body := []byte(`{"UserPoolId":"eu-west-1_x","Username":"ada"}`)
	for _, c := range []struct {
		unsigned, value, mentions string
	}{
		{"X-Amz-Target", "AWSCognitoIdentityProviderService.AdminDeleteUser", "'X-Amz-Target' must be a 'SignedHeader'"},
		{"Content-Type", "application/x-amz-json-1.1", "'Content-Type' must be a 'SignedHeader'"},
	} {
		t.Run(c.unsigned, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:9229/", strings.NewReader(string(body)))
			r.Header.Set("Content-Type", "application/x-amz-json-1.1")
			r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.AdminGetUser")
			r.Header.Del(c.unsigned)
			sign(t, r, body, "cognito-idp")
			if signed := r.Header.Get("Authorization"); strings.Contains(strings.ToLower(signed), strings.ToLower(c.unsigned)) {
				t.Fatalf("the signer signed %s anyway: %s", c.unsigned, signed)
			}
			r.Header.Set(c.unsigned, c.value)
			wantRefusal(t, auth.Authenticate(context.Background(), r, body, "cognito-idp"), awserr.IncompleteSignature, c.mentions)
		})
	}
}

// The query protocol's Action and the REST protocol's method and path are
// covered by every signature: changing them breaks it.
func TestOperationInBodyOrPathIsCovered(t *testing.T) {
	auth := NewAuthenticator(adminCreds, "eu-west-1")
	form := []byte("Action=GetRole&RoleName=web&Version=2010-05-08")
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:9229/", strings.NewReader(string(form)))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sign(t, r, form, "iam")
	if err := auth.Authenticate(context.Background(), r, form, "iam"); err != nil {
		t.Fatalf("signed query call: %v", err)
	}
	swapped := []byte("Action=DeleteRole&RoleName=web&Version=2010-05-08")
	wantRefusal(t, auth.Authenticate(context.Background(), r, swapped, "iam"), awserr.InvalidSignature, "does not match")

	r = httptest.NewRequest(http.MethodGet, "http://127.0.0.1:9229/apikeys/k1", nil)
	sign(t, r, nil, "apigateway")
	if err := auth.Authenticate(context.Background(), r, nil, "apigateway"); err != nil {
		t.Fatalf("signed REST call: %v", err)
	}
	for _, replay := range []struct{ method, url string }{
		{http.MethodDelete, "http://127.0.0.1:9229/apikeys/k1"},
		{http.MethodGet, "http://127.0.0.1:9229/apikeys/k2"},
	} {
		other := httptest.NewRequest(replay.method, replay.url, nil)
		other.Header = r.Header.Clone()
		wantRefusal(t, auth.Authenticate(context.Background(), other, nil, "apigateway"), awserr.InvalidSignature, "does not match")
	}
}

func TestPresignedURLsAreRefused(t *testing.T) {
	auth := NewAuthenticator(adminCreds, "eu-west-1")
	r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:9229/apikeys", nil)
	sum := sha256.Sum256(nil)
	url, _, err := v4.NewSigner().PresignHTTP(context.Background(),
		aws.Credentials{AccessKeyID: adminCreds.AccessKeyID, SecretAccessKey: adminCreds.SecretAccessKey},
		r, hex.EncodeToString(sum[:]), "apigateway", "eu-west-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	presigned := httptest.NewRequest(http.MethodGet, url, nil)
	wantRefusal(t, auth.Authenticate(context.Background(), presigned, nil, "apigateway"), awserr.IncompleteSignature, "presigned URLs")
}
