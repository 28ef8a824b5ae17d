package roles

import (
	"testing"

	"github.com/moat-dev/moat/internal/awserr"
)

// FuzzParseTrustPolicy: any document is accepted or refused with an
// *awserr.Error, never a panic; an accepted one names a Principal.
func FuzzParseTrustPolicy(f *testing.F) {
	for _, seed := range []string{
		cognitoTrust,
		invokePolicy,
		`{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}`,
		`{"Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"NotAction":"s[ts:*"}]}`,
		`{"Statement":{"Effect":"Allow","Principal":{"Federated":["a","cognito-identity.amazonaws.com"]},"Action":["sts:*"],"Condition":{"Null":{"cognito-identity.amazonaws.com:aud":"false"}}}}`,
		`{"Statement":[]}`,
		`[]`,
		`{`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		p, err := ParseTrustPolicy(doc)
		if err != nil {
			if _, ok := awserr.As(err); !ok {
				t.Fatalf("ParseTrustPolicy(%q): %v is not an *awserr.Error", doc, err)
			}
			return
		}
		if len(p.Statements) > 0 && !p.NamesPrincipal() {
			t.Fatalf("ParseTrustPolicy(%q) accepted statements without a Principal", doc)
		}
	})
}
