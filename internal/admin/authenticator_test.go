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
