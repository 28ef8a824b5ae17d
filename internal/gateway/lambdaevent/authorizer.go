package lambdaevent

import (
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/moat-dev/moat/internal/gateway"
)

// TokenEvent is a REST TOKEN authorizer's input.
func TokenEvent(req *gateway.Request, token string) events.APIGatewayCustomAuthorizerRequest {
	return events.APIGatewayCustomAuthorizerRequest{Type: "TOKEN", AuthorizationToken: token, MethodArn: req.MethodARN}
}

// RequestEvent is a REST REQUEST authorizer's input: the request as payload
// 1.0 shows it, without the body, and a reduced requestContext.
func RequestEvent(req *gateway.Request) events.APIGatewayCustomAuthorizerRequestTypeRequest {
	p := ProxyV1(req, nil, false)
	return events.APIGatewayCustomAuthorizerRequestTypeRequest{
		Type: "REQUEST", MethodArn: req.MethodARN, Resource: p.Resource, Path: p.Path, HTTPMethod: p.HTTPMethod,
		Headers: p.Headers, MultiValueHeaders: p.MultiValueHeaders, QueryStringParameters: p.QueryStringParameters,
		MultiValueQueryStringParameters: p.MultiValueQueryStringParameters, PathParameters: p.PathParameters,
		StageVariables: p.StageVariables,
		RequestContext: events.APIGatewayCustomAuthorizerRequestTypeRequestContext{
			Path: p.RequestContext.Path, AccountID: p.RequestContext.AccountID, ResourceID: p.RequestContext.ResourceID,
			Stage: p.RequestContext.Stage, RequestID: req.RequestID, ResourcePath: p.RequestContext.ResourcePath,
			HTTPMethod: p.HTTPMethod, APIID: p.RequestContext.APIID,
			Identity: events.APIGatewayCustomAuthorizerRequestTypeRequestIdentity{SourceIP: p.RequestContext.Identity.SourceIP},
		},
	}
}

// RequestEventV1 is an HTTP API authorizer's payload 1.0 input: REQUEST's
// fields with version "1.0" and the identity sources comma-joined.
func RequestEventV1(req *gateway.Request, identitySources []string) events.APIGatewayV2CustomAuthorizerV1Request {
	rest := RequestEvent(req)
	joined := strings.Join(identitySources, ",")
	return events.APIGatewayV2CustomAuthorizerV1Request{
		Version: "1.0", Type: "REQUEST", MethodArn: req.MethodARN, IdentitySource: joined, AuthorizationToken: joined,
		Resource: rest.Resource, Path: rest.Path, HTTPMethod: rest.HTTPMethod, Headers: rest.Headers,
		QueryStringParameters: rest.QueryStringParameters, PathParameters: rest.PathParameters,
		StageVariables: rest.StageVariables,
		RequestContext: events.APIGatewayV2CustomAuthorizerV1RequestTypeRequestContext(rest.RequestContext),
	}
}

// RequestEventV2 is an HTTP API authorizer's payload 2.0 input: the 2.0
// request without its body, the route ARN and the identity sources.
func RequestEventV2(req *gateway.Request, identitySources []string) events.APIGatewayV2CustomAuthorizerV2Request {
	p := ProxyV2(req, nil, false)
	return events.APIGatewayV2CustomAuthorizerV2Request{
		Version: "2.0", Type: "REQUEST", RouteArn: req.MethodARN, IdentitySource: identitySources,
		RouteKey: p.RouteKey, RawPath: p.RawPath, RawQueryString: p.RawQueryString, Cookies: p.Cookies,
		Headers: p.Headers, QueryStringParameters: p.QueryStringParameters, PathParameters: p.PathParameters,
		StageVariables: p.StageVariables,
		RequestContext: contextV2(req), // without ProxyV2's authorizer: none has answered yet
	}
}
