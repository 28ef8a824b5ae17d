package sigv4

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
)

// suiteRequest is get-vanilla with the given Authorization header and query.
func suiteRequest(authorization, rawQuery string) *http.Request {
	r := &http.Request{
		Method:     http.MethodGet,
		URL:        &url.URL{Path: "/", RawQuery: rawQuery},
		RequestURI: "/?" + rawQuery,
		Host:       "example.amazonaws.com",
		Header:     http.Header{"X-Amz-Date": {"20150830T123600Z"}},
	}
	if authorization != "" {
		r.Header.Set("Authorization", authorization)
	}
	return r
}

func TestMalformedAuthentication(t *testing.T) {
	const outOfForm = "SignedHeaders must name lower-case headers in sorted order, each once, separated by ';'. Got "
	const good = "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
	tests := []struct {
		name, authorization, query string
		code, message              string
	}{
		{"bearer token is not echoed", "Bearer eyJhbGciOiJSUzI1NiJ9.secret", "",
			awserr.IncompleteSignature, "Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '"},
		{"SigV4a", "AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20150830/service/aws4_request", "",
			awserr.IncompleteSignature, "Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'."},
		{"no parameters", "AWS4-HMAC-SHA256", "",
			awserr.IncompleteSignature, "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256"},
		{"missing equal sign", "AWS4-HMAC-SHA256 Credential AKIDEXAMPLE", "",
			awserr.IncompleteSignature, "'Credential AKIDEXAMPLE' not a valid key=value pair (missing equal-sign) in Authorization header: "},
		{"short credential", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service, SignedHeaders=host;x-amz-date, " + good, "",
			awserr.IncompleteSignature, "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDEXAMPLE/20150830/us-east-1/service'"},
		{"bad terminator", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4, SignedHeaders=host;x-amz-date, " + good, "",
			awserr.InvalidSignature, "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4'. "},
		{"scope date differs", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150831/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, " + good, "",
			awserr.InvalidSignature, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20150831' != '20150830', from '20150830T123600Z'."},
		{"x-amz-date unsigned", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host, " + good, "",
			awserr.IncompleteSignature, "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization."},
		{"signed headers unsorted", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=x-amz-date;host, " + good, "",
			awserr.IncompleteSignature, outOfForm + "'x-amz-date;host'."},
		{"signed headers not lower-case", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=Host;x-amz-date, " + good, "",
			awserr.IncompleteSignature, outOfForm + "'Host;x-amz-date'."},
		{"signed header twice", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;host;x-amz-date, " + good, "",
			awserr.IncompleteSignature, outOfForm + "'host;host;x-amz-date'."},
		{"signed headers empty name", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;;x-amz-date, " + good, "",
			awserr.IncompleteSignature, outOfForm + "'host;;x-amz-date'."},
		{"presigned without signature", "", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request",
			awserr.IncompleteSignature, "AWS query-string parameters must include 'X-Amz-Signature'. Re-examine the query-string parameters."},
		{"presigned bad date", "", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=2015-08-30&X-Amz-SignedHeaders=host&X-Amz-Signature=00",
			awserr.IncompleteSignature, "Date must be in ISO-8601 'basic format'. Got '2015-08-30'."},
		{"presigned negative expiry", "", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00&X-Amz-Expires=-1",
			awserr.IncompleteSignature, "X-Amz-Expires must be a whole number of seconds from 1 to 604800, got '-1'."},
	}
	v := suiteVerifier("")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := v.Verify(context.Background(), suiteRequest(tc.authorization, tc.query), nil)
			wantError(t, err, tc.code, tc.message)
			if strings.Contains(err.Error(), "secret") {
				t.Fatalf("error echoes the credential: %v", err)
			}
		})
	}
}

func TestSkewMessages(t *testing.T) {
	r, body, err := parseRawRequest("GET / HTTP/1.1\nHost:example.amazonaws.com\nX-Amz-Date:20150830T123600Z\nAuthorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
	if err != nil {
		t.Fatal(err)
	}
	v := suiteVerifier("")
	v.Now = func() time.Time { return suiteTime.Add(10 * time.Minute) }
	_, err = v.Verify(context.Background(), r, body)
	wantError(t, err, awserr.InvalidSignature, "Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z (20150830T124600Z - 5 min.)")
	v.Now = func() time.Time { return suiteTime.Add(-10 * time.Minute) }
	_, err = v.Verify(context.Background(), r, body)
	wantError(t, err, awserr.InvalidSignature, "Signature not yet current: 20150830T123600Z is still later than 20150830T123100Z (20150830T122600Z + 5 min.)")
	v.Now = func() time.Time { return suiteTime.Add(5 * time.Minute) }
	if _, err := v.Verify(context.Background(), r, body); err != nil {
		t.Fatalf("exactly MaxSkew old rejected: %v", err)
	}
}
