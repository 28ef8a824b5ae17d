package lambdaevent

import (
	"github.com/aws/aws-lambda-go/events"

	"github.com/moat-dev/moat/internal/gateway"
)

// identityV1 is payload 1.0's requestContext.identity: the caller's address
// and agent, and an AWS_IAM caller's credentials and identity-pool fields.
func identityV1(req *gateway.Request) events.APIGatewayRequestIdentity {
	id := events.APIGatewayRequestIdentity{SourceIP: req.SourceIP(), UserAgent: req.HTTP.UserAgent()}
	if who := req.Identity; who != nil && who.Kind == gateway.IAMIdentity {
		id.AccessKey = text(who.Context, "accessKey")
		id.Caller = text(who.Context, "caller")
		id.UserArn = text(who.Context, "userArn")
		id.User = id.Caller
		id.CognitoIdentityID = text(who.Context, "cognitoIdentityId")
		id.CognitoIdentityPoolID = text(who.Context, "cognitoIdentityPoolId")
		id.CognitoAuthenticationType = text(who.Context, "cognitoAuthenticationType")
		id.CognitoAuthenticationProvider = text(who.Context, "cognitoAuthenticationProvider")
		id.AccountID = accountID(req)
	}
	return id
}

// authorizerV1 is payload 1.0's requestContext.authorizer: a token's claims
// (as strings) and scopes, or a Lambda authorizer's principalId beside its
// context; nil for open routes and AWS_IAM, whose caller is in identity.
func authorizerV1(id *gateway.Identity) map[string]any {
	if id == nil {
		return nil
	}
	switch id.Kind {
	case gateway.TokenIdentity:
		out := map[string]any{"claims": stringClaims(id.Claims), "scopes": nil}
		if len(id.Scopes) > 0 {
			out["scopes"] = id.Scopes
		}
		return out
	case gateway.LambdaIdentity:
		out := make(map[string]any, len(id.Context)+1)
		for k, v := range id.Context {
			out[k] = v
		}
		if id.Principal != "" {
			out["principalId"] = id.Principal
		}
		return out
	}
	return nil
}

// authorizerV2 is payload 2.0's requestContext.authorizer: jwt, lambda or iam.
func authorizerV2(req *gateway.Request) *events.APIGatewayV2HTTPRequestContextAuthorizerDescription {
	id := req.Identity
	if id == nil {
		return nil
	}
	switch id.Kind {
	case gateway.TokenIdentity:
		return &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: stringClaims(id.Claims), Scopes: id.Scopes}}
	case gateway.LambdaIdentity:
		lambda := id.Context
		if lambda == nil {
			lambda = map[string]any{}
		}
		return &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{Lambda: lambda}
	case gateway.IAMIdentity:
		caller := text(id.Context, "caller")
		return &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{IAM: &events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription{
			AccessKey: text(id.Context, "accessKey"), AccountID: accountID(req), CallerID: caller,
			UserARN: text(id.Context, "userArn"), UserID: caller,
			CognitoIdentity: events.APIGatewayV2HTTPRequestContextAuthorizerCognitoIdentity{
				IdentityID: text(id.Context, "cognitoIdentityId"), IdentityPoolID: text(id.Context, "cognitoIdentityPoolId")},
		}}
	}
	return nil
}

// stringClaims renders claims as API Gateway passes them on: every value a
// string (arrays comma-joined, objects as JSON).
func stringClaims(claims map[string]any) map[string]string {
	out := make(map[string]string, len(claims))
	for k, v := range claims {
		if v != nil {
			out[k] = gateway.ClaimValue(v)
		}
	}
	return out
}

func text(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}
