package lambdaevent

import (
	"errors"
	"reflect"
	"testing"

	"github.com/moat-dev/moat/internal/iam"
)

const allowAll = `{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Resource":"arn:aws:execute-api:*:*:abc123/prod/*"}]}`

func TestParsePolicyAnswer(t *testing.T) {
	a, err := ParsePolicyAnswer([]byte(`{"principalId":"u1","policyDocument":`+allowAll+`,
		"context":{"s":"x","n":1.50,"b":true,"z":null},"usageIdentifierKey":"key-1"}`), true)
	if err != nil {
		t.Fatal(err)
	}
	if a.PrincipalID != "u1" || a.UsageIdentifierKey != "key-1" || !reflect.DeepEqual(a.Context, map[string]any{"s": "x", "n": "1.50", "b": "true"}) {
		t.Errorf("%+v", a)
	}
	req := iam.Request{Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:us-east-1:000000000000:abc123/prod/GET/x"}
	if d := a.Policy.Evaluate(req); d != iam.Allow {
		t.Errorf("decision %v", d)
	}
	// aws-lambda-go's own policy type writes arrays; payload 2.0 keeps context as returned.
	a, err = ParsePolicyAnswer([]byte(`{"principalId":"u","policyDocument":{"Version":"2012-10-17","Statement":[{"Action":["execute-api:Invoke"],"Effect":"Deny","Resource":["*"]}]},"context":{"list":[1,2]}}`), false)
	if err != nil || a.Policy.Evaluate(req) != iam.ExplicitDeny || a.Context["list"] == nil {
		t.Fatalf("%+v %v", a, err)
	}
}

func TestAnswersRefused(t *testing.T) {
	for _, answer := range []string{`null`, `"Allow"`, `{}`, `{"policyDocument":null}`, `{"policyDocument":"x"}`,
		`{"policyDocument":{"Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}}`,
		`{"principalId":7,"policyDocument":` + allowAll + `}`,
		`{"policyDocument":` + allowAll + `,"context":{"o":{"a":1}}}`,
		`{"policyDocument":` + allowAll + `,"context":[1]}`} {
		if _, err := ParsePolicyAnswer([]byte(answer), true); !errors.Is(err, ErrBadAnswer) {
			t.Errorf("%s: err = %v", answer, err)
		}
	}
	for _, answer := range []string{`{"isAuthorized":"true"}`, `{"isAuthorized":"false"}`, `{}`, `true`, `{"isAuthorized":true,"context":5}`} {
		if _, err := ParseSimpleAnswer([]byte(answer)); !errors.Is(err, ErrBadAnswer) {
			t.Errorf("%s: err = %v", answer, err)
		}
	}
	a, err := ParseSimpleAnswer([]byte(`{"isAuthorized":true,"context":{"m":{"k":"v"}}}`))
	if err != nil || !a.Authorized || a.Policy != nil {
		t.Fatalf("%+v %v", a, err)
	}
}

func FuzzParseAnswer(f *testing.F) {
	f.Add([]byte(`{"principalId":"u","policyDocument":` + allowAll + `,"context":{"a":1}}`))
	f.Add([]byte(`{"isAuthorized":false}`))
	f.Fuzz(func(t *testing.T, answer []byte) {
		for _, stringify := range []bool{true, false} {
			a, err := ParsePolicyAnswer(answer, stringify)
			switch {
			case err != nil && !errors.Is(err, ErrBadAnswer):
				t.Fatalf("error %v is not ErrBadAnswer", err)
			case err == nil && a.Policy == nil:
				t.Fatal("an accepted policy answer without a policy")
			case err == nil && stringify:
				for k, v := range a.Context {
					if _, ok := v.(string); !ok {
						t.Fatalf("context %s = %#v is not a string", k, v)
					}
				}
			}
		}
		if a, err := ParseSimpleAnswer(answer); err == nil && a.Policy != nil {
			t.Fatal("a simple answer with a policy")
		} else if err != nil && !errors.Is(err, ErrBadAnswer) {
			t.Fatalf("error %v is not ErrBadAnswer", err)
		}
	})
}
