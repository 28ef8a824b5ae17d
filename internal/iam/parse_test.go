package iam

import (
	"errors"
	"strings"
	"testing"
)

func TestParsePolicyRejects(t *testing.T) {
	stmt := func(body string) string { return `{"Version":"2012-10-17","Statement":[` + body + `]}` }
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"not JSON", `{"Version":`, "Syntax errors in policy"},
		{"not an object", `[]`, "Syntax errors in policy"},
		{"null", `null`, "Syntax errors in policy"},
		{"unknown version", `{"Version":"2012-10-18","Statement":[]}`, `Version: must be "2012-10-17"`},
		{"unknown top-level element", `{"Version":"2012-10-17","Statment":[]}`, `Statment: unknown policy element`},
		{"missing Statement", `{"Version":"2012-10-17"}`, "Missing required field Statement"},
		{"Statement not a list", `{"Statement":"x"}`, "Statement: must be an object or an array"},
		{"statement not an object", stmt(`"x"`), "Statement[0]: a statement must be a JSON object"},
		{"element names are case-sensitive", stmt(`{"effect":"Allow","Action":"*","Resource":"*"}`), `Statement[0].effect: unknown statement element`},
		{"missing Effect", stmt(`{"Action":"*","Resource":"*"}`), `Statement[0].Effect: must be "Allow" or "Deny"`},
		{"lowercase Effect", stmt(`{"Effect":"allow","Action":"*","Resource":"*"}`), `Effect: must be "Allow" or "Deny"`},
		{"no Action", stmt(`{"Effect":"Allow","Resource":"*"}`), "Missing required field Action"},
		{"Action and NotAction", stmt(`{"Effect":"Allow","Action":"*","NotAction":"s3:*","Resource":"*"}`), "both Action and NotAction"},
		{"empty Action list", stmt(`{"Effect":"Allow","Action":[],"Resource":"*"}`), "Action: must be a string or a non-empty array"},
		{"Action without vendor", stmt(`{"Effect":"Allow","Action":"Invoke","Resource":"*"}`), "Actions/Conditions must be prefaced by a vendor"},
		{"Action not a string", stmt(`{"Effect":"Allow","Action":[1],"Resource":"*"}`), "Action: must be a string"},
		{"no Resource", stmt(`{"Effect":"Allow","Action":"*"}`), "Missing required field Resource"},
		{"Resource and NotResource", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"*"}`), "both Resource and NotResource"},
		{"Resource not an ARN", stmt(`{"Effect":"Allow","Action":"*","Resource":"bucket/*"}`), `Resource bucket/* must be in ARN format or "*".`},
		{"Principal and NotPrincipal", stmt(`{"Effect":"Allow","Principal":"*","NotPrincipal":"*","Action":"*"}`), "both Principal and NotPrincipal"},
		{"Principal string not star", stmt(`{"Effect":"Allow","Principal":"123456789012","Action":"*"}`), "Invalid principal in policy"},
		{"Principal partial wildcard", stmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/*"},"Action":"*"}`), `Principal.AWS: Invalid principal in policy`},
		{"Principal unknown type", stmt(`{"Effect":"Allow","Principal":{"Human":"x"},"Action":"*"}`), `unsupported principal type "Human"`},
		{"Principal empty object", stmt(`{"Effect":"Allow","Principal":{},"Action":"*"}`), "Invalid principal in policy"},
		{"Principal bad account", stmt(`{"Effect":"Allow","Principal":{"AWS":"12345"},"Action":"*"}`), "Invalid principal in policy"},
		{"unknown operator", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualz":{"aws:username":"a"}}}`), `unknown condition operator "StringEqualz"`},
		{"unknown qualifier", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForSomeValues:StringEquals":{"aws:username":"a"}}}`), "unknown condition operator"},
		{"NullIfExists", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NullIfExists":{"aws:username":"true"}}}`), "IfExists cannot be added to Null"},
		{"condition key without vendor", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"username":"a"}}}`), "must be prefaced by a vendor"},
		{"operator without keys", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{}}}`), "has no condition keys"},
		{"condition not an object", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":[]}`), "Condition: must be an object"},
		{"condition value object", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:username":{"a":1}}}}`), "values must be strings, numbers or booleans"},
		{"condition value null", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:username":null}}}`), "values must be strings"},
		{"condition value empty list", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:username":[]}}}`), "must not be an empty array"},
		{"bad number", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"ten"}}}`), `"ten" is not a valid value`},
		{"NaN", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"NaN"}}}`), "not a valid value"},
		{"bad date", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"tomorrow"}}}`), "not a valid value"},
		{"bad bool", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"yes"}}}`), "not a valid value"},
		{"bad CIDR", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/33"}}}`), "not a valid value"},
		{"bad base64", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"BinaryEquals":{"moat:blob":"***"}}}`), "not a valid value"},
		{"variable in numeric value", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericEquals":{"s3:max-keys":"${moat:n}"}}}`), "not a valid value"},
		{"duplicate Sid", stmt(`{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"*","Resource":"*"}`), `Statement[1] (Sid "A").Sid: Statement IDs (SID) in a single policy must be unique`},
		{"error names the index and Sid", stmt(`{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"Second","Effect":"Allow","Action":"*","Resource":"x"}`), `Statement[1] (Sid "Second").Resource:`},
	} {
		_, err := ParsePolicy([]byte(tc.doc))
		var pe *PolicyError
		if !errors.As(err, &pe) {
			t.Errorf("%s: err = %v, want a *PolicyError", tc.name, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %q, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

func TestParsePolicyAccepts(t *testing.T) {
	p := mustParse(t, `{
	  "Version": "2012-10-17",
	  "Id": "api-policy",
	  "Statement": {
	    "Sid": "OnlyFromOffice",
	    "Effect": "Deny",
	    "Principal": {"AWS": ["*"]},
	    "NotAction": ["execute-api:Invoke"],
	    "NotResource": "arn:aws:execute-api:us-east-1:123456789012:abc/*",
	    "Condition": {"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "2001:db8::/32"]}, "NumericLessThan": {"moat:n": [1, 2.5]}}
	  }
	}`)
	if p.Version != Version2012 || p.ID != "api-policy" || len(p.Statements) != 1 {
		t.Fatalf("policy = %+v", p)
	}
	if s := p.Statements[0]; s.Sid != "OnlyFromOffice" || s.Effect != EffectDeny || len(s.conditions) != 2 {
		t.Errorf("statement = %+v", s)
	}
	if p := mustParse(t, `{"Statement":[]}`); len(p.Statements) != 0 || p.Version != "" {
		t.Errorf("empty policy = %+v", p)
	}
}
