package iam

import "testing"

// ReadsContext is true exactly when some statement would look at the
// request's Context, and a policy that says false decides the same with
// and without it.
func TestReadsContext(t *testing.T) {
	full := Request{Action: "execute-api:Invoke", Resource: invokeARN, Context: Context{
		"aws:SourceIp": {"10.0.0.1"}, "cognito-identity.amazonaws.com:sub": {cognitoID},
	}}
	for _, tc := range []struct {
		name, policy string
		reads        bool
	}{
		{"plain allow", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"}]}`, false},
		{"deny by resource", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","NotResource":"arn:aws:execute-api:*:*:other/*"}]}`, false},
		{"condition", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`, true},
		{"variable in resource", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:execute-api:*:*:*/*/GET/${cognito-identity.amazonaws.com:sub}"}]}`, true},
		{"2008 has no variables", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:execute-api:*:*:*/${x}"}]}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustParse(t, tc.policy)
			if got := p.ReadsContext(); got != tc.reads {
				t.Fatalf("ReadsContext = %v, want %v", got, tc.reads)
			}
			if !tc.reads {
				bare := full
				bare.Context = nil
				if with, without := p.Evaluate(full), p.Evaluate(bare); with != without {
					t.Fatalf("decides %v with the context, %v without", with, without)
				}
			}
		})
	}
}
