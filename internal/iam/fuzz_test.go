package iam

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

func FuzzParsePolicy(f *testing.F) {
	for _, seed := range []string{
		apiExecutionPolicy,
		rolePolicy,
		`{"Statement":{"Effect":"Deny","Principal":"*","NotAction":"s3:*","NotResource":"arn:aws:s3:::b/*"}}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::1:role/r"],"Federated":"x"},"Action":"*",
		  "Condition":{"ForAllValues:StringLikeIfExists":{"a:b":["${aws:username, 'x'}*","${*}"]},"IpAddress":{"aws:SourceIp":["::1/128","10.0.0.0/8"]},
		  "DateLessThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"},"NumericEquals":{"a:n":1.5},"Null":{"a:c":true},"BinaryEquals":{"a:d":"AAEC"}}}]}`,
		`{"Version":"2012-10-17","Statement":[]}`,
		`[]`, `null`, `{}`, `{"Statement":[null]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		p, err := ParsePolicy(doc)
		if err != nil {
			if p != nil || err.Error() == "" {
				t.Fatalf("ParsePolicy = %v, %q", p, err)
			}
			return
		}
		p.Evaluate(Request{
			Action:    "execute-api:Invoke",
			Resource:  invokeARN,
			Principal: &Principal{Account: account},
			Context:   Context{"aws:username": {"alice"}, "aws:SourceIp": {"10.1.2.3"}, "a:b": {"x", ""}},
		})
	})
}

// FuzzEvaluate puts fuzzed patterns and request values through a policy
// with every kind of matching; it must never panic.
func FuzzEvaluate(f *testing.F) {
	f.Add("arn:aws:execute-api:*:*:a123456789/*/POST/*", invokeARN, "execute-api:Inv*", "alice", "10.0.0.1")
	f.Add("arn:aws:s3:::b/${aws:username, 'x'}/*", "arn:aws:s3:::b/alice/x", "s3:*", "alice", "::1")
	f.Add("*", "", "s3:?", "", "")
	f.Fuzz(func(t *testing.T, resource, arn, action, user, value string) {
		stmt := map[string]any{
			"Effect": "Allow", "Action": action, "Resource": resource,
			"Condition": map[string]any{
				"StringLike":           map[string]any{"moat:k": resource},
				"ArnLike":              map[string]any{"moat:arn": resource},
				"IpAddressIfExists":    map[string]any{"aws:SourceIp": "10.0.0.0/8"},
				"DateLessThanIfExists": map[string]any{"aws:CurrentTime": "2030-01-01"},
				"NumericLessThan":      map[string]any{"moat:n": 5},
			},
		}
		doc, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmt})
		p, err := ParsePolicy(doc)
		if err != nil {
			return
		}
		ctx := Context{"aws:username": {user}, "aws:SourceIp": {value}, "aws:CurrentTime": {value},
			"moat:n": {value}, "moat:k": {arn}, "moat:arn": {arn}}
		p.Evaluate(Request{Action: action, Resource: arn, Context: ctx})
	})
}

// FuzzGlob checks wildcard matching against a regular-expression oracle.
func FuzzGlob(f *testing.F) {
	f.Add("a*b?c", "axxbyc")
	f.Add("*ab*ab*", "aab")
	f.Add("??", "é")
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if !utf8.ValidString(pattern) || !utf8.ValidString(s) {
			return
		}
		g := compileGlob(tokenize(pattern, false, true), false)
		if got, want := g.match(s, nil), globRegexp(pattern).MatchString(s); got != want {
			t.Fatalf("glob %q on %q = %v, regexp says %v", pattern, s, got, want)
		}
	})
}
