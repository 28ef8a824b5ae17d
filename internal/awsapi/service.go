package awsapi

import (
	"context"
	"net/http"
)

// Service is one AWS JSON 1.1 API: the X-Amz-Target prefix clients send (e.g.
// AWSCognitoIdentityProviderService), the SigV4 signing name its signed
// operations are checked against (e.g. cognito-idp), and its operations.
type Service struct {
	TargetPrefix string
	SigningName  string
	Operations   []Operation
	// Guard, when set, runs first on every public (unsigned) operation,
	// with the body read: it may let the request on (false, nil), answer it
	// itself (true, nil: a web ACL's custom response) or refuse it with an
	// error sent in the service's error shape. Signed operations are the
	// admin's and pass unguarded, as Cognito's WAF leaves IAM-signed calls.
	Guard Guard
	// ValidationCode answers a request that breaks a constraint of the
	// model: ValidationException for most JSON services (Cognito Identity
	// among them); empty, InvalidParameterException, as Cognito user pools do.
	ValidationCode string
}

// Guard is a check every public call of a service passes first.
type Guard func(ctx context.Context, w http.ResponseWriter, r *http.Request, operation string, body []byte) (answered bool, err error)

// Operation is one action of a service, as named after the dot in X-Amz-Target.
type Operation struct {
	Name string
	// Signed operations need a valid admin SigV4 signature (the admin API);
	// the others are public (sign-up, sign-in) and ignore any signature sent.
	Signed bool
	Handle func(ctx context.Context, body []byte) (any, error)
}

// Op adapts a typed handler to an Operation. The body is decoded into Req:
// unknown fields are ignored (newer SDKs send members we may not know yet),
// an empty body means {}, and malformed JSON or a type mismatch becomes a
// SerializationException. A nil *Resp is answered with {}.
func Op[Req, Resp any](name string, signed bool, fn func(context.Context, *Req) (*Resp, error)) Operation {
	return Operation{
		Name:   name,
		Signed: signed,
		Handle: func(ctx context.Context, body []byte) (any, error) {
			var req Req
			if err := decodeJSON(body, &req); err != nil {
				return nil, err
			}
			resp, err := fn(ctx, &req)
			if err != nil {
				return nil, err
			}
			if resp == nil {
				return struct{}{}, nil
			}
			return resp, nil
		},
	}
}
