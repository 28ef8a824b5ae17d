package e2e

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// readmeBlock is the fenced block of the given language between
// <!-- NAME:begin --> and <!-- NAME:end --> in README.md.
func readmeBlock(t *testing.T, name, lang string) string {
	t.Helper()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)<!-- " + regexp.QuoteMeta(name) + ":begin -->\\s*```" + lang + "\\n(.*?)```\\s*<!-- " + regexp.QuoteMeta(name) + ":end -->")
	block := re.FindSubmatch(readme)
	if block == nil {
		t.Fatalf("README.md has no ```%s block between <!-- %[2]s:begin --> and <!-- %[2]s:end -->", lang, name)
	}
	return string(block[1])
}

// TestReadmeIdentityPoolWalkthrough runs the README's identity-pool
// walk-through as written: its config file (with the user-pool-limits
// example beside it) and its boto3 script, against a fresh moat.
func TestReadmeIdentityPoolWalkthrough(t *testing.T) {
	t.Parallel()
	python := pythonWithBoto3(t)
	config := readmeBlock(t, "identity-pools:config", "yaml") + readmeBlock(t, "config:user-pool-limits", "yaml")
	m := startMoat(t, moatOptions{Config: config})
	cmd := exec.Command(python, "-c", readmeBlock(t, "identity-pools:script", "python"))
	cmd.Env = append(os.Environ(), "AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull, "AWS_EC2_METADATA_DISABLED=true",
		"MOAT_IDENTITY="+m.IdentityURL, "MOAT_GATEWAY="+m.GatewayURL,
		"AWS_ACCESS_KEY_ID="+m.AdminKeyID, "AWS_SECRET_ACCESS_KEY="+m.AdminSecret)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the README's identity-pool script failed (%v):\n%s", err, out)
	}
	if !regexp.MustCompile(`(?m)^identity: us-east-1:[0-9a-f-]{36}$`).Match(out) || !strings.Contains(string(out), "200 hello, signed caller") {
		t.Errorf("the README's identity-pool script printed:\n%s", out)
	}
	res, body := gatewayCall(t, m, "GET", "/prod/whoami", nil)
	if res.StatusCode != 403 || body != `{"message":"Missing Authentication Token"}` {
		t.Errorf("unsigned GET /prod/whoami: %d %s, as the README says it answers 403 Missing Authentication Token", res.StatusCode, body)
	}
}
