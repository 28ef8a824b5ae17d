package apidef

import (
	"os"
	"testing"
)

// API Gateway's exports of a REST API and an HTTP API with Lambda
// integrations and authorizers load as the same APIs as moat's YAML.
func TestLambdaExportsMatchYAML(t *testing.T) {
	rest, err := os.ReadFile("testdata/lambda-rest-export.json")
	if err != nil {
		t.Fatal(err)
	}
	loadsAsYAML(t, string(rest), `
apis:
  - name: orders
    type: REST
    binaryMediaTypes: [image/png]
    authorizers:
      - {name: request-auth, type: REQUEST, function: orders-authorizer, authorizerResultTtlInSeconds: 300,
         identitySource: "method.request.header.X-User, method.request.querystring.tenant"}
      - {name: token-auth, type: TOKEN, function: orders-authorizer, authorizerResultTtlInSeconds: 300,
         identitySource: method.request.header.Authorization, identityValidationExpression: "^Bearer [-0-9a-zA-Z\\._]*$"}
      - {name: token-uncached, type: TOKEN, function: orders-authorizer, authorizerResultTtlInSeconds: 0,
         identitySource: method.request.header.Authorization}
    routes:
      - {method: GET, path: "/orders/{id}", authorizer: token-auth, integration: {type: lambda_proxy, function: orders-backend}}
      - {method: GET, path: /reports, authorizer: request-auth, integration: {type: lambda_proxy, function: orders-backend}}
      - {method: GET, path: /uncached, authorizer: token-uncached, integration: {type: lambda_proxy, function: orders-backend}}
`)
	http, err := os.ReadFile("testdata/lambda-http-export.json")
	if err != nil {
		t.Fatal(err)
	}
	loadsAsYAML(t, string(http), `
apis:
  - name: notes
    type: HTTP
    authorizers:
      - {name: policy-auth, type: REQUEST, function: notes-authorizer, authorizerResultTtlInSeconds: 0,
         identitySource: "$request.header.X-Key, $context.routeKey", authorizerPayloadFormatVersion: "1.0"}
      - {name: simple-auth, type: REQUEST, function: notes-authorizer, authorizerResultTtlInSeconds: 300,
         identitySource: $request.header.X-Key, authorizerPayloadFormatVersion: "2.0", enableSimpleResponses: true}
    routes:
      - {method: GET, path: "/notes/{id}", authorizer: simple-auth, integration: {type: lambda_proxy, function: notes-backend, payloadFormatVersion: "2.0"}}
      - {method: GET, path: /policy, authorizer: policy-auth, integration: {type: lambda_proxy, function: notes-backend, payloadFormatVersion: "2.0"}}
`)
}

func TestFunctionFromURI(t *testing.T) {
	for uri, want := range map[string]string{
		"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:f/invocations":         "f",
		"arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:f:live/invocations":    "f:live",
		"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:${stageVariables.fn}/invocations": "${stageVariables.fn}",
	} {
		if got, err := functionFromURI(uri); err != nil || got != want {
			t.Errorf("%s: %q %v, want %q", uri, got, err, want)
		}
	}
	for _, uri := range []string{"", "http://x/invocations", "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions//invocations",
		"arn:aws:apigateway:us-east-1:lambda:path/2021-11-15/functions/arn:aws:lambda:us-east-1:1:function:f/response-streaming-invocations"} {
		if _, err := functionFromURI(uri); err == nil {
			t.Errorf("%q accepted", uri)
		}
	}
}
