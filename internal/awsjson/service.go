package awsjson

import (
	"context"
	"net/http"
)

// Service is one AWS JSON API: the X-Amz-Target prefix clients send (e.g.
// AWSCognitoIdentityProviderService), the SigV4 signing name its signed
// operations are checked against (e.g. cognito-idp), and its operations.
type Service struct {
	TargetPrefix string
	SigningName  string
	Operations   []Operation
}

// Authenticator checks a signed request; it returns an *awserr.Error
// (UnrecognizedClientException, InvalidSignatureException, …) to refuse it.
type Authenticator interface {
	Authenticate(ctx context.Context, r *http.Request, body []byte, signingName string) error
}
