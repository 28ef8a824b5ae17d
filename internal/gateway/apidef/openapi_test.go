package apidef

import (
	"reflect"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/gateway"
)

// An HTTP API as `aws apigatewayv2 export --specification OAS30 --include-extensions` writes it.
const httpAPIExport = `{
  "openapi": "3.0.1",
  "info": {"title": "pets", "version": "1"},
  "paths": {
    "/pets/{id}": {
      "get": {
        "responses": {"default": {"description": "Default response for GET /pets/{id}"}},
        "security": [{"jwt-auth": ["pets/read"]}],
        "x-amazon-apigateway-integration": {"payloadFormatVersion": "1.0", "type": "http_proxy", "httpMethod": "ANY",
          "uri": "http://backend.internal/pets/{id}", "connectionType": "INTERNET", "timeoutInMillis": 30000}
      },
      "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}]
    }
  },
  "components": {"securitySchemes": {"jwt-auth": {"type": "oauth2", "flows": {},
    "x-amazon-apigateway-authorizer": {"identitySource": "$request.header.Authorization",
      "jwtConfiguration": {"audience": ["client-1"], "issuer": "https://issuer.example.com"}, "type": "jwt"}}}},
  "x-amazon-apigateway-cors": {"allowOrigins": ["https://app.example.com"], "allowMethods": ["GET"], "maxAge": 60},
  "x-amazon-apigateway-importexport-version": "1.0"
}`

const sameAsYAML = `
apis:
  - name: pets
    type: HTTP
    authorizers:
      - name: jwt-auth
        type: JWT
        identitySource: $request.header.Authorization
        issuers: [{issuer: "https://issuer.example.com", audience: [client-1]}]
    cors: {allowOrigins: ["https://app.example.com"], allowMethods: [GET], maxAge: 60}
    routes:
      - method: GET
        path: /pets/{id}
        authorizer: jwt-auth
        scopes: [pets/read]
        integration: {type: http_proxy, uri: "http://backend.internal/pets/{id}", httpMethod: ANY, timeoutMillis: 30000}
`

func TestOpenAPIExportMatchesYAML(t *testing.T) {
	loadsAsYAML(t, httpAPIExport, sameAsYAML)
}

// loadsAsYAML: the OpenAPI document loads without warnings as the same
// APIs as moat's YAML, and they validate.
func loadsAsYAML(t *testing.T, openAPI, yml string) {
	t.Helper()
	fromOAS, warnings, err := Load([]byte(openAPI))
	if err != nil || len(warnings) > 0 {
		t.Fatal(err, warnings)
	}
	fromYAML, _, err := Load([]byte(yml))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromOAS, fromYAML) {
		t.Errorf("OpenAPI gave\n%+v\nYAML gave\n%+v", fromOAS, fromYAML)
	}
	if err := gateway.Validate(fromOAS); err != nil {
		t.Error(err)
	}
}

func TestExtensionsReportedByName(t *testing.T) {
	withValidators := strings.Replace(httpAPIExport, `"x-amazon-apigateway-importexport-version": "1.0"`,
		`"x-amazon-apigateway-request-validators": {}, "x-amazon-apigateway-binary-media-types": ["image/png"]`, 1)
	_, _, err := Load([]byte(withValidators))
	if err == nil || !strings.Contains(err.Error(), "x-amazon-apigateway-request-validators") {
		t.Fatalf("err = %v", err)
	}
	cosmetic := strings.Replace(httpAPIExport, `"x-amazon-apigateway-importexport-version": "1.0"`,
		`"x-amazon-apigateway-binary-media-types": ["image/png"]`, 1)
	_, warnings, err := Load([]byte(cosmetic))
	if err != nil || len(warnings) != 1 || !strings.Contains(warnings[0], "x-amazon-apigateway-binary-media-types") {
		t.Fatalf("err = %v, warnings = %v", err, warnings)
	}
	lambda := strings.Replace(httpAPIExport, `"type": "http_proxy"`, `"type": "aws_proxy"`, 1)
	if _, _, err := Load([]byte(lambda)); err == nil || !strings.Contains(err.Error(), "is not arn:aws:apigateway:<region>:lambda:path") {
		t.Fatalf("err = %v", err)
	}
}

// cognito_idp is moat's own integration: an API file's YAML declares it,
// an OpenAPI document cannot.
func TestCognitoIdpIsYAMLOnly(t *testing.T) {
	cognito := strings.Replace(httpAPIExport, `"type": "http_proxy"`, `"type": "cognito_idp"`, 1)
	if _, _, err := Load([]byte(cognito)); err == nil || !strings.Contains(err.Error(), "moat's own") {
		t.Fatalf("OpenAPI: err = %v", err)
	}
	apis, _, err := Load([]byte("apis:\n  - name: a\n    routes:\n      - method: POST\n        path: /\n        integration: {type: cognito_idp, upstream: moat, clients: [{clientId: c, secretFromEnv: C_SECRET}], sealTokens: true}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := apis[0].Routes[0].Integration.CognitoProxy; got.Upstream != "moat" || !got.SealTokens || len(got.Clients) != 1 || got.Clients[0].SecretFromEnv != "C_SECRET" {
		t.Errorf("YAML: %+v", got)
	}
}

func TestUnknownYAMLKeyNamed(t *testing.T) {
	_, _, err := Load([]byte("apis:\n  - name: a\n    routez: []\n"))
	if err == nil || !strings.Contains(err.Error(), "routez") || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("err = %v", err)
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(httpAPIExport))
	f.Add([]byte(sameAsYAML))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, _ = Load(data)
	})
}

// An issuer admits any audience only when its YAML says audience: any;
// issuers are read as strictly as the rest of the file.
func TestIssuerAudienceYAML(t *testing.T) {
	issuer := func(fields string) string {
		return "apis:\n  - name: a\n    authorizers:\n      - name: j\n        type: JWT\n        issuers:\n          - {issuer: \"https://idp.example.com\"" + fields + "}\n    routes: []\n"
	}
	for fields, want := range map[string]gateway.IssuerConfig{
		", audience: any":                             {Issuer: "https://idp.example.com", AnyAudience: true},
		", audience: [a, b]":                          {Issuer: "https://idp.example.com", Audience: []string{"a", "b"}},
		", jwksUri: \"https://idp.example.com/keys\"": {Issuer: "https://idp.example.com", JWKSURI: "https://idp.example.com/keys"},
	} {
		apis, _, err := Load([]byte(issuer(fields)))
		if err != nil {
			t.Fatalf("%s: %v", fields, err)
		}
		if got := apis[0].Authorizers[0].Issuers[0]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %+v, want %+v", fields, got, want)
		}
	}
	for fields, wantInError := range map[string]string{
		", audience: everyone": "audience is a list",
		", audiences: [a]":     "audiences",
	} {
		if _, _, err := Load([]byte(issuer(fields))); err == nil || !strings.Contains(err.Error(), wantInError) || !strings.Contains(err.Error(), "line 7") {
			t.Errorf("%s: err = %v, want one naming %q and line 7", fields, err, wantInError)
		}
	}
}
