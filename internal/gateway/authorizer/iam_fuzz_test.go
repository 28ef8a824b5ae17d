package authorizer

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/gateway"
)

// FuzzIAMAuthorize: whatever a client puts in Authorization,
// X-Amz-Security-Token and the query, the AWS_IAM authorizer answers with a
// 4xx gateway error (or admits a genuine signature) and never panics.
func FuzzIAMAuthorize(f *testing.F) {
	fx := newIAMFixture(f)
	fx.role(f, "Users", usersPolicy)
	good := signed(f, awsCreds(fx.issue(f, identityA, "Users", true)), "GET", "things", nil, time.Now())
	f.Add(good.HTTP.Header.Get("Authorization"), good.HTTP.Header.Get("X-Amz-Security-Token"), "")
	f.Add("AWS4-HMAC-SHA256 Credential=ASIA/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=00", "AAAA", "")
	f.Add("", "", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a%2Fb&X-Amz-Security-Token=zz&X-Amz-Signature=1")
	f.Fuzz(func(t *testing.T, authorization, token, query string) {
		r := httptest.NewRequest("GET", "http://gw.example/prod/things", nil)
		r.URL.RawQuery, r.RequestURI = query, "/prod/things?"+query
		r.Header.Set("X-Amz-Date", good.HTTP.Header.Get("X-Amz-Date"))
		r.Header["Authorization"] = []string{authorization}
		r.Header["X-Amz-Security-Token"] = []string{token}
		_, err := fx.authz.Authorize(context.Background(), gatewayRequest(r, "GET", "things"))
		var ge *gateway.Error
		if err != nil && (!errors.As(err, &ge) || gateway.DefaultStatus(ge.Type) >= 500) {
			t.Fatalf("Authorize: %v", err)
		}
	})
}
