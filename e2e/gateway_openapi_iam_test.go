package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// restExportWithSigV4 is a REST API with one AWS_IAM method in the form
// `aws apigateway get-export --export-type oas30 --parameters
// extensions=apigateway` writes: AWS_IAM is an apiKey scheme on the
// Authorization header marked x-amazon-apigateway-authtype: awsSigv4.
func restExportWithSigV4(backend string) string {
	return fmt.Sprintf(`{
  "openapi": "3.0.1",
  "info": {"title": "orders", "version": "2024-05-01T00:00:00Z"},
  "paths": {"/orders": {"get": {
    "responses": {"200": {"description": "200 response", "content": {}}},
    "security": [{"sigv4": []}],
    "x-amazon-apigateway-integration": {"type": "http_proxy", "httpMethod": "GET", "uri": "%s/orders",
      "passthroughBehavior": "when_no_match", "responses": {"default": {"statusCode": "200"}}}
  }}},
  "components": {"securitySchemes": {"sigv4": {"type": "apiKey", "name": "Authorization", "in": "header",
    "x-amazon-apigateway-authtype": "awsSigv4"}}}
}`, backend)
}

// TestOpenAPIExportWithSigV4: an API exported by API Gateway with an AWS_IAM
// method loads, and its route admits calls botocore signs (the account's
// own keys, a guest's identity-pool credentials whose role allows the
// route) while refusing unsigned and wrongly signed ones.
func TestOpenAPIExportWithSigV4(t *testing.T) {
	t.Parallel()
	file := writeAPIFile(t, t.TempDir(), "orders.json", restExportWithSigV4(identityBackend(t)))
	roles := "\nroles:" + identityRoleYAML("OrderGuests", "unauthenticated",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:*:*/GET/orders"}]}`) + "\n"
	m := startMoat(t, moatOptions{Config: roles, Args: []string{"--api", file, "--log-level", "debug"}})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	guest := guestCredentials(t, ctx, m, "OrderGuests")
	root := aws.Credentials{AccessKeyID: m.AdminKeyID, SecretAccessKey: m.AdminSecret}
	wrong := guest
	wrong.SecretAccessKey = strings.Repeat("x", 40)

	answers := pythonSigV4Calls(t, m.GatewayURL, []sigv4Call{
		{method: "GET", path: "orders", creds: guest},
		{method: "GET", path: "orders", creds: root},
		{method: "GET", path: "orders", creds: wrong},
	})
	for i, who := range []string{"guest", "account"} {
		var saw backendSaw
		if a := answers[i]; a.Status != http.StatusOK || json.Unmarshal([]byte(a.Body), &saw) != nil || saw.Path != "/orders" {
			t.Errorf("%s's botocore-signed call: %d %q %s, want 200 from the backend", who, a.Status, a.ErrorType, a.Body)
		}
	}
	if a := answers[2]; a.Status != http.StatusForbidden || a.ErrorType != "InvalidSignatureException" {
		t.Errorf("wrongly signed call: %d %q %s, want 403 InvalidSignatureException", a.Status, a.ErrorType, a.Body)
	}
	res, body := gatewayCall(t, m, "GET", "/orders", nil)
	if res.StatusCode != http.StatusForbidden || body != `{"message":"Missing Authentication Token"}` {
		t.Errorf("unsigned call: %d %s, want 403 Missing Authentication Token", res.StatusCode, body)
	}
	// At debug level each refusal says why, and never holds the credentials.
	for _, reason := range []string{`"reason":"no signature"`, `"reason":"bad signature: InvalidSignatureException"`} {
		if !m.log.waitFor(`"msg":"gateway refused"`, reason) {
			t.Errorf("the debug log lacks a refusal with %s", reason)
		}
	}
	log := m.log.String()
	if strings.Contains(log, guest.SessionToken) || strings.Contains(log, wrong.SecretAccessKey) {
		t.Error("the log holds a session token or secret")
	}
}
