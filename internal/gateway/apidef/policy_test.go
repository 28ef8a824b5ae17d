package apidef

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/iam"
)

// A REST API export whose resource policy admits one network, as
// `aws apigateway get-export --parameters extensions=apigateway` writes it.
const restExportWithPolicy = `{
  "openapi": "3.0.1",
  "info": {"title": "office", "version": "1"},
  "paths": {"/reports": {"get": {"x-amazon-apigateway-integration": {"type": "http_proxy", "httpMethod": "GET", "uri": "http://backend.internal/reports"}}}},
  "x-amazon-apigateway-policy": {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*",
      "Condition": {"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}}]
  }
}`

const restWithPolicyYAML = `
apis:
  - name: office
    type: REST
    resourcePolicy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: "*"
          Action: execute-api:Invoke
          Resource: execute-api:/*
          Condition: {IpAddress: {aws:SourceIp: 192.0.2.0/24}}
    routes:
      - {method: GET, path: /reports, integration: {type: http_proxy, uri: "http://backend.internal/reports", httpMethod: GET}}
`

func TestOpenAPIResourcePolicy(t *testing.T) {
	fromOAS, warnings, err := Load([]byte(restExportWithPolicy))
	if err != nil || len(warnings) > 0 {
		t.Fatal(err, warnings)
	}
	fromYAML, _, err := Load([]byte(restWithPolicyYAML))
	if err != nil {
		t.Fatal(err)
	}
	oas, yml := fromOAS[0], fromYAML[0]
	if oas.Type != "REST" {
		t.Errorf("type %q: a resource policy makes a REST API", oas.Type)
	}
	if !sameJSON(t, oas.ResourcePolicy, yml.ResourcePolicy) || !strings.Contains(string(oas.ResourcePolicy), "192.0.2.0/24") {
		t.Errorf("OpenAPI policy %s\nYAML policy %s", oas.ResourcePolicy, yml.ResourcePolicy)
	}
	oas.ResourcePolicy, yml.ResourcePolicy = "", ""
	if !reflect.DeepEqual(oas, yml) {
		t.Errorf("OpenAPI gave\n%+v\nYAML gave\n%+v", oas, yml)
	}
	if err := gateway.Validate(fromOAS); err != nil {
		t.Error(err)
	}
}

func TestResourcePolicyAsJSONString(t *testing.T) {
	apis, _, err := Load([]byte(`apis: [{name: a, type: REST, resourcePolicy: '{"Statement":[]}', routes: []}]`))
	if err != nil || apis[0].ResourcePolicy != `{"Statement":[]}` {
		t.Fatalf("%v %q", err, apis[0].ResourcePolicy)
	}
}

func sameJSON(t *testing.T, a, b iam.Document) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal([]byte(a), &va); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal([]byte(b), &vb); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return reflect.DeepEqual(va, vb)
}
