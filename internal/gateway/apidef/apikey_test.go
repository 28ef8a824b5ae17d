package apidef

import (
	"testing"

	"github.com/moat-dev/moat/internal/gateway"
)

// A REST API as `aws apigateway get-export --parameters extensions=apigateway` writes one with API keys.
const restAPIKeyExport = `
swagger: "2.0"
info: {title: shop}
x-amazon-apigateway-api-key-source: AUTHORIZER
paths:
  /items:
    get:
      security: [{api_key: []}]
      x-amazon-apigateway-integration: {type: mock, responses: {default: {statusCode: "200"}}}
    post:
      x-amazon-apigateway-integration: {type: mock, responses: {default: {statusCode: "201"}}}
securityDefinitions:
  api_key: {type: apiKey, name: x-api-key, in: header}
`

func TestAPIKeyImport(t *testing.T) {
	apis, warnings, err := Load([]byte(restAPIKeyExport))
	if err != nil || len(warnings) > 0 {
		t.Fatal(err, warnings)
	}
	api := apis[0]
	if api.Type != "REST" || api.APIKeySource != "AUTHORIZER" || len(api.Authorizers) != 0 {
		t.Fatalf("api %+v", api)
	}
	required := map[string]bool{}
	for _, r := range api.Routes {
		required[r.Method] = r.APIKeyRequired
	}
	if !required["GET"] || required["POST"] {
		t.Errorf("apiKeyRequired by method: %v", required)
	}
	if err := gateway.Validate(apis); err != nil {
		t.Error(err)
	}
}
