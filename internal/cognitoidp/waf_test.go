package cognitoidp

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/awsapi"
	"github.com/moat-dev/moat/internal/awsapi/awsapitest"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/waf"
	"github.com/moat-dev/moat/internal/waf/waftest"
)

// TestWAFGuardBlocksTheDeniedAddress puts a web ACL denying one address on
// a pool and calls a public operation through the frame from it and from
// another address; calls for another pool pass.
func TestWAFGuardBlocksTheDeniedAddress(t *testing.T) {
	ctx := context.Background()
	firewall, st := waftest.NewService(t)
	for _, pool := range []string{"us-east-1_Guarded", "us-east-1_Open"} {
		if err := st.CreateUserPool(ctx, store.UserPool{ID: pool, Name: pool, Settings: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateClient(ctx, store.Client{PoolID: pool, ID: "client" + pool[10:], Name: "app", Settings: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	set, err := firewall.CreateIPSet(ctx, waf.IPSet{Name: "deny", IPAddressVersion: "IPV4", Addresses: []string{"192.0.2.66/32"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var acl waf.WebACL
	doc := `{"Name":"pool-acl","DefaultAction":{"Allow":{}},"VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"pool-acl"},
		"Rules":[{"Name":"deny","Priority":0,"Statement":{"IPSetReferenceStatement":{"ARN":"` + set.ARN + `"}},"Action":{"Block":{}},
		"VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"deny"}},
		{"Name":"only-sign-in","Priority":1,"Statement":{"NotStatement":{"Statement":{"ByteMatchStatement":{"SearchString":"SW5pdGlhdGVBdXRo","FieldToMatch":{"SingleHeader":{"Name":"x-amzn-cognito-operation-name"}},"TextTransformations":[{"Priority":0,"Type":"NONE"}],"PositionalConstraint":"EXACTLY"}}}},
		"Action":{"Block":{"CustomResponse":{"ResponseCode":429}}},"VisibilityConfig":{"SampledRequestsEnabled":false,"CloudWatchMetricsEnabled":false,"MetricName":"only-sign-in"}}]}`
	if err := json.Unmarshal([]byte(doc), &acl); err != nil {
		t.Fatal(err)
	}
	sum, err := firewall.CreateWebACL(ctx, acl, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := firewall.AssociateWebACL(ctx, sum.ARN, waf.UserPoolARN("us-east-1", "000000000000", "us-east-1_Guarded")); err != nil {
		t.Fatal(err)
	}
	ok := func(context.Context, *struct{ ClientId string }) (*struct{}, error) { return nil, nil }
	h := awsapitest.QuietFrame().JSON(awsapi.Service{
		TargetPrefix: "AWSCognitoIdentityProviderService", SigningName: "cognito-idp",
		Operations: []awsapi.Operation{awsapi.Op("InitiateAuth", false, ok), awsapi.Op("SignUp", false, ok)},
		Guard:      WAFGuard(firewall, st, "us-east-1", "000000000000"),
	}, nil)
	call := func(from, op, clientID string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"ClientId":"`+clientID+`","AuthFlow":"USER_PASSWORD_AUTH"}`))
		r.RemoteAddr = from + ":40000"
		r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+op)
		r.Header.Set("Content-Type", "application/x-amz-json-1.1")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec
	}
	rec := call("192.0.2.66", "InitiateAuth", "clientGuarded")
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), `"__type":"ForbiddenException"`) || !strings.Contains(rec.Body.String(), "Request not allowed due to WAF block.") {
		t.Fatalf("denied address: %d %s", rec.Code, rec.Body)
	}
	if rec := call("192.0.2.67", "InitiateAuth", "clientGuarded"); rec.Code != 200 {
		t.Fatalf("another address: %d %s", rec.Code, rec.Body)
	}
	if rec := call("192.0.2.66", "InitiateAuth", "clientOpen"); rec.Code != 200 {
		t.Fatalf("a pool without a web ACL: %d %s", rec.Code, rec.Body)
	}
	if rec := call("192.0.2.67", "SignUp", "clientGuarded"); rec.Code != 429 {
		t.Fatalf("the operation-name header rule's custom response: %d %s", rec.Code, rec.Body)
	}
}
