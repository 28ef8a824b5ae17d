package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/moat-dev/moat/internal/awsapi/awsapitest"
	"github.com/moat-dev/moat/internal/sealing"
	"github.com/moat-dev/moat/internal/testenv"
)

// replicaFunctionsConfig declares the execution role and an HTTP API whose
// route invokes "shared", which the test creates through one replica.
const replicaFunctionsConfig = `
roles:
  - name: lambda-exec
    assumeRolePolicy:
      Version: "2012-10-17"
      Statement:
        - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
apis:
  - name: shared
    basePath: /shared
    routes:
      - {method: GET, path: /hello, integration: {type: lambda_proxy, function: shared}}
`

const replicaHandler = `VERSION = "v1"


def handler(event, context):
    if "requestContext" in event:
        return {"statusCode": 200, "body": VERSION}
    return {"version": VERSION}
`

// TestFunctionsAcrossReplicas: two moat replicas on one PostgreSQL database
// run the functions created through either, and see the other's code
// updates, through the Lambda API and through the gateway.
func TestFunctionsAcrossReplicas(t *testing.T) {
	t.Parallel()
	_, masterKey := sealing.GenerateMasterKey() // replicas of one database share its master key
	opts := moatOptions{DatabaseURL: testenv.NewPostgresDatabase(t), Config: replicaFunctionsConfig, Env: []string{"MOAT_MASTER_KEY=" + masterKey}}
	a := startMoat(t, opts)
	b := startMoat(t, opts)
	dir := t.TempDir()
	v1 := readFile(t, writeZip(t, dir+"/v1.zip", map[string]string{"lambda_function.py": replicaHandler}))
	v2 := readFile(t, writeZip(t, dir+"/v2.zip", map[string]string{"lambda_function.py": strings.Replace(replicaHandler, "v1", "v2", 1)}))
	create := func(m *Moat, name string) {
		t.Helper()
		body := mustJSON(t, map[string]any{"FunctionName": name, "Runtime": "python3.12", "Handler": "lambda_function.handler",
			"Role": "arn:aws:iam::000000000000:role/lambda-exec", "Code": map[string][]byte{"ZipFile": v1}})
		if status, answer := lambdaCall(t, m, http.MethodPost, "/2015-03-31/functions", body); status != http.StatusCreated {
			t.Fatalf("CreateFunction %s: %d %s", name, status, answer)
		}
	}
	invoked := func(m *Moat, name string) string {
		t.Helper()
		status, answer := lambdaCall(t, m, http.MethodPost, "/2015-03-31/functions/"+name+"/invocations", `{}`)
		if status != http.StatusOK {
			t.Fatalf("Invoke %s: %d %s", name, status, answer)
		}
		var got struct{ Version string }
		if err := json.Unmarshal(answer, &got); err != nil {
			t.Fatalf("Invoke %s: %s", name, answer)
		}
		return got.Version
	}

	create(a, "shared")
	create(b, "other")
	if got := invoked(b, "shared"); got != "v1" {
		t.Fatalf("replica b runs a's function as %q", got)
	}
	if got := invoked(a, "other"); got != "v1" {
		t.Fatalf("replica a runs b's function as %q", got)
	}
	if status, body := tokenGet(t, b.GatewayURL+"/shared/hello", ""); status != http.StatusOK || string(body) != "v1" {
		t.Fatalf("b's gateway to a's function: %d %s", status, body)
	}

	if status, answer := lambdaCall(t, a, http.MethodPut, "/2015-03-31/functions/shared/code", mustJSON(t, map[string][]byte{"ZipFile": v2})); status != http.StatusOK {
		t.Fatalf("UpdateFunctionCode: %d %s", status, answer)
	}
	if got := invoked(a, "shared"); got != "v2" {
		t.Fatalf("the updating replica's next call runs %q", got)
	}
	for deadline := time.Now().Add(5 * time.Second); invoked(b, "shared") != "v2"; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("replica b still runs the old code 5 s after the update on a")
		}
	}
	if status, body := tokenGet(t, b.GatewayURL+"/shared/hello", ""); status != http.StatusOK || string(body) != "v2" {
		t.Fatalf("b's gateway after the update: %d %s", status, body)
	}
}

// lambdaCall sends a Lambda API request to m signed with its admin credentials.
func lambdaCall(t *testing.T, m *Moat, method, path, body string) (int, []byte) {
	t.Helper()
	r, err := http.NewRequest(method, m.IdentityURL+path, bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	awsapitest.Sign(t, r, []byte(body), aws.Credentials{AccessKeyID: m.AdminKeyID, SecretAccessKey: m.AdminSecret}, "lambda", m.Region)
	res, answer := do(t, r)
	return res.StatusCode, answer
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
