// Command gatewayfn is the aws-lambda-go function behind the gateway's
// Lambda acceptance test, deployed under four names: as *-authorizer it is
// a TOKEN, REQUEST, HTTP payload 1.0 or simple-response authorizer (by the
// event it gets); as *-backend a REST (1.0) or HTTP API (2.0) proxy backend
// that answers with what it saw of the authorizer.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func handle(_ context.Context, raw json.RawMessage) (any, error) {
	var probe struct {
		Version, Type string
	}
	_ = json.Unmarshal(raw, &probe)
	if strings.HasSuffix(os.Getenv("AWS_LAMBDA_FUNCTION_NAME"), "-authorizer") {
		return authorize(probe.Version, probe.Type, raw)
	}
	if probe.Version == "2.0" {
		var req events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(raw, &req); err != nil {
			return nil, err
		}
		var lambdaContext map[string]any
		if req.RequestContext.Authorizer != nil {
			lambdaContext = req.RequestContext.Authorizer.Lambda
		}
		body, _ := json.Marshal(map[string]any{"authorizer": lambdaContext, "routeKey": req.RouteKey, "id": req.PathParameters["id"]})
		return events.APIGatewayV2HTTPResponse{StatusCode: 200, Headers: map[string]string{"content-type": "application/json"},
			Cookies: []string{"seen=1"}, Body: string(body)}, nil
	}
	var req events.APIGatewayProxyRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, err
	}
	body, _ := json.Marshal(map[string]any{"authorizer": req.RequestContext.Authorizer, "path": req.Path, "resource": req.Resource})
	return events.APIGatewayProxyResponse{StatusCode: 200, Headers: map[string]string{"Content-Type": "application/json"},
		MultiValueHeaders: map[string][]string{"X-Seen": {"a", "b"}}, Body: string(body)}, nil
}

// allowAll is a policy that covers every method of every API and stage,
// so one cached answer serves every route, as AWS's docs advise.
func policy(principal, effect string, context map[string]any) events.APIGatewayCustomAuthorizerResponse {
	return events.APIGatewayCustomAuthorizerResponse{PrincipalID: principal, Context: context,
		PolicyDocument: events.APIGatewayCustomAuthorizerPolicy{Version: "2012-10-17", Statement: []events.IAMPolicyStatement{
			{Action: []string{"execute-api:Invoke"}, Effect: effect, Resource: []string{"arn:aws:execute-api:*:*:*/*/*/*"}}}}}
}

func authorize(version, typ string, raw json.RawMessage) (any, error) {
	switch {
	case typ == "TOKEN":
		var e events.APIGatewayCustomAuthorizerRequest
		_ = json.Unmarshal(raw, &e)
		switch e.AuthorizationToken {
		case "Bearer allow":
			return policy("user-42", "Allow", map[string]any{"tenant": "t1", "level": 3, "admin": true}), nil
		case "Bearer deny":
			return policy("user-43", "Deny", nil), nil
		}
		return nil, errors.New("Unauthorized")
	case version == "2.0":
		var e events.APIGatewayV2CustomAuthorizerV2Request
		_ = json.Unmarshal(raw, &e)
		return events.APIGatewayV2CustomAuthorizerSimpleResponse{IsAuthorized: len(e.IdentitySource) == 1 && e.IdentitySource[0] == "yes",
			Context: map[string]any{"roles": []string{"reader", "writer"}, "key": e.IdentitySource}}, nil
	case version == "1.0":
		var e events.APIGatewayV2CustomAuthorizerV1Request
		_ = json.Unmarshal(raw, &e)
		if e.IdentitySource == "yes,GET /policy" {
			return policy("key-holder", "Allow", map[string]any{"via": "1.0"}), nil
		}
		return policy("key-holder", "Deny", nil), nil
	}
	var e events.APIGatewayCustomAuthorizerRequestTypeRequest
	_ = json.Unmarshal(raw, &e)
	if e.Headers["X-User"] == "ann" && e.QueryStringParameters["tenant"] == "t1" {
		return policy("ann", "Allow", map[string]any{"tenant": "t1"}), nil
	}
	return nil, errors.New("Unauthorized")
}

func main() { lambda.Start(handle) }
