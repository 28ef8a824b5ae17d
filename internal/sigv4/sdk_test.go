package sigv4

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/moat-dev/moat/internal/awserr"
)

var (
	longTerm  = aws.Credentials{AccessKeyID: "AKIDLONGTERM", SecretAccessKey: "long/term+secret"}
	temporary = aws.Credentials{AccessKeyID: "ASIATEMPORARY", SecretAccessKey: "temporary-secret", SessionToken: "session-token/with+odd=chars"}
	unknown   = aws.Credentials{AccessKeyID: "AKIDUNKNOWN", SecretAccessKey: "whatever"}
)

func sdkVerifier(service string) *Verifier {
	return &Verifier{
		Service: service,
		Region:  "us-east-1",
		Lookup: func(_ context.Context, id, _ string) (Credential, bool, error) {
			switch id {
			case longTerm.AccessKeyID:
				return Credential{SecretAccessKey: longTerm.SecretAccessKey}, true, nil
			case temporary.AccessKeyID:
				return Credential{SecretAccessKey: temporary.SecretAccessKey, SessionToken: temporary.SessionToken}, true, nil
			case "AKIDBROKENSTORE":
				return Credential{}, false, errors.New("store is down")
			}
			return Credential{}, false, nil
		},
	}
}

// verifyingServer answers 200 with the access key id when v accepts the
// request, else 403 with "code\nmessage", so tests see what the server saw.
func verifyingServer(t *testing.T, v *Verifier) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Error(err)
		}
		res, err := v.Verify(r.Context(), r, body)
		if err != nil {
			e, _ := awserr.As(err)
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, e.Code+"\n"+e.Message)
			return
		}
		io.WriteString(w, res.AccessKeyID)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// send delivers r and returns the error code and message, or "" and the
// access key id the server authenticated.
func send(t *testing.T, r *http.Request) (code, message string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusOK {
		return "", string(b)
	}
	code, message, _ = strings.Cut(string(b), "\n")
	return code, message
}

func hashHex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

type signedCall struct {
	method, target string // target is path and query as the client writes it
	body           []byte
	headers        map[string]string
	creds          aws.Credentials
	service        string
	region         string
	at             time.Time
}

func (c signedCall) request(t *testing.T, srv *httptest.Server) *http.Request {
	t.Helper()
	r, err := http.NewRequest(c.method, srv.URL+c.target, bytes.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range c.headers {
		r.Header.Set(k, v)
	}
	if c.region == "" {
		c.region = "us-east-1"
	}
	if c.at.IsZero() {
		c.at = time.Now()
	}
	if err := v4.NewSigner().SignHTTP(context.Background(), c.creds, r, hashHex(c.body), c.service, c.region, c.at); err != nil {
		t.Fatal(err)
	}
	return r
}

func (c signedCall) presigned(t *testing.T, srv *httptest.Server) *http.Request {
	t.Helper()
	r, err := http.NewRequest(c.method, srv.URL+c.target, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.at.IsZero() {
		c.at = time.Now()
	}
	uri, headers, err := v4.NewSigner().PresignHTTP(context.Background(), c.creds, r, hashHex(nil), c.service, "us-east-1", c.at)
	if err != nil {
		t.Fatal(err)
	}
	r, err = http.NewRequest(c.method, uri, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range headers {
		if k != "Host" {
			r.Header[k] = vs
		}
	}
	return r
}

var adminCall = signedCall{
	method: http.MethodPost,
	target: "/",
	body:   []byte(`{"UserPoolId":"us-east-1_abc","Username":"alice"}`),
	headers: map[string]string{
		"Content-Type": "application/x-amz-json-1.1",
		"X-Amz-Target": "AWSCognitoIdentityProviderService.AdminGetUser",
	},
	creds:   longTerm,
	service: "cognito-idp",
}

// trickyTarget has spaces, UTF-8, an encoded slash, "+" and "=" in the path
// and repeated, empty, encoded and "+"-as-space values in the query.
const trickyTarget = "/prod/pets/my%20dog/%E1%88%B4/a%2Fb/x+y=z?b=2&a=x+y&a=%2B&empty=&flag&c=%E1%88%B4&eq=a%3Db&sp=a%20b"

func TestSDKSignedRequestsVerify(t *testing.T) {
	for _, service := range []string{"cognito-idp", "execute-api"} {
		srv := verifyingServer(t, sdkVerifier(service))
		calls := map[string]signedCall{
			"POST JSON":                      func() signedCall { c := adminCall; c.service = service; return c }(),
			"GET tricky path and query":      {method: http.MethodGet, target: trickyTarget, creds: longTerm, service: service},
			"PUT with temporary credentials": {method: http.MethodPut, target: "/prod/items/1", body: []byte("x=1"), creds: temporary, service: service},
			"POST with X-Amz-Content-Sha256": {method: http.MethodPost, target: "/", body: []byte("{}"), creds: longTerm, service: service,
				headers: map[string]string{"X-Amz-Content-Sha256": hashHex([]byte("{}"))}},
			"GET empty path": {method: http.MethodGet, target: "", creds: longTerm, service: service},
		}
		for name, c := range calls {
			t.Run(service+"/"+name, func(t *testing.T) {
				if code, got := send(t, c.request(t, srv)); code != "" || got != c.creds.AccessKeyID {
					t.Fatalf("rejected: %s %s", code, got)
				}
			})
		}
		for name, c := range map[string]signedCall{
			"presigned GET":                {method: http.MethodGet, target: "/prod/pets?X-Amz-Expires=300&q=a+b", creds: longTerm, service: service},
			"presigned tricky":             {method: http.MethodGet, target: trickyTarget, creds: longTerm, service: service},
			"presigned temporary":          {method: http.MethodGet, target: "/prod/pets?X-Amz-Expires=60", creds: temporary, service: service},
			"presigned long-lived, 6 days": {method: http.MethodGet, target: "/?X-Amz-Expires=604800", creds: longTerm, service: service, at: time.Now().Add(-6 * 24 * time.Hour)},
		} {
			t.Run(service+"/"+name, func(t *testing.T) {
				if code, got := send(t, c.presigned(t, srv)); code != "" || got != c.creds.AccessKeyID {
					t.Fatalf("rejected: %s %s", code, got)
				}
			})
		}
	}
}

func TestSDKSignedRequestsRejected(t *testing.T) {
	v := sdkVerifier("cognito-idp")
	srv := verifyingServer(t, v)
	with := func(change func(*signedCall)) signedCall {
		c := adminCall
		change(&c)
		return c
	}
	const mismatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	tests := []struct {
		name          string
		request       func() *http.Request
		code, message string
	}{
		{"wrong secret", with(func(c *signedCall) { c.creds.SecretAccessKey = "not-the-secret" }).requestFn(t, srv),
			awserr.InvalidSignature, mismatch},
		{"wrong region", with(func(c *signedCall) { c.region = "us-west-2" }).requestFn(t, srv),
			awserr.InvalidSignature, "Credential should be scoped to a valid region, not 'us-west-2'. "},
		{"wrong service", with(func(c *signedCall) { c.service = "execute-api" }).requestFn(t, srv),
			awserr.InvalidSignature, "Credential should be scoped to correct service: 'cognito-idp'. "},
		{"expired", with(func(c *signedCall) { c.at = time.Now().Add(-6 * time.Minute) }).requestFn(t, srv),
			awserr.InvalidSignature, "Signature expired: "},
		{"from the future", with(func(c *signedCall) { c.at = time.Now().Add(6 * time.Minute) }).requestFn(t, srv),
			awserr.InvalidSignature, "Signature not yet current: "},
		{"unknown key", with(func(c *signedCall) { c.creds = unknown }).requestFn(t, srv),
			awserr.UnrecognizedClient, "The security token included in the request is invalid."},
		{"temporary key without its token", with(func(c *signedCall) { c.creds = temporary; c.creds.SessionToken = "" }).requestFn(t, srv),
			awserr.UnrecognizedClient, "The security token included in the request is invalid."},
		{"temporary key with another token", with(func(c *signedCall) { c.creds = temporary; c.creds.SessionToken += "x" }).requestFn(t, srv),
			awserr.UnrecognizedClient, "The security token included in the request is invalid."},
		{"long-term key with a token", with(func(c *signedCall) { c.creds.SessionToken = temporary.SessionToken }).requestFn(t, srv),
			awserr.UnrecognizedClient, "The security token included in the request is invalid."},
		{"store failure", with(func(c *signedCall) { c.creds.AccessKeyID = "AKIDBROKENSTORE" }).requestFn(t, srv),
			awserr.InternalError, "Internal server error."},
		{"no authentication", func() *http.Request {
			r, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader("{}"))
			return r
		}, awserr.MissingAuthToken, "Missing Authentication Token"},
		{"body changed after signing", func() *http.Request {
			r := adminCall.request(t, srv)
			r.Body = io.NopCloser(bytes.NewReader(bytes.ToUpper(adminCall.body)))
			return r
		}, awserr.InvalidSignature, mismatch},
		{"body changed after signing with X-Amz-Content-Sha256", func() *http.Request {
			r := with(func(c *signedCall) {
				c.headers = map[string]string{"X-Amz-Content-Sha256": hashHex(c.body)}
			}).request(t, srv)
			r.Body = io.NopCloser(bytes.NewReader(bytes.ToUpper(adminCall.body)))
			return r
		}, contentSHA256Mismatch, "The provided 'x-amz-content-sha256' header does not match what was computed."},
		{"UNSIGNED-PAYLOAD not allowed", with(func(c *signedCall) {
			c.headers = map[string]string{"X-Amz-Content-Sha256": unsignedPayload}
		}).requestFn(t, srv), contentSHA256Mismatch, "The provided 'x-amz-content-sha256' header"},
		{"header and query auth together", func() *http.Request {
			r := adminCall.request(t, srv)
			r.URL.RawQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA256"
			return r
		}, awserr.IncompleteSignature, "Only one auth mechanism allowed"},
		{"host not signed", func() *http.Request {
			r := adminCall.request(t, srv)
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "host;", "", 1))
			return r
		}, awserr.IncompleteSignature, "'Host' or ':authority' must be a 'SignedHeader'"},
		{"signed header missing", func() *http.Request {
			r := adminCall.request(t, srv)
			r.Header.Del("X-Amz-Target")
			return r
		}, awserr.IncompleteSignature, "'x-amz-target' is named as a SignedHeader, but it does not exist in the HTTP request."},
		{"presigned URL expired", func() *http.Request {
			c := signedCall{method: http.MethodGet, target: "/?X-Amz-Expires=60", creds: longTerm, service: "cognito-idp", at: time.Now().Add(-2 * time.Minute)}
			return c.presigned(t, srv)
		}, awserr.InvalidSignature, "Signature expired: "},
		{"presigned URL valid too long", func() *http.Request {
			c := signedCall{method: http.MethodGet, target: "/?X-Amz-Expires=604801", creds: longTerm, service: "cognito-idp"}
			return c.presigned(t, srv)
		}, awserr.IncompleteSignature, "X-Amz-Expires must be"},
		{"presigned query changed", func() *http.Request {
			c := signedCall{method: http.MethodGet, target: "/?X-Amz-Expires=60&a=1", creds: longTerm, service: "cognito-idp"}
			r := c.presigned(t, srv)
			r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "a=1", "a=2", 1)
			return r
		}, awserr.InvalidSignature, mismatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, message := send(t, tc.request())
			if code != tc.code || !strings.HasPrefix(message, tc.message) {
				t.Fatalf("got %s %q, want %s %q…", code, message, tc.code, tc.message)
			}
		})
	}

	t.Run("UNSIGNED-PAYLOAD allowed", func(t *testing.T) {
		v := sdkVerifier("cognito-idp")
		v.AllowUnsignedPayload = true
		srv := verifyingServer(t, v)
		r, err := http.NewRequest(http.MethodPost, srv.URL+"/", bytes.NewReader(adminCall.body))
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("X-Amz-Content-Sha256", unsignedPayload)
		if err := v4.NewSigner().SignHTTP(context.Background(), longTerm, r, unsignedPayload, "cognito-idp", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		// Same length, other bytes: the signature does not cover the body.
		r.Body = io.NopCloser(bytes.NewReader(bytes.ToUpper(adminCall.body)))
		if code, got := send(t, r); code != "" {
			t.Fatalf("rejected: %s %s", code, got)
		}
	})
}

// requestFn signs lazily, so each test case gets a fresh time and body.
func (c signedCall) requestFn(t *testing.T, srv *httptest.Server) func() *http.Request {
	return func() *http.Request { return c.request(t, srv) }
}
