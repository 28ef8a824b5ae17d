package admin

import (
	"context"
	"crypto/subtle"
	"net/http"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/sigv4"
)

// Authenticator admits requests SigV4-signed with the admin credentials for
// the configured region. It satisfies awsapi.Authenticator.
type Authenticator struct {
	creds  Credentials
	region string
}

// NewAuthenticator checks signatures against creds, scoped to region.
func NewAuthenticator(creds Credentials, region string) *Authenticator {
	return &Authenticator{creds: creds, region: region}
}

// operationHeaders are the headers that choose what a request does: the
// operation (X-Amz-Target, in AWS JSON) and how its body is read. A
// signature that leaves one out could be replayed with another operation
// (AdminGetUser signed, AdminDeleteUser sent), so each one sent must be
// signed; every AWS SDK signs both. The other protocols' operations are
// named by what the signature always covers: the method and path
// (REST-JSON), the query string, and the body with its Action= (query),
// through the payload hash, which admin calls may not leave out.
var operationHeaders = []struct{ canonical, shown string }{
	{"x-amz-target", "X-Amz-Target"},
	{"content-type", "Content-Type"},
}

// Authenticate verifies r (whose full body is body) as signed for signingName,
// e.g. "cognito-idp". Refusals are *awserr.Error values with AWS's codes.
func (a *Authenticator) Authenticate(ctx context.Context, r *http.Request, body []byte, signingName string) error {
	v := sigv4.Verifier{
		Service: signingName,
		Region:  a.region,
		Lookup:  a.lookup,
	}
	res, err := v.Verify(ctx, r, body)
	if err != nil {
		return err
	}
	// A presigned URL can be handed on, logged and replayed for its whole
	// lifetime, which the admin API has no use for.
	if r.Header.Get("Authorization") == "" {
		return awserr.New(awserr.IncompleteSignature, "Admin operations must be signed in the Authorization header; presigned URLs (X-Amz-Signature in the query string) are refused.")
	}
	for _, h := range operationHeaders {
		if len(r.Header.Values(h.shown)) > 0 && !res.Signs(h.canonical) {
			return awserr.Newf(awserr.IncompleteSignature, "'%s' must be a 'SignedHeader' in the AWS Authorization.", h.shown)
		}
	}
	return nil
}

func (a *Authenticator) lookup(_ context.Context, accessKeyID, _ string) (sigv4.Credential, bool, error) {
	if subtle.ConstantTimeCompare([]byte(accessKeyID), []byte(a.creds.AccessKeyID)) != 1 {
		return sigv4.Credential{}, false, nil
	}
	return sigv4.Credential{SecretAccessKey: a.creds.SecretAccessKey}, true, nil
}
