package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/moat-dev/moat/internal/userpool"
)

// TestReadmeWholeSystem runs the README's one-file system as written: its
// config file, and its boto3 script signing in as the file's user, calling
// routes with the ID token and with identity-pool credentials.
func TestReadmeWholeSystem(t *testing.T) {
	t.Parallel()
	python := pythonWithBoto3(t)
	const password = "Corr3ct-Horse-Battery!"
	m := startMoat(t, moatOptions{Config: readmeBlock(t, "whole-system:config", "yaml"), Env: []string{"ALICE_PASSWORD=" + password}})
	cmd := exec.Command(python, "-c", readmeBlock(t, "whole-system:script", "python"))
	cmd.Env = append(os.Environ(), "AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull, "AWS_EC2_METADATA_DISABLED=true",
		"MOAT_IDENTITY="+m.IdentityURL, "MOAT_GATEWAY="+m.GatewayURL, "ALICE_PASSWORD="+password,
		"AWS_ACCESS_KEY_ID="+m.AdminKeyID, "AWS_SECRET_ACCESS_KEY="+m.AdminSecret)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the README's one-file script failed (%v):\n%s", err, out)
	}
	want := "user pool: " + userpool.DeclaredPoolID("us-east-1", "shop") + "\n/prod/staff 200 hello, staff\n/prod/me 200 hello, shopper\n/prod/orders 200 your orders\n"
	if string(out) != want {
		t.Errorf("the README's one-file script printed:\n%s\nwant:\n%s", out, want)
	}
	// Without credentials the routes stay shut.
	for path, status := range map[string]int{"/prod/staff": 401, "/prod/me": 401, "/prod/orders": 403} {
		if res, body := gatewayCall(t, m, "GET", path, nil); res.StatusCode != status {
			t.Errorf("unauthenticated GET %s: %d %s, want %d", path, res.StatusCode, body, status)
		}
	}
}

const reloadV1 = `userPools:
  - name: shop
    clients: [{name: web, settings: {ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]}}]
    groups: [{name: staff}]
    users: [{username: alice, groups: [staff], passwordFromEnv: ALICE_PASSWORD}]
apis:
  - name: shop
    authorizers: [{name: pool, type: COGNITO_USER_POOLS, userPools: [shop]}]
    routes:
      - {method: GET, path: /version, integration: {type: mock, body: v1}}
      - {method: GET, path: /staff, authorizer: pool, groups: [staff], integration: {type: mock, body: for staff}}
`

// reloadV2 changes a route, adds a group and moves alice and the staff
// route to it.
var reloadV2 = strings.NewReplacer(
	"body: v1", "body: v2",
	"groups: [{name: staff}]", "groups: [{name: staff}, {name: managers}]",
	"users: [{username: alice, groups: [staff]", "users: [{username: alice, groups: [managers]",
	"groups: [staff], integration", "groups: [managers], integration",
).Replace(reloadV1)

// SIGHUP rereads the file: a changed route and group take effect without a
// restart, an invalid file is refused with a log line and the old
// configuration keeps serving; a restart keeps the pool's and client's ids.
func TestConfigReloadOnSIGHUP(t *testing.T) {
	t.Parallel()
	m := startMoat(t, moatOptions{Config: reloadV1, Env: []string{"ALICE_PASSWORD=Corr3ct-Horse!"}})
	poolID := userpool.DeclaredPoolID(m.Region, "shop")
	clientID := userpool.DeclaredClientID(poolID, "web")
	public := m.cognitoAs(t, aws.AnonymousCredentials{})
	signIn := func() string {
		t.Helper()
		out, err := public.InitiateAuth(t.Context(), &cognitoidentityprovider.InitiateAuthInput{
			ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "Corr3ct-Horse!"},
		})
		if err != nil {
			t.Fatalf("alice signs in with the file's client %s: %v", clientID, err)
		}
		return *out.AuthenticationResult.IdToken
	}
	call := func(path, token string) (int, string) {
		t.Helper()
		header := map[string][]string{}
		if token != "" {
			header["Authorization"] = []string{token}
		}
		res, body := gatewayCall(t, m, "GET", path, header)
		return res.StatusCode, body
	}
	staffToken := signIn()
	if status, body := call("/version", ""); status != 200 || body != "v1" {
		t.Fatalf("GET /version: %d %s", status, body)
	}
	if status, _ := call("/staff", staffToken); status != 200 {
		t.Fatalf("GET /staff as staff: %d", status)
	}

	reload(t, m, reloadV2, `"msg":"config reloaded"`)
	if !m.log.waitFor(`"changed":["apis: changed shop","userPools: changed shop"]`) {
		t.Errorf("the reload did not log what changed:\n%s", m.log.tail(20))
	}
	if status, body := call("/version", ""); status != 200 || body != "v2" {
		t.Errorf("GET /version after SIGHUP: %d %s, want v2", status, body)
	}
	if status, _ := call("/staff", staffToken); status != 403 {
		t.Errorf("GET /staff with a staff token after the route moved to managers: %d, want 403", status)
	}
	if status, body := call("/staff", signIn()); status != 200 || body != "for staff" {
		t.Errorf("GET /staff as a manager: %d %s, want 200", status, body)
	}

	broken := strings.Replace(reloadV2, "userPools: [shop]", "userPools: [shopp]", 1)
	broken = strings.Replace(broken, "body: v2", "body: v3", 1)
	reload(t, m, broken, `"msg":"config reload refused; the running configuration stays"`)
	if !m.log.waitFor(`apis[0].authorizers[0].userPools[0]: ${userPool:shopp} names no user pool of userPools: (declared: shop)`) {
		t.Errorf("the refusal does not name the problem:\n%s", m.log.tail(20))
	}
	if status, body := call("/version", ""); status != 200 || body != "v2" {
		t.Errorf("GET /version after an invalid file: %d %s, want v2 still", status, body)
	}

	// The same file on the next start: the same ids, nothing duplicated.
	writeConfig(t, m, reloadV2)
	m.Restart(t)
	signIn()
	clients, err := m.cognito(t).ListUserPoolClients(t.Context(), &cognitoidentityprovider.ListUserPoolClientsInput{UserPoolId: aws.String(poolID), MaxResults: aws.Int32(60)})
	if err != nil || len(clients.UserPoolClients) != 1 || *clients.UserPoolClients[0].ClientId != clientID {
		t.Errorf("clients after a restart: %+v, %v", clients, err)
	}
	groups, err := m.cognito(t).ListGroups(t.Context(), &cognitoidentityprovider.ListGroupsInput{UserPoolId: aws.String(poolID)})
	if err != nil || len(groups.Groups) != 2 {
		t.Errorf("groups after a restart: %+v, %v", groups, err)
	}
}

func writeConfig(t *testing.T, m *Moat, config string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(m.options.DataDir, "moat-test.yaml"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
}

// reload writes config over moat's config file, sends SIGHUP and waits
// for one more log line matching done.
func reload(t *testing.T, m *Moat, config, done string) {
	t.Helper()
	before := strings.Count(m.log.String(), done)
	writeConfig(t, m, config)
	if err := m.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); strings.Count(m.log.String(), done) == before; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no %s after SIGHUP:\n%s", done, m.log.tail(20))
		}
	}
}
