package admin

import (
	"context"
	"crypto/subtle"
	"net/http"

	"github.com/moat-dev/moat/internal/sigv4"
)

// Authenticator admits requests SigV4-signed with the admin credentials for
// the configured region. It satisfies awsjson.Authenticator.
type Authenticator struct {
	creds  Credentials
	region string
}

// NewAuthenticator checks signatures against creds, scoped to region.
func NewAuthenticator(creds Credentials, region string) *Authenticator {
	return &Authenticator{creds: creds, region: region}
}

// Authenticate verifies r (whose full body is body) as signed for signingName,
// e.g. "cognito-idp". Refusals are *awserr.Error values with AWS's codes.
func (a *Authenticator) Authenticate(ctx context.Context, r *http.Request, body []byte, signingName string) error {
	v := sigv4.Verifier{
		Service: signingName,
		Region:  a.region,
		Lookup:  a.lookup,
	}
	_, err := v.Verify(ctx, r, body)
	return err
}

func (a *Authenticator) lookup(_ context.Context, accessKeyID string) (sigv4.Credential, bool, error) {
	if subtle.ConstantTimeCompare([]byte(accessKeyID), []byte(a.creds.AccessKeyID)) != 1 {
		return sigv4.Credential{}, false, nil
	}
	return sigv4.Credential{SecretAccessKey: a.creds.SecretAccessKey}, true, nil
}
