package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/moat-dev/moat/internal/testenv"
)

// What the demo prints on the start that seeds it.
var (
	printedRider  = regexp.MustCompile(`export RIDER_PASSWORD=(\S+)`)
	printedKeeper = regexp.MustCompile(`export KEEPER_PASSWORD=(\S+)`)
	printedPool   = regexp.MustCompile(`User pool:\s+(\S+)`)
	printedClient = regexp.MustCompile(`App client:\s+(\S+) \(demo-web\)`)
	demoLogLine   = regexp.MustCompile(`"msg":"serving the dragons demo[^"]*".*"user_pool_id":"([^"]+)","client_id":"([^"]+)"`)
)

// demoSeed is what a test reads from moat's first-start banner.
type demoSeed struct{ poolID, clientID, riderPassword, keeperPassword string }

// readDemoBanner waits for the banner: moat prints it once both listeners
// are bound, which can be just after the test sees moat ready.
func readDemoBanner(t *testing.T, m *Moat) demoSeed {
	t.Helper()
	if !m.log.waitFor("Any --config or --api replaces the demo.") {
		t.Fatalf("moat's first start printed no demo banner:\n%s", m.log.tail(20))
	}
	log := m.log.String()
	var s demoSeed
	for _, f := range []struct {
		re  *regexp.Regexp
		dst *string
	}{{printedPool, &s.poolID}, {printedClient, &s.clientID}, {printedRider, &s.riderPassword}, {printedKeeper, &s.keeperPassword}} {
		m := f.re.FindStringSubmatch(log)
		if m == nil {
			t.Fatalf("moat's first start did not print %s; log:\n%s", f.re, log)
		}
		*f.dst = m[1]
	}
	return s
}

func TestDemo(t *testing.T) {
	t.Parallel()
	m := startMoat(t, moatOptions{})
	seed := readDemoBanner(t, m)

	t.Run("readme quickstart", func(t *testing.T) { runQuickstart(t, m, seed) })

	t.Run("site and config", func(t *testing.T) {
		code, body, _ := demoCall(t, m, "GET", "/", "", nil)
		if code != 200 || !strings.Contains(body, "<title>moat demo") || !strings.Contains(body, `src="demo.js"`) {
			t.Errorf("GET /: %d %.200s", code, body)
		}
		if code, body, _ := demoCall(t, m, "GET", "/demo.js", "", nil); code != 200 || !strings.Contains(body, "AWSCognitoIdentityProviderService.InitiateAuth") {
			t.Errorf("GET /demo.js: %d %.200s", code, body)
		}
		code, body, _ = demoCall(t, m, "GET", "/demo-config.json", "", nil)
		var cfg map[string]any
		if err := json.Unmarshal([]byte(body), &cfg); code != 200 || err != nil {
			t.Fatalf("GET /demo-config.json: %d %s", code, body)
		}
		want := map[string]any{"identityUrl": m.IdentityURL, "region": m.Region, "userPoolId": seed.poolID,
			"clientId": seed.clientID, "users": []any{"rider", "keeper"}, "group": "dragon-keepers"}
		for k, v := range want {
			if got, _ := json.Marshal(cfg[k]); string(got) != mustJSON(t, v) {
				t.Errorf("demo-config.json %s = %s, want %s", k, got, mustJSON(t, v))
			}
		}
		if code, body, _ := demoCall(t, m, "GET", "/nothing-here", "", nil); code != 404 || body != `{"message":"Not Found"}` {
			t.Errorf("GET /nothing-here: %d %s", code, body)
		}
	})

	t.Run("claims reach the backend and groups guard POST", func(t *testing.T) {
		rider := demoToken(t, m, seed.clientID, "rider", seed.riderPassword)
		keeper := demoToken(t, m, seed.clientID, "keeper", seed.keeperPassword)
		// A client-sent claim header is replaced by the verified claim.
		code, body, _ := demoCall(t, m, "GET", "/dragons", "", http.Header{"Authorization": {rider}, "X-Moat-User": {"keeper"}, "X-Moat-Groups": {"dragon-keepers"}})
		if code != 200 || !strings.Contains(body, `"askedBy":{"groups":[],"username":"rider"}`) {
			t.Errorf("GET /dragons as rider with forged claim headers: %d %s", code, body)
		}
		code, body, _ = demoCall(t, m, "GET", "/dragons", "", http.Header{"Authorization": {keeper}})
		if code != 200 || !strings.Contains(body, `"askedBy":{"groups":["dragon-keepers"],"username":"keeper"}`) {
			t.Errorf("GET /dragons as keeper: %d %s", code, body)
		}
		code, body, h := demoCall(t, m, "POST", "/dragons", `{"name":"Glaurung"}`, http.Header{"Authorization": {rider}, "X-Moat-Groups": {"dragon-keepers"}})
		if code != 403 || body != `{"message":"Forbidden"}` || h.Get("X-Amzn-Errortype") != "AccessDeniedException" {
			t.Errorf("POST /dragons as rider: %d %s (x-amzn-ErrorType %q)", code, body, h.Get("X-Amzn-Errortype"))
		}
		code, body, _ = demoCall(t, m, "POST", "/dragons", `{"name":"Glaurung"}`, http.Header{"Authorization": {keeper}})
		if code != 201 || !strings.Contains(body, `"dragon":{"name":"Glaurung","addedBy":"keeper"}`) {
			t.Errorf("POST /dragons as keeper: %d %s", code, body)
		}
		if code, body, _ := demoCall(t, m, "POST", "/dragons", `{"name":`, http.Header{"Authorization": {keeper}}); code != 400 {
			t.Errorf("POST /dragons with a broken body: %d %s, want 400", code, body)
		}
		access := demoAccessToken(t, m, seed.clientID, "keeper", seed.keeperPassword)
		if code, body, _ := demoCall(t, m, "GET", "/dragons", "", http.Header{"Authorization": {access}}); code != 401 {
			t.Errorf("GET /dragons with an access token (the route has no scopes, so it takes ID tokens): %d %s", code, body)
		}
		code, _, h = demoCall(t, m, "OPTIONS", "/dragons", "", http.Header{"Origin": {m.GatewayURL}, "Access-Control-Request-Method": {"POST"}, "Access-Control-Request-Headers": {"authorization,content-type"}})
		if code != 204 || h.Get("Access-Control-Allow-Origin") != m.GatewayURL {
			t.Errorf("CORS preflight from the demo site: %d, Access-Control-Allow-Origin %q", code, h.Get("Access-Control-Allow-Origin"))
		}
	})

	t.Run("seeded once across a restart", func(t *testing.T) {
		before := len(m.log.String())
		m.Restart(t)
		after := m.log.String()[before:]
		if strings.Contains(after, seed.riderPassword) || strings.Contains(after, seed.keeperPassword) || strings.Contains(after, "PASSWORD=") {
			t.Errorf("the restart printed demo passwords again:\n%s", after)
		}
		line := demoLogLine.FindStringSubmatch(after)
		if line == nil || line[1] != seed.poolID || line[2] != seed.clientID {
			t.Errorf("after restart the demo log line is %q, want pool %s client %s", line, seed.poolID, seed.clientID)
		}
		demoToken(t, m, seed.clientID, "rider", seed.riderPassword)
		out, err := m.cognito(t).ListUserPools(t.Context(), &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)})
		if err != nil {
			t.Fatal(err)
		}
		var demoPools []string
		for _, p := range out.UserPools {
			if aws.ToString(p.Name) == "moat-demo" {
				demoPools = append(demoPools, aws.ToString(p.Id))
			}
		}
		if !slices.Equal(demoPools, []string{seed.poolID}) {
			t.Errorf("moat-demo pools after a restart: %v, want only %s", demoPools, seed.poolID)
		}
	})
}

// TestDemoOnlyWithoutAPIs: an API given to moat replaces the demo.
func TestDemoOnlyWithoutAPIs(t *testing.T) {
	t.Parallel()
	m := startMoat(t, moatOptions{Config: `
apis:
  - name: hello
    routes:
      - {method: GET, path: /hello, integration: {type: mock, body: hi}}
`})
	if strings.Contains(m.log.String(), "dragons demo") {
		t.Errorf("moat with apis: served the demo:\n%s", m.log.String())
	}
	if code, body, _ := demoCall(t, m, "GET", "/demo-config.json", "", nil); code != 404 {
		t.Errorf("GET /demo-config.json with apis: configured: %d %s, want 404", code, body)
	}
	if code, body, _ := demoCall(t, m, "GET", "/hello", "", nil); code != 200 || body != "hi" {
		t.Errorf("GET /hello: %d %s", code, body)
	}
}

// runQuickstart runs the README's quickstart block with bash, as a reader
// would after exporting the printed passwords, against this test's moat.
func runQuickstart(t *testing.T, m *Moat, seed demoSeed) {
	bash := testenv.LookPath(t, "bash", "apt-get install -y bash")
	testenv.LookPath(t, "curl", "apt-get install -y curl")
	testenv.LookPath(t, "python3", "apt-get install -y python3")
	cmd := exec.Command(bash, "-euo", "pipefail", "-c", readmeBlock(t, "quickstart", "sh"))
	cmd.Env = append(os.Environ(),
		"MOAT_IDENTITY="+m.IdentityURL, "MOAT_GATEWAY="+m.GatewayURL,
		"RIDER_PASSWORD="+seed.riderPassword, "KEEPER_PASSWORD="+seed.keeperPassword,
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the README quickstart failed (%v):\n%s", err, out)
	}
	var statuses []string
	for _, m := range regexp.MustCompile(`(?m)^HTTP (\d{3})$`).FindAllSubmatch(out, -1) {
		statuses = append(statuses, string(m[1]))
	}
	if want := []string{"200", "403", "201", "401"}; !slices.Equal(statuses, want) {
		t.Errorf("README quickstart statuses %v, want %v; output:\n%s", statuses, want, out)
	}
	for _, want := range []string{`"username":"rider"`, `{"message":"Forbidden"}`, `"addedBy":"keeper"`, `{"message":"Unauthorized"}`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("README quickstart output lacks %s:\n%s", want, out)
		}
	}
}

func demoToken(t *testing.T, m *Moat, clientID, user, password string) string {
	t.Helper()
	return aws.ToString(demoSignIn(t, m, clientID, user, password).AuthenticationResult.IdToken)
}

func demoAccessToken(t *testing.T, m *Moat, clientID, user, password string) string {
	t.Helper()
	return aws.ToString(demoSignIn(t, m, clientID, user, password).AuthenticationResult.AccessToken)
}

func demoSignIn(t *testing.T, m *Moat, clientID, user, password string) *cip.InitiateAuthOutput {
	t.Helper()
	out, err := m.cognitoAs(t, aws.AnonymousCredentials{}).InitiateAuth(t.Context(), &cip.InitiateAuthInput{
		ClientId: &clientID, AuthFlow: "USER_PASSWORD_AUTH",
		AuthParameters: map[string]string{"USERNAME": user, "PASSWORD": password},
	})
	if err != nil || out.AuthenticationResult == nil {
		t.Fatalf("%s signs in to the demo with the printed password: %v", user, err)
	}
	return out
}

func demoCall(t *testing.T, m *Moat, method, path, body string, header http.Header) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, m.GatewayURL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[http.CanonicalHeaderKey(k)] = v
	}
	res, b := do(t, req)
	return res.StatusCode, string(b), res.Header
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
