package iam

import "testing"

// A typical identity-pool role policy: three statements, wildcard
// resources, one condition.
const rolePolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Invoke", "Effect": "Allow", "Action": "execute-api:Invoke",
     "Resource": ["arn:aws:execute-api:us-east-1:123456789012:a123456789/prod/GET/*", "arn:aws:execute-api:us-east-1:123456789012:a123456789/prod/POST/mydemoresource/*"]},
    {"Sid": "OwnFolder", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
     "Resource": "arn:aws:s3:::mybucket/${cognito-identity.amazonaws.com:sub}/*"},
    {"Sid": "OnlyOverTLS", "Effect": "Deny", "Action": "*", "Resource": "*",
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
  ]
}`

func BenchmarkEvaluate(b *testing.B) {
	benchmarkAllowed(b, Request{
		Action:   "execute-api:Invoke",
		Resource: "arn:aws:execute-api:us-east-1:123456789012:a123456789/prod/POST/mydemoresource/items",
		Context: Context{
			"aws:SecureTransport":                {"true"},
			"aws:SourceIp":                       {"203.0.113.9"},
			"cognito-identity.amazonaws.com:sub": {cognitoID},
		},
	})
}

func BenchmarkEvaluateVariableResource(b *testing.B) {
	benchmarkAllowed(b, Request{
		Action:   "s3:GetObject",
		Resource: "arn:aws:s3:::mybucket/" + cognitoID + "/photos/cat.jpg",
		Context: Context{
			"aws:SecureTransport":                {"true"},
			"cognito-identity.amazonaws.com:sub": {cognitoID},
		},
	})
}

// benchmarkAllowed times rolePolicy's evaluation of req, which it must allow.
func benchmarkAllowed(b *testing.B, req Request) {
	p := mustParse(b, rolePolicy)
	if p.Evaluate(req) != Allow {
		b.Fatal("benchmark request is not allowed")
	}
	b.ReportAllocs()
	for b.Loop() {
		p.Evaluate(req)
	}
}

func BenchmarkParsePolicy(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParsePolicy([]byte(rolePolicy)); err != nil {
			b.Fatal(err)
		}
	}
}
