package e2e

import (
	"net"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/moat-dev/moat/internal/sealing"
	"github.com/moat-dev/moat/internal/testenv"
)

// TestBoto3WAFOnUserPool sets up a web ACL denying 127.0.0.2 on a user pool
// with boto3's wafv2 client: InitiateAuth from that address is refused as
// Cognito refuses WAF-blocked calls, and from another it signs in.
func TestBoto3WAFOnUserPool(t *testing.T) {
	python := pythonWithBoto3(t)
	t.Parallel()
	m := startMoat(t, moatOptions{})
	idp := m.cognito(t)
	ctx := t.Context()
	poolID := createPool(t, idp, "waf-pool")
	client, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: &poolID, ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
	if err != nil {
		t.Fatal(err)
	}
	const username, password = "wafuser", "Correct-Horse-9"
	if _, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String(username), MessageAction: types.MessageActionTypeSuppress}); err != nil {
		t.Fatal(err)
	}
	if _, err := idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: aws.String(username), Password: aws.String(password), Permanent: true}); err != nil {
		t.Fatal(err)
	}
	runClientScript(t, []string{python, filepath.Join("clients", "python", "waf_flow.py"), "user-pool"}, "", append(m.adminEnv(),
		"MOAT_REGION="+m.Region,
		"MOAT_POOL_ARN=arn:aws:cognito-idp:"+m.Region+":000000000000:userpool/"+poolID,
		"MOAT_CLIENT_ID="+aws.ToString(client.UserPoolClient.ClientId),
		"MOAT_USERNAME="+username,
		"MOAT_PASSWORD="+password,
	)...)
	// Request log lines are written behind the requests, within 100 ms.
	if !m.log.waitFor(`"msg":"waf"`, `"rule":"deny-caller"`) {
		t.Errorf("no WAF log line for the blocked call")
	}
}

// wafAPIConfig is a REST API whose every GET path on stage prod answers.
const wafAPIConfig = `
apis:
  - name: waf-api
    id: wafapi0001
    type: REST
    stages: [{name: prod}]
    routes:
      - method: GET
        path: /{proxy+}
        integration: {type: mock, body: ok}
`

// TestBoto3WAFOnStage puts a web ACL on a gateway stage with boto3's wafv2
// client and drives it through two replicas sharing PostgreSQL and Redis:
// an IP set blocks one loopback address, the SQLi group blocks an
// injection and passes a clean query, a Count rule counts without
// blocking, and a rate rule of 10 per 60 s refuses a caller's 11th request
// whichever replica it reaches, and not another caller's.
func TestBoto3WAFOnStage(t *testing.T) {
	python := pythonWithBoto3(t)
	t.Parallel()
	_, masterKey := sealing.GenerateMasterKey() // replicas of one database share its master key
	opts := moatOptions{DatabaseURL: testenv.NewPostgresDatabase(t), Config: wafAPIConfig,
		Env: []string{"MOAT_REDIS_URL=" + testenv.RedisURL(), "MOAT_MASTER_KEY=" + masterKey}}
	a := startMoat(t, opts)
	b := startMoat(t, opts)
	runClientScript(t, []string{python, filepath.Join("clients", "python", "waf_flow.py"), "stage"}, "", append(a.adminEnv(),
		"MOAT_REGION="+a.Region,
		"MOAT_STAGE_ARN=arn:aws:apigateway:"+a.Region+"::/restapis/wafapi0001/stages/prod",
		"MOAT_GATEWAY_URLS="+a.GatewayURL+","+b.GatewayURL,
	)...)
}

// wafDeclaredConfig declares a web ACL in the config file, in front of the
// API's stage: the file alone protects the gateway.
const wafDeclaredConfig = wafAPIConfig + `
ipSets:
  - {Name: blocked, IPAddressVersion: IPV4, Addresses: [127.0.0.2/32]}
webACLs:
  - Name: declared
    DefaultAction: {Allow: {}}
    VisibilityConfig: {SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: declared}
    Resources: [arn:aws:apigateway:us-east-1::/restapis/wafapi0001/stages/prod]
    Rules:
      - Name: blocked
        Priority: 0
        Statement: {IPSetReferenceStatement: {ARN: ipset/blocked}}
        Action: {Block: {}}
        VisibilityConfig: {SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: blocked}
`

func TestWebACLDeclaredInTheConfigFile(t *testing.T) {
	t.Parallel()
	m := startMoat(t, moatOptions{Config: wafDeclaredConfig})
	get := func(from string) int {
		client := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}).DialContext}}
		res, err := client.Get(m.GatewayURL + "/prod/items")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := get("127.0.0.2"); got != http.StatusForbidden {
		t.Errorf("from 127.0.0.2: %d, want 403", got)
	}
	if got := get("127.0.0.3"); got != http.StatusOK {
		t.Errorf("from 127.0.0.3: %d, want 200", got)
	}
	m.Restart(t) // applying the file again changes nothing
	if got := get("127.0.0.2"); got != http.StatusForbidden {
		t.Errorf("after a restart, from 127.0.0.2: %d, want 403", got)
	}
}
