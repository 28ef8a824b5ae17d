package iam

import "testing"

func TestPrincipals(t *testing.T) {
	role := &Principal{Account: account, ARNs: []string{
		"arn:aws:iam::123456789012:role/Cognito_PoolAuth_Role",
		"arn:aws:sts::123456789012:assumed-role/Cognito_PoolAuth_Role/CognitoIdentityCredentials",
	}}
	other := &Principal{Account: "111122223333", ARNs: []string{"arn:aws:iam::111122223333:user/bob"}}
	cognito := &Principal{Federated: "cognito-identity.amazonaws.com"}
	lambda := &Principal{Service: "lambda.amazonaws.com"}
	policy := func(principal string) string {
		return `{"Version":"2012-10-17","Statement":{"Effect":"Allow",` + principal + `,"Action":"execute-api:Invoke","Resource":"*"}}`
	}
	for _, tc := range []struct {
		name, principal string
		who             *Principal
		want            Decision
	}{
		// "IAM JSON policy elements: Principal".
		{"star matches anonymous", `"Principal":"*"`, nil, Allow},
		{"AWS star matches anyone", `"Principal":{"AWS":"*"}`, role, Allow},
		{"AWS star matches anonymous", `"Principal":{"AWS":"*"}`, nil, Allow},
		{"account id matches its principals", `"Principal":{"AWS":"123456789012"}`, role, Allow},
		{"account id does not match another account", `"Principal":{"AWS":"123456789012"}`, other, ImplicitDeny},
		{"account id does not match anonymous", `"Principal":{"AWS":"123456789012"}`, nil, ImplicitDeny},
		{"root ARN is the account", `"Principal":{"AWS":"arn:aws:iam::123456789012:root"}`, role, Allow},
		{"role ARN", `"Principal":{"AWS":["arn:aws:iam::111122223333:user/alice","arn:aws:iam::123456789012:role/Cognito_PoolAuth_Role"]}`, role, Allow},
		{"session ARN", `"Principal":{"AWS":"arn:aws:sts::123456789012:assumed-role/Cognito_PoolAuth_Role/CognitoIdentityCredentials"}`, role, Allow},
		{"other ARN", `"Principal":{"AWS":"arn:aws:iam::123456789012:role/Other"}`, role, ImplicitDeny},
		{"federated", `"Principal":{"Federated":"cognito-identity.amazonaws.com"}`, cognito, Allow},
		{"federated is not AWS", `"Principal":{"AWS":"123456789012"}`, cognito, ImplicitDeny},
		{"service", `"Principal":{"Service":["lambda.amazonaws.com"]}`, lambda, Allow},
		{"service does not match federated", `"Principal":{"Service":"lambda.amazonaws.com"}`, cognito, ImplicitDeny},
		{"NotPrincipal excludes the listed", `"NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/bob"}`, other, ImplicitDeny},
		{"NotPrincipal includes the others", `"NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/bob"}`, role, Allow},
		{"NotPrincipal includes anonymous", `"NotPrincipal":{"AWS":"111122223333"}`, nil, Allow},
	} {
		p := mustParse(t, policy(tc.principal))
		req := invoke(invokeARN, nil)
		req.Principal = tc.who
		if got := p.Evaluate(req); got != tc.want {
			t.Errorf("%s: Evaluate = %v, want %v", tc.name, got, tc.want)
		}
		if !p.NamesPrincipal() {
			t.Errorf("%s: NamesPrincipal = false", tc.name)
		}
	}
	if mustParse(t, apiExecutionPolicy).NamesPrincipal() {
		t.Error("identity policy: NamesPrincipal = true")
	}
}

// The trust policy Cognito's documentation gives identity-pool roles
// ("Role trust and permissions", Amazon Cognito Developer Guide): no Resource.
func TestTrustPolicy(t *testing.T) {
	p := mustParse(t, `{
	  "Version": "2012-10-17",
	  "Statement": [{
	    "Effect": "Allow",
	    "Principal": {"Federated": "cognito-identity.amazonaws.com"},
	    "Action": "sts:AssumeRoleWithWebIdentity",
	    "Condition": {
	      "StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:12345678-corner-cafe-123456790ab"},
	      "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}
	    }
	  }]
	}`)
	assume := func(aud string, amr ...string) Request {
		return Request{
			Action:    "sts:AssumeRoleWithWebIdentity",
			Resource:  "arn:aws:iam::123456789012:role/Cognito_PoolAuth_Role",
			Principal: &Principal{Federated: "cognito-identity.amazonaws.com"},
			Context: Context{
				"cognito-identity.amazonaws.com:aud": {aud},
				"cognito-identity.amazonaws.com:amr": amr,
			},
		}
	}
	const pool = "us-east-1:12345678-corner-cafe-123456790ab"
	for _, tc := range []struct {
		name string
		req  Request
		want Decision
	}{
		{"authenticated identity of the pool", assume(pool, "authenticated", "cognito-idp.us-east-1.amazonaws.com/us-east-1_x"), Allow},
		{"guest identity", assume(pool, "unauthenticated"), ImplicitDeny},
		{"identity of another pool", assume("us-east-1:other", "authenticated"), ImplicitDeny},
		{"no amr", assume(pool), ImplicitDeny},
	} {
		if got := p.Evaluate(tc.req); got != tc.want {
			t.Errorf("%s: Evaluate = %v, want %v", tc.name, got, tc.want)
		}
	}
}
