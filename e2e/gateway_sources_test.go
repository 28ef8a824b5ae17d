package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mockAPIYAML is an API file in moat's YAML answering GET <base>/hello.
func mockAPIYAML(name, base string) string {
	return fmt.Sprintf(`apis:
  - name: %[1]s
    basePath: %[2]s
    routes:
      - {method: GET, path: /hello, integration: {type: mock, body: "hello from %[1]s"}}
`, name, base)
}

// mockAPIOpenAPI is an OpenAPI document with a mock integration answering GET /hello.
func mockAPIOpenAPI(name string) string {
	return fmt.Sprintf(`{
  "openapi": "3.0.1",
  "info": {"title": %[1]q, "version": "1"},
  "paths": {"/hello": {"get": {"x-amazon-apigateway-integration": {
    "type": "mock",
    "responses": {"default": {"statusCode": "200", "responseTemplates": {"application/json": "hello from %[1]s"}}}
  }}}}
}`, name)
}

func writeAPIFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Every way of giving moat APIs reaches the running gateway: apis: in the
// config file, --api (repeated; moat's YAML and OpenAPI), and MOAT_API
// (comma-separated).
func TestGatewayAPISources(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	expect := func(t *testing.T, m *Moat, path, body string) {
		t.Helper()
		res, got := gatewayCall(t, m, "GET", path, nil)
		if res.StatusCode != 200 || got != body {
			t.Errorf("GET %s: %d %q, want 200 %q", path, res.StatusCode, got, body)
		}
	}
	t.Run("config file and --api", func(t *testing.T) {
		t.Parallel()
		m := startMoat(t, moatOptions{
			Config: mockAPIYAML("inline", "/inline"),
			Args: []string{
				"--api", writeAPIFile(t, dir, "flag.yaml", mockAPIYAML("flag-yaml", "/flag")),
				"--api", writeAPIFile(t, dir, "flag.json", mockAPIOpenAPI("flag-openapi")),
			},
		})
		expect(t, m, "/inline/hello", "hello from inline")
		// Start-up says what it serves and where the metrics are.
		for _, want := range []string{`"msg":"serving API","api":"inline","base_path":"/inline","stages":[],"routes":["GET /hello"]`,
			`"metrics":"` + m.IdentityURL + `/metrics"`} {
			if !strings.Contains(m.log.String(), want) {
				t.Errorf("the start-up log lacks %s", want)
			}
		}
		expect(t, m, "/flag/hello", "hello from flag-yaml")
		expect(t, m, "/hello", "hello from flag-openapi")
	})
	t.Run("MOAT_API", func(t *testing.T) {
		t.Parallel()
		files := writeAPIFile(t, dir, "env.yaml", mockAPIYAML("env-yaml", "/env")) + "," +
			writeAPIFile(t, dir, "env.json", mockAPIOpenAPI("env-openapi"))
		m := startMoat(t, moatOptions{Env: []string{"MOAT_API=" + files}})
		expect(t, m, "/env/hello", "hello from env-yaml")
		expect(t, m, "/hello", "hello from env-openapi")
	})
}
