package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/moat-dev/moat/internal/testenv"
)

// consoleConfig declares what the console's pages show besides user
// pools: a REST API with an open route and one behind SigV4 (unsigned:
// 403), a Node.js function, and the read-only console credential.
const consoleConfig = `
roles:
  - name: lambda-exec
    assumeRolePolicy:
      Version: "2012-10-17"
      Statement:
        - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
  - name: shoppers
    assumeRolePolicy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: {Federated: cognito-identity.amazonaws.com}
          Action: sts:AssumeRoleWithWebIdentity
          Condition: {StringLike: {"cognito-identity.amazonaws.com:aud": "us-east-1:*"}}
    policies:
      invoke:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Action: execute-api:Invoke, Resource: "arn:aws:execute-api:*:*:*/*/GET/orders"}
identityPools:
  - name: shoppers
    settings: {AllowUnauthenticatedIdentities: true}
    roles: {authenticated: shoppers, unauthenticated: shoppers}
apiKeys:
  - {name: partner, valueFromEnv: MOAT_TEST_PARTNER_KEY}
usagePlans:
  - name: gold
    quota: {limit: 1000, period: DAY}
    apiStages: [{api: shop, stage: $default}]
    apiKeys: [partner]
webACLs:
  - Name: front
    DefaultAction: {Allow: {}}
    VisibilityConfig: {SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: front}
    Resources: [arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/$default]
    Rules:
      - Name: no-evil
        Priority: 0
        # SearchString is base64, as in WAFv2's JSON: "evil".
        Statement: {ByteMatchStatement: {SearchString: ZXZpbA==, FieldToMatch: {SingleHeader: {Name: x-probe}}, TextTransformations: [{Priority: 0, Type: NONE}], PositionalConstraint: CONTAINS}}
        Action: {Block: {}}
        VisibilityConfig: {SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: no-evil}
functions:
  - {name: greeter, runtime: nodejs20.x, handler: index.handler, role: "arn:aws:iam::000000000000:role/lambda-exec", code: greeter}
apis:
  - name: shop
    id: a1b2c3d4e5
    type: REST
    basePath: /shop
    authorizers:
      - {name: signed, type: AWS_IAM}
    routes:
      - {method: GET, path: /open, integration: {type: mock, body: '{"open":true}'}}
      - {method: GET, path: /orders, authorizer: signed, integration: {type: mock, body: '{"orders":[]}'}}
      - {method: GET, path: /partner, apiKeyRequired: true, integration: {type: mock, body: '{"partner":true}'}}
console:
  credentials:
    - {accessKeyId: AKIACONSOLEVIEWER001, secretFromEnv: MOAT_TEST_VIEWER_SECRET, console: read-only}
`

const greeterCode = `export const handler = async (event) => {
  console.log('greeting', event.name);
  return { greeting: 'hello ' + event.name };
};
`

// TestConsoleInBrowser is the console's acceptance test: the admin signs
// in, creates a pool, an app client, a user and a group, resets the
// user's password and adds them to the group; among 1,000 users a prefix
// filter finds them; an API's live tail shows requests as they happen,
// with a 403's refusal; a function runs with a test event; a change
// without the CSRF token or the session cookie is refused; signing out
// ends the session; the read-only credential sees pages and is refused
// every change. Every page is screenshot at 1280 and 375 px wide.
func TestConsoleInBrowser(t *testing.T) {
	node := nodeWithClients(t)
	chromium := chromiumPath(t)
	testenv.LookPath(t, "node", "install Node.js 20") // the function's runtime
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "greeter"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "greeter", "index.mjs"), []byte(greeterCode), 0o644); err != nil {
		t.Fatal(err)
	}
	viewerSecret := "viewer-" + testenv.RandomHex(16)
	partnerKey := "partner" + testenv.RandomHex(12)
	m := startMoat(t, moatOptions{DataDir: dir, Config: consoleConfig,
		Env: []string{"MOAT_TEST_VIEWER_SECRET=" + viewerSecret, "MOAT_TEST_PARTNER_KEY=" + partnerKey}})
	// Traffic for the usage chart and the WAF's counts and samples.
	for range 3 {
		if got := callGateway(t, m, "/shop/partner", "X-API-Key", partnerKey); got.status != 200 {
			t.Fatalf("GET /shop/partner with the key: %+v", got)
		}
	}
	if got := callGateway(t, m, "/shop/open", "X-Probe", "evil"); got.status != 403 {
		t.Fatalf("an evil GET /shop/open past the WAF: %+v", got)
	}
	username := "zara-" + testenv.RandomHex(3)
	shots := artifactDir(t)
	common := []string{"MOAT_CONSOLE=" + m.IdentityURL + "/console", "MOAT_ADMIN_KEY_ID=" + m.AdminKeyID, "MOAT_ADMIN_SECRET=" + m.AdminSecret,
		"MOAT_VIEWER_KEY_ID=AKIACONSOLEVIEWER001", "MOAT_VIEWER_SECRET=" + viewerSecret, "MOAT_POOL_NAME=Console shop",
		"MOAT_USERNAME=" + username, "MOAT_GROUP=staff", "MOAT_API=shop", "MOAT_FUNCTION=greeter",
		"MOAT_API_CALLS=" + m.GatewayURL + "/shop/open," + m.GatewayURL + "/shop/orders",
		"MOAT_SCREENSHOTS=" + shots, "MOAT_CHROMIUM=" + chromium}
	script := []string{node, filepath.Join(nodeClientsDir, "console_browser.mjs")}

	var built struct {
		UnsignedLandsOn, WrongSecretMessage, SignedInAt string
		PoolID, PoolMessage, ClientID, ClientSecret     string
		SecretOnPoolPage                                bool
		CreatedStatus, ResetMessage, ResetStatus        string
		Groups                                          string
		Screenshots                                     []string
	}
	runConsolePhase(t, script, "build", common, &built)
	if built.UnsignedLandsOn != "/console/signin" || !strings.Contains(built.WrongSecretMessage, "not valid") || built.SignedInAt != "/console/pools" {
		t.Errorf("signing in: unsigned lands on %q, a wrong secret says %q, signed in at %q", built.UnsignedLandsOn, built.WrongSecretMessage, built.SignedInAt)
	}
	idp := m.cognito(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	pool, err := idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(built.PoolID)})
	if err != nil || aws.ToString(pool.UserPool.Name) != "Console shop" {
		t.Fatalf("the pool the console made (%q, %s): %v", built.PoolID, built.PoolMessage, err)
	}
	client, err := idp.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(built.PoolID), ClientId: aws.String(built.ClientID)})
	if err != nil || aws.ToString(client.UserPoolClient.ClientSecret) != built.ClientSecret || built.ClientSecret == "" || built.SecretOnPoolPage {
		t.Errorf("the client: %v; secret shown %q, on the pool page again: %v", err, built.ClientSecret, built.SecretOnPoolPage)
	}
	if !slices.Contains(client.UserPoolClient.ExplicitAuthFlows, types.ExplicitAuthFlowsTypeAllowUserPasswordAuth) {
		t.Errorf("client flows: %v", client.UserPoolClient.ExplicitAuthFlows)
	}
	user, err := idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(built.PoolID), Username: aws.String(username)})
	if err != nil || user.UserStatus != types.UserStatusTypeResetRequired || built.CreatedStatus != "FORCE_CHANGE_PASSWORD" || built.ResetStatus != "RESET_REQUIRED" {
		t.Errorf("the user: %v; status created %q, after reset %q (%s), now %v", err, built.CreatedStatus, built.ResetStatus, built.ResetMessage, user)
	}
	groups, err := idp.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: aws.String(built.PoolID), Username: aws.String(username)})
	if err != nil || len(groups.Groups) != 1 || aws.ToString(groups.Groups[0].GroupName) != "staff" || !strings.Contains(built.Groups, "staff") {
		t.Errorf("the user's groups: %v %v (page: %q)", groups, err, built.Groups)
	}

	crowd := fillPool(t, m, built.PoolID, 999)
	t.Logf("999 more users made in %s", crowd)

	var used struct {
		FirstPageRows, SecondPageRows int
		Found                         []string
		BadFilterMessage              string
		Calls                         []int
		Tail                          []struct {
			Status           int
			Request, Refusal string
		}
		InvokeResult, InvokeLog                           string
		LiveLog                                           []string
		AllowedDecision, DeniedDecision, BadPolicyVerdict string
		SimulatedWithoutScript                            string
		UsageCaption                                      string
		WAFRules                                          []string
		WAFProtects                                       []string
		NoCSRF, NoCookie, NoCookiePage                    int
		SignedOutAt, AfterSignOut                         string
		ViewerBadge                                       string
		ViewerCreateForm                                  int
		ViewerFound                                       []string
		ViewerChanges                                     map[string]int
		ViewerSeesEnabled                                 string
		Screenshots                                       []string
		Overflows                                         []string
	}
	runConsolePhase(t, script, "use", append(common, "MOAT_POOL_ID="+built.PoolID), &used)
	if used.FirstPageRows != 50 || used.SecondPageRows != 50 {
		t.Errorf("pages of 1,000 users: %d then %d rows, want 50 and 50", used.FirstPageRows, used.SecondPageRows)
	}
	if len(used.Found) != 1 || used.Found[0] != username {
		t.Errorf("the prefix filter found %v, want just %s", used.Found, username)
	}
	if !strings.Contains(used.BadFilterMessage, "InvalidParameterException") {
		t.Errorf("a malformed filter says %q", used.BadFilterMessage)
	}
	if !slices.Equal(used.Calls, []int{200, 403}) || len(used.Tail) != 2 {
		t.Fatalf("the API answered %v; the tail showed %+v", used.Calls, used.Tail)
	}
	refused, passed := used.Tail[0], used.Tail[1] // newest first
	if passed.Status != 200 || passed.Request != "GET /shop/open" || passed.Refusal != "" {
		t.Errorf("the open call in the tail: %+v", passed)
	}
	if refused.Status != 403 || refused.Request != "GET /shop/orders" || !strings.Contains(refused.Refusal, "MISSING_AUTHENTICATION_TOKEN") || !strings.Contains(refused.Refusal, "no signature") {
		t.Errorf("the refused call in the tail: %+v", refused)
	}
	if !strings.Contains(used.InvokeResult, `"greeting":"hello console"`) || !strings.Contains(used.InvokeLog, "greeting console") {
		t.Errorf("invoking the function: %q, log %q", used.InvokeResult, used.InvokeLog)
	}
	if !slices.ContainsFunc(used.LiveLog, func(l string) bool { return strings.Contains(l, "greeting console") }) {
		t.Errorf("the function's live log: %q", used.LiveLog)
	}
	if used.AllowedDecision != "Allow" || used.DeniedDecision != "ImplicitDeny" || !strings.Contains(used.BadPolicyVerdict, "MalformedPolicyDocument") || used.SimulatedWithoutScript != "Allow" {
		t.Errorf("the policy editor: GET /orders %q, DELETE /orders %q, a broken document %q; the form's own answer %q",
			used.AllowedDecision, used.DeniedDecision, used.BadPolicyVerdict, used.SimulatedWithoutScript)
	}
	if !strings.Contains(used.UsageCaption, "3 requests") {
		t.Errorf("the usage chart's caption: %q", used.UsageCaption)
	}
	if len(used.WAFRules) != 2 || !strings.Contains(used.WAFRules[0], "no-evil") || !strings.Contains(used.WAFRules[0], "1 matched") || !strings.Contains(used.WAFRules[0], "GET /shop/open") {
		t.Errorf("the web ACL's rules: %q", used.WAFRules)
	}
	if want := "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/$default"; len(used.WAFProtects) != 1 || used.WAFProtects[0] != want {
		t.Errorf("the web ACL protects %q, want just %s", used.WAFProtects, want)
	}
	if used.NoCSRF != 403 || used.NoCookie != 401 || used.NoCookiePage != 303 {
		t.Errorf("without the CSRF token: %d; without the cookie: a change %d, a page %d", used.NoCSRF, used.NoCookie, used.NoCookiePage)
	}
	if used.SignedOutAt != "/console/signin" || used.AfterSignOut != "/console/signin" {
		t.Errorf("signing out landed on %q, then a page on %q", used.SignedOutAt, used.AfterSignOut)
	}
	if used.ViewerBadge != "read-only" || used.ViewerCreateForm != 0 || !slices.Equal(used.ViewerFound, []string{username}) {
		t.Errorf("the read-only credential: badge %q, create forms %d, found %v", used.ViewerBadge, used.ViewerCreateForm, used.ViewerFound)
	}
	for change, status := range used.ViewerChanges {
		if status != 403 {
			t.Errorf("the read-only credential's %s: %d, want 403", change, status)
		}
	}
	if len(used.ViewerChanges) != 6 || used.ViewerSeesEnabled != "yes" {
		t.Errorf("read-only changes tried %v; the user is still enabled: %q", used.ViewerChanges, used.ViewerSeesEnabled)
	}
	pools, err := idp.ListUserPools(context.Background(), &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)})
	if err != nil || len(pools.UserPools) != 1 {
		t.Errorf("pools after the refused changes: %v %v", pools, err)
	}
	if len(used.Overflows) > 0 {
		t.Errorf("pages wider than the window (cut off): %v", used.Overflows)
	}
	for _, shot := range append(built.Screenshots, used.Screenshots...) {
		if info, err := os.Stat(shot); err != nil || info.Size() == 0 {
			t.Errorf("screenshot %s: %v", shot, err)
		}
	}
	for _, line := range []string{`"msg":"console change","logger":"console","adminKeyId":"` + m.AdminKeyID + `","action":"AdminResetUserPassword"`,
		`"msg":"console change refused","logger":"console","reason":"read-only","action":"AdminDisableUser","adminKeyId":"AKIACONSOLEVIEWER001"`} {
		if !strings.Contains(m.log.String(), line) {
			t.Errorf("the log has no line with %s", line)
		}
	}
	if strings.Contains(m.log.String(), m.AdminSecret) || strings.Contains(m.log.String(), viewerSecret) {
		t.Error("a console secret is in the log")
	}
	t.Logf("screenshots of the console are in %s", shots)
}

func runConsolePhase(t *testing.T, script []string, phase string, env []string, into any) {
	t.Helper()
	resultFile := filepath.Join(t.TempDir(), phase+".json")
	runClientScript(t, script, "", append(env, "MOAT_PHASE="+phase, "MOAT_RESULT="+resultFile)...)
	raw, err := os.ReadFile(resultFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, into); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
}

// fillPool makes n users in the pool through AdminCreateUser, in
// parallel, and says how long it took.
func fillPool(t *testing.T, m *Moat, poolID string, n int) time.Duration {
	t.Helper()
	idp := m.cognito(t)
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	names := make(chan string)
	go func() {
		defer close(names)
		for i := range n {
			names <- fmt.Sprintf("crowd-%04d", i)
		}
	}()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 4 {
		wg.Go(func() {
			for name := range names {
				if err := createCrowdUser(ctx, idp, poolID, name); err != nil {
					select {
					case errs <- err:
					default:
					}
					cancel() // the rest fail fast; the names drain
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("AdminCreateUser: %v", err)
	}
	return time.Since(start).Round(time.Millisecond)
}

// createCrowdUser makes one user, waiting while moat says its password
// hashing is busy (TooManyRequestsException), as a client should.
func createCrowdUser(ctx context.Context, idp *cip.Client, poolID, name string) error {
	for {
		_, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String(name),
			MessageAction: types.MessageActionTypeSuppress, TemporaryPassword: aws.String("Temp-0rary-Pass1")})
		var busy *types.TooManyRequestsException
		if !errors.As(err, &busy) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}
