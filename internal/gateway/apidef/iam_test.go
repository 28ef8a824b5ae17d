package apidef

import (
	"strings"
	"testing"
)

// A REST API with an AWS_IAM method, as `aws apigateway get-export
// --export-type oas30 --parameters extensions=apigateway` writes it: API
// Gateway exports AWS_IAM as an apiKey scheme on the Authorization header
// marked x-amazon-apigateway-authtype: awsSigv4.
const restExportWithIAM = `{
  "openapi": "3.0.1",
  "info": {"title": "orders", "version": "2024-05-01T00:00:00Z"},
  "servers": [{"url": "https://abc123.execute-api.us-east-1.amazonaws.com/{basePath}", "variables": {"basePath": {"default": "prod"}}}],
  "paths": {
    "/orders": {
      "get": {
        "responses": {"200": {"description": "200 response", "content": {}}},
        "security": [{"sigv4": []}],
        "x-amazon-apigateway-integration": {"type": "http_proxy", "httpMethod": "GET", "uri": "http://backend.internal/orders",
          "passthroughBehavior": "when_no_match", "responses": {"default": {"statusCode": "200"}}}
      }
    }
  },
  "components": {"securitySchemes": {"sigv4": {"type": "apiKey", "name": "Authorization", "in": "header",
    "x-amazon-apigateway-authtype": "awsSigv4"}}}
}`

const restWithIAMYAML = `
apis:
  - name: orders
    type: HTTP
    authorizers: [{name: sigv4, type: AWS_IAM}]
    routes:
      - {method: GET, path: /orders, authorizer: sigv4, integration: {type: http_proxy, uri: "http://backend.internal/orders", httpMethod: GET}}
`

func TestOpenAPIIAMAuthorization(t *testing.T) {
	loadsAsYAML(t, restExportWithIAM, restWithIAMYAML)

	// An Authorization-header scheme that is not marked awsSigv4 is still
	// refused, saying what would be accepted.
	unmarked := strings.Replace(restExportWithIAM, `,
    "x-amazon-apigateway-authtype": "awsSigv4"`, "", 1)
	if _, _, err := Load([]byte(unmarked)); err == nil || !strings.Contains(err.Error(), "x-amazon-apigateway-authtype: awsSigv4") {
		t.Fatalf("an unmarked Authorization scheme: err = %v", err)
	}
}
