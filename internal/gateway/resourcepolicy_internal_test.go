package gateway

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/iam"
)

const ipAllowPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke",
	"Resource":"execute-api:/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`

// FuzzResourcePolicy: any document either is rejected or compiles to a
// policy that evaluates without panicking.
func FuzzResourcePolicy(f *testing.F) {
	f.Add(ipAllowPolicy)
	f.Add(`{"Statement":{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"execute-api:*","NotResource":["execute-api:/prod/*",1]}}`)
	f.Add(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"execute-api:/${aws:SourceIp}"}],"Version":"2012-10-17"} {}`)
	f.Add(`[]`)
	r := httptest.NewRequest("GET", "http://gateway/prod/reports", nil)
	const arn = "arn:aws:execute-api:us-east-1:000000000000:0ff1ce0000/prod/GET/reports"
	f.Fuzz(func(t *testing.T, doc string) {
		p, err := compileResourcePolicy(iam.Document(doc), executeAPIARN("us-east-1", "", "0ff1ce0000"))
		if err != nil {
			return
		}
		c := contexts.Get().(*policyContext)
		p.policy.Evaluate(iam.Request{Action: "execute-api:Invoke", Resource: arn, Context: c.fill(p, r, time.Now())})
		c.release()
	})
}

func TestShorthandExpansion(t *testing.T) {
	for doc, want := range map[string]string{
		`{"Statement":{"Resource":"execute-api:/*"}}`:                                  `{"Statement":{"Resource":"arn:aws:execute-api:r:a:id/*"}}`,
		`{"Statement":[{"NotResource":["execute-api:/prod/GET/x","arn:aws:s3:::b"]}]}`: `{"Statement":[{"NotResource":["arn:aws:execute-api:r:a:id/prod/GET/x","arn:aws:s3:::b"]}]}`,
		`{"Statement":[{"Resource":"execute-api:*"}]}`:                                 `{"Statement":[{"Resource":"execute-api:*"}]}`, // not the shorthand: left for ParsePolicy to refuse
		`{"Statement":[{"Resource":"execute-api:/*"}]} trailing`:                       `{"Statement":[{"Resource":"execute-api:/*"}]} trailing`,
	} {
		if got := string(expandShorthand([]byte(doc), "arn:aws:execute-api:r:a:id")); got != want {
			t.Errorf("%s\n got %s\nwant %s", doc, got, want)
		}
	}
}

// BenchmarkResourcePolicy is the per-request cost of the check: the context
// map, then evaluation of compiled statements.
func BenchmarkResourcePolicy(b *testing.B) {
	p, err := compileResourcePolicy(ipAllowPolicy, executeAPIARN("us-east-1", "", "0ff1ce0000"))
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest("GET", "http://gateway/prod/reports", nil)
	r.RemoteAddr = "10.1.2.3:40000"
	x := &exchange{api: &boundAPI{policy: p}}
	x.req.HTTP = r
	x.req.MethodARN = "arn:aws:execute-api:us-east-1:000000000000:0ff1ce0000/prod/GET/reports"
	b.ReportAllocs()
	for b.Loop() {
		if err := checkResourcePolicy(x); err != nil {
			b.Fatal(err)
		}
	}
}
