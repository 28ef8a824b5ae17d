package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/moat-dev/moat/internal/functions/functionstest"
)

// functionsConfig declares the functions' execution role and a REST API
// whose route is a lambda_proxy to go-fn behind a TOKEN authorizer
// (go-authorizer); the Lambda flow creates both functions.
const functionsConfig = functionsRoleConfig + `apis:
  - name: orders
    type: REST
    basePath: /fn
    authorizers:
      - name: tokens
        type: TOKEN
        function: go-authorizer
        authorizerResultTtlInSeconds: 0
    routes:
      - method: GET
        path: /orders/{id}
        authorizer: tokens
        integration: {type: lambda_proxy, function: go-fn}
      - method: GET
        path: /throttled
        integration: {type: lambda_proxy, function: go-throttled}
      - method: GET
        path: /private
        integration: {type: lambda_proxy, function: go-private}
`

// functionsRoleConfig declares the execution role functions run as.
const functionsRoleConfig = "\nroles:" + lambdaExecRole

// lambdaExecRole is the execution role's entry under roles:.
const lambdaExecRole = `
  - name: lambda-exec
    assumeRolePolicy:
      Version: "2012-10-17"
      Statement:
        - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
`

// TestLambdaFunctions deploys a Go (aws-lambda-go, provided.al2023), a
// Node.js and a Python function with boto3's lambda client and invokes
// them every way Lambda does, then calls the Go function through the
// gateway behind a TOKEN authorizer function.
func TestLambdaFunctions(t *testing.T) {
	python := pythonWithBoto3(t)
	dir := t.TempDir()
	goZip := buildGoFunction(t, dir, "gohandler", "v1")
	goZipV2 := buildGoFunction(t, dir, "gohandler", "v2")
	nodeZip := writeZip(t, filepath.Join(dir, "node.zip"), map[string]string{"index.js": nodeHandler})
	pythonZip := writeZip(t, filepath.Join(dir, "python.zip"), map[string]string{"lambda_function.py": pythonHandler})

	m := startMoat(t, moatOptions{Config: functionsConfig})
	runClientScript(t, []string{python, filepath.Join("clients", "python", "lambda_flow.py")}, "", append(m.adminEnv(),
		"MOAT_ROLE_ARN=arn:aws:iam::000000000000:role/lambda-exec",
		"MOAT_GO_ZIP="+goZip,
		"MOAT_GO_ZIP_V2="+goZipV2,
		"MOAT_NODE_ZIP="+nodeZip,
		"MOAT_PYTHON_ZIP="+pythonZip,
	)...)

	t.Run("gateway", func(t *testing.T) {
		status, body := tokenGet(t, m.GatewayURL+"/fn/orders/7", "allow")
		if status != http.StatusOK {
			t.Fatalf("Allow: status %d, body %s", status, body)
		}
		var got struct{ PrincipalID, Path string }
		if err := json.Unmarshal(body, &got); err != nil || got.PrincipalID != "user-42" {
			t.Fatalf("Allow: the backend saw %s (%v); want principalId user-42", body, err)
		}
		if status, body := tokenGet(t, m.GatewayURL+"/fn/orders/7", "deny"); status != http.StatusForbidden {
			t.Fatalf("Deny: status %d, body %s; want 403", status, body)
		}
		if status, body := tokenGet(t, m.GatewayURL+"/fn/orders/7", "nobody"); status != http.StatusUnauthorized {
			t.Fatalf("Unauthorized: status %d, body %s; want 401", status, body)
		}
		// Lambda refusing the invoke (throttled, or no permission for this
		// API) is API Gateway's 500, as its Lambda integration answers.
		for _, path := range []string{"/fn/throttled", "/fn/private"} {
			status, body := tokenGet(t, m.GatewayURL+path, "allow")
			var answer struct{ Message string }
			if status != http.StatusInternalServerError || json.Unmarshal(body, &answer) != nil || answer.Message != "Internal server error" {
				t.Fatalf("%s: status %d, body %s; want 500 Internal server error", path, status, body)
			}
		}
	})
}

func tokenGet(t *testing.T, url, token string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", token)
	resp, body := do(t, req)
	return resp.StatusCode, body
}

// buildGoFunction builds testdata/lambda/<pkg> for Linux as Lambda's
// bootstrap and zips it, version telling one build from another.
func buildGoFunction(t *testing.T, dir, pkg, version string) string {
	t.Helper()
	bin := filepath.Join(dir, "bootstrap-"+pkg+"-"+version)
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-ldflags", "-X main.version="+version, "-o", bin, "./testdata/lambda/"+pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the Go function: %v\n%s", err, out)
	}
	code, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	return writeZip(t, filepath.Join(dir, pkg+"-"+version+".zip"), map[string]string{"bootstrap": string(code)})
}

func writeZip(t *testing.T, path string, files map[string]string) string {
	t.Helper()
	if err := os.WriteFile(path, functionstest.Zip(t, files), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const nodeHandler = `exports.handler = async (event) => {
  console.log("node handler invoked");
  if (event.mode === "fail") throw new Error("node handler failed");
  if (event.mode === "sleep") await new Promise((r) => setTimeout(r, event.sleep * 1000));
  return { runtime: "node", event };
};
`

const pythonHandler = `import os
import time


def handler(event, context):
    print("python handler invoked")
    if event.get("mode") == "fail":
        raise ValueError("python handler failed")
    if event.get("mode") == "sleep":
        time.sleep(event["sleep"])
    if event.get("mode") == "crash":
        os._exit(3)
    return {"runtime": "python", "event": event, "pid": os.getpid()}
`
