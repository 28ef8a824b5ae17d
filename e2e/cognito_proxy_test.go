package e2e

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/moat-dev/moat/internal/sealing"
	"github.com/moat-dev/moat/internal/testenv"
)

// proxyPoolConfig declares the pool behind the proxy: email verified by a
// mailed code, and an app client with a secret that only moat holds.
const proxyPoolConfig = `
trusted-proxies: 127.0.0.1
user-pool-limits:
  signInPerIp: {perMinute: 600, burst: 200}
  signInPerUser: {perMinute: 600, burst: 200}
  signUpPerIp: {perMinute: 600, burst: 200}
userPools:
  - name: shop
    settings:
      AutoVerifiedAttributes: [email]
    clients:
      - name: spa
        settings:
          GenerateSecret: true
          ExplicitAuthFlows: [ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
`

// proxyAPI is the gateway API fronting a pool: its $default stage's POST /
// is the Cognito endpoint public clients are given, passing to upstream for
// client (a YAML flow mapping), each user 10 calls a minute; extra is more
// of the integration's settings.
func proxyAPI(upstream, client, extra string) string {
	return `
apis:
  - name: cognito
    routes:
      - method: POST
        path: /
        integration:
          type: cognito_idp
          upstream: ` + upstream + `
          clients: [` + client + `]
          userLimit: {perMinute: 10, burst: 10}
` + extra
}

// TestCognitoProxyForPublicClients is issue 17's acceptance for the
// Cognito proxy: amazon-cognito-identity-js and aws-amplify sign up,
// confirm, sign in with SRP and refresh through the gateway with a client
// that has a secret, holding none; the identity listener itself refuses the same
// calls; admin operations do not pass; one user's budget holds across
// addresses; sealed tokens work only through the proxy.
func TestCognitoProxyForPublicClients(t *testing.T) {
	node := nodeWithClients(t)
	hook := newHookReceiver(t)
	events := eventsConfig(hook.URL, nil, "")
	m, sink := startMoatWithMail(t, moatOptions{Config: events + proxyPoolConfig, Env: []string{"MOAT_E2E_HOOK_SECRET=" + webhookSecret}})
	admin := m.cognito(t)
	poolID, clientID, secret := declaredClient(t, admin, "shop", "spa")
	secretFile := filepath.Join(t.TempDir(), "spa-secret")
	if err := os.WriteFile(secretFile, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	m.options.Config = events + proxyPoolConfig + proxyAPI("moat", `{clientId: "${userPoolClient:shop/spa}", secretFromFile: "`+secretFile+`"}`, "          sealTokens: true\n")
	m.Restart(t)
	t.Cleanup(func() {
		if strings.Contains(m.log.String(), secret) {
			t.Error("moat's log holds the client secret")
		}
	})

	out := runClientScript(t, []string{node, "cognito_proxy.mjs"}, nodeClientsDir,
		"MOAT_PROXY_URL="+m.GatewayURL+"/",
		"MOAT_IDENTITY_URL="+m.IdentityURL,
		"MOAT_USER_POOL_ID="+poolID,
		"MOAT_CLIENT_ID="+clientID,
		"MOAT_MAILBOX_URL="+serveMailbox(t, sink),
	)
	runClientScript(t, []string{node, "amplify_proxy.mjs"}, nodeClientsDir,
		"MOAT_PROXY_URL="+m.GatewayURL+"/",
		"MOAT_USER_POOL_ID="+poolID,
		"MOAT_CLIENT_ID="+clientID,
		"MOAT_MAILBOX_URL="+serveMailbox(t, sink),
	)
	// Amplify's signOut revokes its refresh token: the wrapped one, opened
	// by the proxy, with the client's secret added.
	if !strings.Contains(m.log.String(), `"operation":"RevokeToken","status":200`) {
		t.Error("Amplify's signOut did not revoke its refresh token through the proxy")
	}
	var handedOut struct{ Username, AccessToken, RefreshToken string }
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "{") {
			_ = json.Unmarshal([]byte(line), &handedOut)
		}
	}
	if handedOut.AccessToken == "" {
		t.Fatalf("the client script printed no tokens:\n%s", out)
	}

	t.Run("the pool's own events, once", func(t *testing.T) {
		// In front of a moat pool the proxy records nothing: the pool's
		// own events are the only ones.
		want := []string{"User Signed Up", "User Confirmed", "User Password Reset", "User Signed In"}
		var life []string
		waitUntil(t, "the pool's events", func() bool {
			life = nil
			for _, e := range hook.events() {
				var d struct{ Username string }
				_ = json.Unmarshal(e.Detail, &d)
				if e.Source != "moat.cognito-idp" {
					t.Fatalf("an event from %s: %s", e.Source, e.DetailType)
				}
				if d.Username == handedOut.Username {
					life = append(life, e.DetailType)
				}
			}
			return len(life) >= len(want)
		})
		if strings.Join(life, "|") != strings.Join(want, "|") {
			t.Errorf("the webhook got %v, want %v", life, want)
		}
	})

	proxied := proxyClient(t, m, aws.AnonymousCredentials{})
	t.Run("sealed tokens work only through the proxy", func(t *testing.T) {
		if _, err := proxied.GetUser(t.Context(), &cip.GetUserInput{AccessToken: &handedOut.AccessToken}); err != nil {
			t.Errorf("GetUser through the proxy: %v", err)
		}
		direct := m.cognitoAs(t, aws.AnonymousCredentials{})
		_, err := direct.GetUser(t.Context(), &cip.GetUserInput{AccessToken: &handedOut.AccessToken})
		requireAPIError[*types.NotAuthorizedException](t, err, "")
		_, err = direct.InitiateAuth(t.Context(), &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
			AuthParameters: map[string]string{"REFRESH_TOKEN": handedOut.RefreshToken, "SECRET_HASH": secretHash(secret, handedOut.Username, clientID)}})
		requireAPIError[*types.NotAuthorizedException](t, err, "")
	})

	t.Run("admin and signed operations do not pass", func(t *testing.T) {
		signed := proxyClient(t, m, credentials.NewStaticCredentialsProvider(m.AdminKeyID, m.AdminSecret, ""))
		_, err := signed.AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("intruder")})
		requireAPIError[*types.NotAuthorizedException](t, err, "AdminCreateUser is not allowed through this proxy.")
		_, err = signed.ListUsers(t.Context(), &cip.ListUsersInput{UserPoolId: &poolID})
		requireAPIError[*types.NotAuthorizedException](t, err, "ListUsers is not allowed through this proxy.")
		if _, err := admin.AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("intruder")}); err == nil {
			t.Error("AdminCreateUser through the proxy created the user")
		}
	})

	t.Run("one user's budget holds across addresses", func(t *testing.T) {
		// userLimit is 10 a minute with a burst of 10: the 11th call for a
		// user is refused, from whichever address it comes.
		var passed, refused int
		for i := range 14 {
			got := proxyCall(t, loopbackClient(net.IPv4(127, 0, 0, byte(20+i))), m.GatewayURL, "InitiateAuth",
				`{"ClientId":"`+clientID+`","AuthFlow":"USER_SRP_AUTH","AuthParameters":{"USERNAME":"budget-user","SRP_A":"`+srpA+`"}}`)
			switch got {
			case "TooManyRequestsException":
				refused++
			case "", "UserNotFoundException", "NotAuthorizedException":
				passed++ // the upstream answered
			default:
				t.Fatalf("call %d: %s", i, got)
			}
		}
		t.Logf("one user from 14 addresses: %d calls passed, %d refused", passed, refused)
		if passed < 10 || passed > 11 || refused == 0 {
			t.Errorf("%d calls passed and %d were refused; want 10 (or 11, one refilled) and the rest refused", passed, refused)
		}
		if got := proxyCall(t, loopbackClient(net.IPv4(127, 0, 0, 20)), m.GatewayURL, "InitiateAuth",
			`{"ClientId":"`+clientID+`","AuthFlow":"USER_SRP_AUTH","AuthParameters":{"USERNAME":"another-user","SRP_A":"`+srpA+`"}}`); got == "TooManyRequestsException" {
			t.Error("another user from the same address was refused: the limit is not per user")
		}
	})
}

// srpA is a valid SRP A (g^1 mod N), enough for the upstream to answer.
const srpA = "2"

// declaredClient finds a pool and client the config file declares, with the
// client's secret.
func declaredClient(t *testing.T, c *cip.Client, pool, client string) (poolID, clientID, secret string) {
	t.Helper()
	pools, err := c.ListUserPools(t.Context(), &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pools.UserPools {
		if aws.ToString(p.Name) == pool {
			poolID = aws.ToString(p.Id)
		}
	}
	clients, err := c.ListUserPoolClients(t.Context(), &cip.ListUserPoolClientsInput{UserPoolId: &poolID})
	if err != nil {
		t.Fatal(err)
	}
	for _, cl := range clients.UserPoolClients {
		if aws.ToString(cl.ClientName) == client {
			clientID = aws.ToString(cl.ClientId)
		}
	}
	d, err := c.DescribeUserPoolClient(t.Context(), &cip.DescribeUserPoolClientInput{UserPoolId: &poolID, ClientId: &clientID})
	if err != nil {
		t.Fatal(err)
	}
	return poolID, clientID, aws.ToString(d.UserPoolClient.ClientSecret)
}

// proxyClient is an SDK client whose Cognito endpoint is the gateway's proxy.
func proxyClient(t *testing.T, m *Moat, creds aws.CredentialsProvider) *cip.Client {
	return cip.New(cip.Options{Region: m.Region, BaseEndpoint: aws.String(m.GatewayURL), Credentials: creds, RetryMaxAttempts: 1, HTTPClient: sdkHTTPClient})
}

// proxyCall posts one Cognito call and returns the answer's __type ("" on success).
func proxyCall(t *testing.T, client *http.Client, url, op, body string) string {
	t.Helper()
	resp, err := client.Do(newCognitoRequest(t, url, op, []byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var answer struct {
		Type string `json:"__type"`
	}
	_ = json.Unmarshal(raw, &answer)
	return answer.Type
}

// TestCognitoProxyEventsInFrontOfAnotherCognito: in front of a pool that is
// not this moat's (here a second moat standing in for Amazon Cognito), the
// proxy records every change a call makes in this moat's outbox, and the
// webhook gets them in order, with no secret in them.
func TestCognitoProxyEventsInFrontOfAnotherCognito(t *testing.T) {
	upstream, sink := startMoatWithMail(t, moatOptions{Config: proxyPoolConfig})
	poolID, clientID, secret := declaredClient(t, upstream.cognito(t), "shop", "spa")
	if _, err := upstream.cognito(t).UpdateUserPoolClient(t.Context(), &cip.UpdateUserPoolClientInput{UserPoolId: &poolID, ClientId: &clientID,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}); err != nil {
		t.Fatal(err)
	}
	secretFile := filepath.Join(t.TempDir(), "spa-secret")
	if err := os.WriteFile(secretFile, []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	hook := newHookReceiver(t)
	m := startMoat(t, moatOptions{Env: []string{"MOAT_E2E_HOOK_SECRET=" + webhookSecret},
		Config: eventsConfig(hook.URL, nil, "") + proxyAPI(upstream.IdentityURL, `{clientId: `+clientID+`, secretFromFile: "`+secretFile+`"}`, "")})

	c := proxyClient(t, m, aws.AnonymousCredentials{})
	const user, email = "quinn", "quinn@example.com"
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s through the proxy: %v", what, err)
		}
	}
	up, err := c.SignUp(t.Context(), &cip.SignUpInput{ClientId: &clientID, Username: aws.String(user), Password: aws.String("First-Pass-1"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(email)}}})
	step("SignUp", err)
	code := codeFrom(t, sink, email)
	_, err = c.ConfirmSignUp(t.Context(), &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String(user), ConfirmationCode: &code})
	step("ConfirmSignUp", err)
	tokens, err := signInWith(t, c, clientID, user, "First-Pass-1")
	step("sign-in", err)
	_, err = c.InitiateAuth(t.Context(), &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": aws.ToString(tokens.RefreshToken)}})
	step("refresh", err)
	_, err = c.ChangePassword(t.Context(), &cip.ChangePasswordInput{AccessToken: tokens.AccessToken,
		PreviousPassword: aws.String("First-Pass-1"), ProposedPassword: aws.String("Second-Pass-2")})
	step("ChangePassword", err)
	_, err = c.GlobalSignOut(t.Context(), &cip.GlobalSignOutInput{AccessToken: tokens.AccessToken})
	step("GlobalSignOut", err)

	want := []string{"User Signed Up", "User Confirmed", "User Signed In", "User Password Changed", "User Signed Out Globally"}
	var life []string
	waitUntil(t, "the proxy's events", func() bool {
		life = nil
		for _, e := range hook.events() {
			raw, _ := json.Marshal(e)
			for _, s := range []string{secret, "First-Pass-1", "Second-Pass-2", code, aws.ToString(tokens.AccessToken), aws.ToString(tokens.RefreshToken)} {
				if strings.Contains(string(raw), s) {
					t.Fatalf("event %s carries a secret: %s", e.DetailType, raw)
				}
			}
			var d struct{ Username, Sub string }
			_ = json.Unmarshal(e.Detail, &d)
			if e.Source != "moat.cognito-proxy" || d.Username != user {
				t.Fatalf("an event of another source or user: %s", raw)
			}
			if e.DetailType != "User Signed Up" && e.DetailType != "User Confirmed" && d.Sub != aws.ToString(up.UserSub) {
				t.Errorf("%s names sub %q, want %q", e.DetailType, d.Sub, aws.ToString(up.UserSub))
			}
			life = append(life, e.DetailType)
		}
		return len(life) >= len(want)
	})
	if strings.Join(life, "|") != strings.Join(want, "|") {
		t.Errorf("the webhook got\n %v\nwant\n %v", life, want)
	}

	// Unsealed, an access token's sub names a budget once the upstream
	// pool's signature proves it: quinn's calls with the real token, from
	// many addresses, run out; a forged token naming quinn is refused as
	// forged rather than spending (or being refused by) quinn's budget.
	getUser := `{"AccessToken":"` + aws.ToString(tokens.AccessToken) + `"}`
	var refused int
	for i := range 12 {
		if proxyCall(t, loopbackClient(net.IPv4(127, 0, 0, byte(40+i))), m.GatewayURL, "GetUser", getUser) == "TooManyRequestsException" {
			refused++
		}
	}
	if refused == 0 {
		t.Error("12 calls with one user's token from 12 addresses were never limited")
	}
	parts := strings.Split(aws.ToString(tokens.AccessToken), ".")
	forged := parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2]))
	if _, body := do(t, newCognitoRequest(t, m.GatewayURL, "GetUser", []byte(`{"AccessToken":"`+forged+`"}`))); !strings.Contains(string(body), `"Invalid Access Token"`) {
		t.Errorf("a forged token naming a user whose budget is spent: %s", body)
	}
}

// TestCognitoProxyLimitAcrossReplicas: with Redis, one user's budget holds
// across two moat replicas as well as across addresses.
func TestCognitoProxyLimitAcrossReplicas(t *testing.T) {
	t.Parallel()
	_, masterKey := sealing.GenerateMasterKey() // replicas of one database share its master key
	opts := moatOptions{DatabaseURL: testenv.NewPostgresDatabase(t),
		Env: []string{"MOAT_REDIS_URL=" + testenv.RedisURL(), "MOAT_MASTER_KEY=" + masterKey},
		Config: `
user-pool-limits:          # the pool's own limits out of the way: only the proxy's is measured
  signInPerIp: {perMinute: 600, burst: 200}
  signInPerUser: {perMinute: 600, burst: 200}
userPools:
  - name: shop
    clients:
      - name: app
        settings: {ExplicitAuthFlows: [ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH]}
` + proxyAPI("moat", `{clientId: "${userPoolClient:shop/app}"}`, "")}
	replicas := []*Moat{startMoat(t, opts), startMoat(t, opts)}
	_, clientID, _ := declaredClient(t, replicas[0].cognito(t), "shop", "app")
	user := "replicated-" + testenv.RandomHex(4) // Redis outlives the test: a budget of its own
	var passed, refused int
	for i := range 14 {
		got := proxyCall(t, loopbackClient(net.IPv4(127, 0, 0, byte(60+i))), replicas[i%2].GatewayURL, "InitiateAuth",
			`{"ClientId":"`+clientID+`","AuthFlow":"USER_SRP_AUTH","AuthParameters":{"USERNAME":"`+user+`","SRP_A":"`+srpA+`"}}`)
		if got == "TooManyRequestsException" {
			refused++
		} else {
			passed++
		}
	}
	t.Logf("one user through two replicas from 14 addresses: %d calls passed, %d refused", passed, refused)
	if passed < 10 || passed > 11 || refused == 0 {
		t.Errorf("%d calls passed and %d were refused; want 10 (or 11, one refilled) across both replicas", passed, refused)
	}
}
