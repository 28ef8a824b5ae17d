package iam

import (
	"testing"
)

func mustParse(t testing.TB, doc string) *Policy {
	t.Helper()
	p, err := ParsePolicy([]byte(doc))
	if err != nil {
		t.Fatalf("ParsePolicy: %v\n%s", err, doc)
	}
	return p
}

const (
	invokeARN = "arn:aws:execute-api:us-east-1:123456789012:a123456789/test/POST/mydemoresource/items"
	account   = "123456789012"
	cognitoID = "us-east-1:0f9c2b4e-1111-2222-3333-444455556666"
)

type evalCase struct {
	name   string
	policy string
	req    Request
	want   Decision
}

func runEvalCases(t *testing.T, cases []evalCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := mustParse(t, tc.policy)
			if got := p.Evaluate(tc.req); got != tc.want {
				t.Errorf("Evaluate = %v, want %v", got, tc.want)
			}
		})
	}
}

func invoke(resource string, ctx Context) Request {
	return Request{Action: "execute-api:Invoke", Resource: resource, Context: ctx}
}

// From "Control access to an API with IAM permissions" (API Gateway
// Developer Guide), "IAM policy examples for API execution permissions".
const apiExecutionPolicy = `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": ["execute-api:Invoke"],
    "Resource": ["arn:aws:execute-api:us-east-1:*:a123456789/test/POST/mydemoresource/*"]
  }]
}`

func TestEvaluateActionsAndResources(t *testing.T) {
	runEvalCases(t, []evalCase{
		{"api execution policy allows its method", apiExecutionPolicy, invoke(invokeARN, nil), Allow},
		{"other stage is implicitly denied", apiExecutionPolicy,
			invoke("arn:aws:execute-api:us-east-1:123456789012:a123456789/prod/POST/mydemoresource/items", nil), ImplicitDeny},
		{"other verb is implicitly denied", apiExecutionPolicy,
			invoke("arn:aws:execute-api:us-east-1:123456789012:a123456789/test/GET/mydemoresource/items", nil), ImplicitDeny},
		{"other region is implicitly denied", apiExecutionPolicy,
			invoke("arn:aws:execute-api:eu-west-1:123456789012:a123456789/test/POST/mydemoresource/items", nil), ImplicitDeny},
		{"action case does not matter", apiExecutionPolicy,
			Request{Action: "EXECUTE-API:invoke", Resource: invokeARN}, Allow},
		{"other action is implicitly denied", apiExecutionPolicy,
			Request{Action: "execute-api:ManageConnections", Resource: invokeARN}, ImplicitDeny},
		{"resource case matters", apiExecutionPolicy,
			invoke("arn:aws:execute-api:us-east-1:123456789012:a123456789/test/POST/MyDemoResource/items", nil), ImplicitDeny},
		{"star in the resource part spans slashes", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"execute-api:*",
			"Resource":"arn:aws:execute-api:*:*:a123456789/*/*/petstorewalkthrough/pets"}}`,
			invoke("arn:aws:execute-api:us-west-2:111122223333:a123456789/prod/GET/petstorewalkthrough/pets", nil), Allow},
		{"question mark is one character", `{"Statement":{"Effect":"Allow","Action":"execute-api:Inv?ke","Resource":"arn:aws:execute-api:us-east-?:*:a123456789/*"}}`,
			invoke(invokeARN, nil), Allow},
		{"question mark is not zero characters", `{"Statement":{"Effect":"Allow","Action":"execute-api:Invoke?","Resource":"*"}}`,
			invoke(invokeARN, nil), ImplicitDeny},
		{"star in a segment does not cross colons", `{"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:execute-api:*:123456789012:api/*"}}`,
			invoke("arn:aws:execute-api:us-east-1:999999999999:api/GET/x:123456789012:api/y", nil), ImplicitDeny},
		{"trailing star expands beyond colons", `{"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:execute-api:*"}}`,
			invoke(invokeARN, nil), Allow},
		{"resource part may hold colons", `{"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:execute-api:us-east-1:123456789012:api/GET/a:b"}}`,
			invoke("arn:aws:execute-api:us-east-1:123456789012:api/GET/a:b", nil), Allow},
		{"too few segments do not match", `{"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:execute-api:us-east-1:123456789012:api/*"}}`,
			invoke("arn:aws:execute-api:us-east-1", nil), ImplicitDeny},
		// "IAM JSON policy elements: NotAction": allow everything except IAM.
		{"NotAction with Allow allows other actions", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}`,
			invoke(invokeARN, nil), Allow},
		{"NotAction with Allow does not allow the listed actions", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}`,
			Request{Action: "iam:CreateUser", Resource: "arn:aws:iam::123456789012:user/bob"}, ImplicitDeny},
		// "IAM JSON policy elements: NotResource".
		{"NotResource with Deny denies everything else", `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":"*","Resource":"*"},
			{"Effect":"Deny","Action":"*","NotResource":"arn:aws:execute-api:us-east-1:123456789012:a123456789/test/*"}]}`,
			invoke("arn:aws:execute-api:us-east-1:123456789012:other/test/GET/", nil), ExplicitDeny},
		{"NotResource with Deny leaves the listed resources", `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":"*","Resource":"*"},
			{"Effect":"Deny","Action":"*","NotResource":"arn:aws:execute-api:us-east-1:123456789012:a123456789/test/*"}]}`,
			invoke(invokeARN, nil), Allow},
		{"explicit deny wins over allow", `{"Statement":[
			{"Effect":"Allow","Action":"execute-api:*","Resource":"*"},
			{"Effect":"Deny","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:a123456789/*/POST/*"}]}`,
			invoke(invokeARN, nil), ExplicitDeny},
	})
}

func TestEvaluateAcrossPolicies(t *testing.T) {
	allow := mustParse(t, apiExecutionPolicy)
	deny := mustParse(t, `{"Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}}`)
	none := mustParse(t, `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`)
	insecure := invoke(invokeARN, Context{"aws:SecureTransport": {"false"}})
	secure := invoke(invokeARN, Context{"aws:SecureTransport": {"true"}})
	for _, tc := range []struct {
		name     string
		req      Request
		policies []*Policy
		want     Decision
	}{
		{"no policies", secure, nil, ImplicitDeny},
		{"nil policy skipped", secure, []*Policy{nil, allow}, Allow},
		{"allow in one policy", secure, []*Policy{none, allow}, Allow},
		{"deny in another policy wins", insecure, []*Policy{allow, deny}, ExplicitDeny},
		{"deny first still wins", insecure, []*Policy{deny, allow}, ExplicitDeny},
		{"condition not met, no deny", secure, []*Policy{deny, allow}, Allow},
	} {
		if got := Evaluate(tc.req, tc.policies...); got != tc.want {
			t.Errorf("%s: Evaluate = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// The intersection IAM computes for session policies: "Policy evaluation
// logic", and the Cognito enhanced-flow scope-down for guest identities.
func TestEvaluateWithBoundary(t *testing.T) {
	identity := []*Policy{mustParse(t, `{"Statement":{"Effect":"Allow","Action":["execute-api:Invoke","s3:GetObject"],"Resource":"*"}}`)}
	scopeDown := []*Policy{mustParse(t, `{"Statement":{"Effect":"Allow","Action":"execute-api:*","Resource":"*"}}`)}
	denyTest := []*Policy{mustParse(t, `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
		{"Effect":"Deny","Action":"*","Resource":"arn:aws:execute-api:*:*:*/test/*"}]}`)}
	s3 := Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/key"}
	for _, tc := range []struct {
		name               string
		req                Request
		identity, boundary []*Policy
		want               Decision
	}{
		{"both allow", invoke(invokeARN, nil), identity, scopeDown, Allow},
		{"boundary does not allow", s3, identity, scopeDown, ImplicitDeny},
		{"identity does not allow", Request{Action: "execute-api:ManageConnections", Resource: invokeARN}, identity, scopeDown, ImplicitDeny},
		{"no boundary is identity alone", s3, identity, nil, Allow},
		{"deny in boundary", invoke(invokeARN, nil), identity, denyTest, ExplicitDeny},
		{"deny in identity", invoke(invokeARN, nil), denyTest, scopeDown, ExplicitDeny},
	} {
		if got := EvaluateWithBoundary(tc.req, tc.identity, tc.boundary); got != tc.want {
			t.Errorf("%s: EvaluateWithBoundary = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestDecisionString(t *testing.T) {
	for d, want := range map[Decision]string{ImplicitDeny: "ImplicitDeny", Allow: "Allow", ExplicitDeny: "ExplicitDeny"} {
		if d.String() != want {
			t.Errorf("%d.String() = %q, want %q", d, d.String(), want)
		}
	}
}
