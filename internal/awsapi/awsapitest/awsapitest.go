// Package awsapitest calls moat's AWS-shaped APIs from unit tests the way
// the AWS SDKs do: requests signed by aws-sdk-go-v2's own SigV4 signer, and
// answers read whole, so each adapter's tests say only what they check.
package awsapitest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/moat-dev/moat/internal/admin"
	"github.com/moat-dev/moat/internal/awsapi"
)

// Admin is the admin credential the adapters' test servers trust.
var Admin = aws.Credentials{AccessKeyID: "AKIAMOATTESTADMIN001", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}

// AdminAuthenticator trusts Admin's signatures for region.
func AdminAuthenticator(region string) *admin.Authenticator {
	return admin.NewAuthenticator(admin.Credentials{AccessKeyID: Admin.AccessKeyID, SecretAccessKey: Admin.SecretAccessKey}, region)
}

// Stranger is a well-formed credential no test server trusts.
var Stranger = aws.Credentials{AccessKeyID: "AKIAMOATTESTSTRANGER", SecretAccessKey: "stranger-secret-key-0000000000000000000000"}

// Sign signs r, whose body is body, for service in region, now, as the
// SDK does, over the headers r has at this point.
func Sign(t testing.TB, r *http.Request, body []byte, creds aws.Credentials, service, region string) {
	t.Helper()
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), service, region, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// Answer is a response read whole.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// Send sends r and reads its answer.
func Send(t testing.TB, r *http.Request) Answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Answer{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

// Object is the answer's body as a JSON object; nil for an empty body.
func (a Answer) Object(t testing.TB) map[string]any {
	t.Helper()
	if len(a.Body) == 0 {
		return nil
	}
	var out map[string]any
	if err := json.Unmarshal(a.Body, &out); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", a.Body, err)
	}
	return out
}

// CallJSON sends one operation of an AWS JSON 1.1 service (POST / with
// X-Amz-Target prefix.op), signed by creds for service in us-east-1.
func CallJSON(t testing.TB, url, prefix, op string, body any, creds aws.Credentials, service string) Answer {
	t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	r, err := http.NewRequest(http.MethodPost, url+"/", bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	r.Header.Set("X-Amz-Target", prefix+"."+op)
	Sign(t, r, raw, creds, service, "us-east-1")
	return Send(t, r)
}

// CallREST sends a REST-JSON request (AWS's management APIs: API Gateway,
// Lambda) signed by creds for service in us-east-1; headers are name, value
// pairs set before signing.
func CallREST(t testing.TB, url, method, path string, body []byte, creds aws.Credentials, service string, headers ...string) Answer {
	t.Helper()
	r, err := http.NewRequest(method, url+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	Sign(t, r, body, creds, service, "us-east-1")
	return Send(t, r)
}

// QuietFrame is the request frame as the adapters' tests mount their APIs
// on it: what it logs is dropped.
func QuietFrame() *awsapi.Frame {
	return awsapi.NewFrame(awsapi.Config{Logger: slog.New(slog.DiscardHandler)})
}

// Serve serves h on a test server closed when the test ends, and returns
// its URL: each adapter's API mounted on the request frame.
func Serve(t testing.TB, h http.Handler) string {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}

// QueryError is the query protocol's error document (IAM's, STS's).
type QueryError struct {
	XMLName   xml.Name
	Type      string `xml:"Error>Type"`
	Code      string `xml:"Error>Code"`
	Message   string `xml:"Error>Message"`
	RequestID string `xml:"RequestId"`
}

// ParseQueryError reads body as a query-protocol error document.
func ParseQueryError(t testing.TB, body []byte) QueryError {
	t.Helper()
	var doc QueryError
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("error body %q: %v", body, err)
	}
	return doc
}
