package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/moat-dev/moat/internal/testenv"
)

// hostedPool is a pool with an OAuth app client and two users: one
// confirmed, one with a temporary password.
type hostedPool struct {
	poolID, clientID, secret string
	username, password       string
	tempUser, tempPassword   string
}

func newHostedPool(t *testing.T, m *Moat, callback string, flows ...types.OAuthFlowType) hostedPool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	idp := m.cognito(t)
	pool, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("Dragons"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		Schema:                 []types.SchemaAttributeType{{Name: aws.String("email"), Required: aws.Bool(true), Mutable: aws.Bool(true)}}})
	if err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	h := hostedPool{poolID: aws.ToString(pool.UserPool.Id), username: "alice-" + testenv.RandomHex(3), password: "Corr3ct-Horse-" + testenv.RandomHex(3),
		tempUser: "bob-" + testenv.RandomHex(3), tempPassword: "Temp-0rary-" + testenv.RandomHex(3)}
	client, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(h.poolID), ClientName: aws.String("Dragon Tracker"), GenerateSecret: true,
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: flows,
		AllowedOAuthScopes:         []string{"openid", "email", "profile"},
		CallbackURLs:               []string{callback},
		SupportedIdentityProviders: []string{"COGNITO"},
	})
	if err != nil {
		t.Fatalf("CreateUserPoolClient: %v", err)
	}
	h.clientID, h.secret = aws.ToString(client.UserPoolClient.ClientId), aws.ToString(client.UserPoolClient.ClientSecret)
	for _, u := range []struct{ name, temp string }{{h.username, "Temp-0rary-" + testenv.RandomHex(3)}, {h.tempUser, h.tempPassword}} {
		if _, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(h.poolID), Username: aws.String(u.name),
			TemporaryPassword: aws.String(u.temp), MessageAction: types.MessageActionTypeSuppress,
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(u.name + "@example.com")},
				{Name: aws.String("email_verified"), Value: aws.String("true")}}}); err != nil {
			t.Fatalf("AdminCreateUser: %v", err)
		}
	}
	if _, err := idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(h.poolID), Username: aws.String(h.username),
		Password: aws.String(h.password), Permanent: true}); err != nil {
		t.Fatalf("AdminSetUserPassword: %v", err)
	}
	return h
}

// TestOpenIDClientInBrowser: openid-client (npm, pinned) performs the code
// grant with PKCE against the real binary, the sign-in page filled in
// headless Chromium; it validates the ID token (issuer, audience, nonce),
// calls userInfo, refreshes and revokes, after which the refresh token is
// refused. go-oidc then verifies the same ID token from discovery alone.
// Every hosted page is screenshot at a desktop and a phone width.
func TestOpenIDClientInBrowser(t *testing.T) {
	node := nodeWithClients(t)
	chromium := chromiumPath(t)
	m := startMoat(t, moatOptions{})
	callback := "http://" + freeLoopbackAddrs(t, 1)[0] + "/callback"
	h := newHostedPool(t, m, callback, types.OAuthFlowTypeCode)
	issuer := m.IdentityURL + "/" + h.poolID
	resultFile := filepath.Join(t.TempDir(), "result.json")
	runClientScript(t, []string{node, filepath.Join(nodeClientsDir, "oidc_browser.mjs")}, "",
		"MOAT_ISSUER="+issuer, "MOAT_CLIENT_ID="+h.clientID, "MOAT_CLIENT_SECRET="+h.secret, "MOAT_CALLBACK="+callback,
		"MOAT_USERNAME="+h.username, "MOAT_PASSWORD="+h.password, "MOAT_TEMP_USERNAME="+h.tempUser, "MOAT_TEMP_PASSWORD="+h.tempPassword,
		"MOAT_RESULT="+resultFile, "MOAT_SCREENSHOTS="+artifactDir(t), "MOAT_CHROMIUM="+chromium)
	raw, err := os.ReadFile(resultFile)
	if err != nil {
		t.Fatal(err)
	}
	var result struct {
		IDToken              string         `json:"idToken"`
		Claims               map[string]any `json:"claims"`
		Userinfo             map[string]any `json:"userinfo"`
		Refreshed            map[string]bool
		RefreshAfterRevoke   string   `json:"refreshAfterRevoke"`
		WrongPasswordMessage string   `json:"wrongPasswordMessage"`
		WeakPasswordMessage  string   `json:"weakPasswordMessage"`
		ConfirmHeading       string   `json:"confirmHeading"`
		ResetHeading         string   `json:"resetHeading"`
		NewPasswordHeading   string   `json:"newPasswordHeading"`
		Screenshots          []string `json:"screenshots"`
		BadRedirect          struct {
			Status int    `json:"status"`
			URL    string `json:"url"`
		} `json:"badRedirect"`
	}
	if err := json.Unmarshal(raw, &result); err != nil {
		t.Fatal(err)
	}
	if result.Claims["iss"] != issuer || result.Claims["aud"] != h.clientID || result.Claims["cognito:username"] != h.username {
		t.Errorf("ID token claims: %v", result.Claims)
	}
	if result.Userinfo["email"] != h.username+"@example.com" || result.Userinfo["sub"] != result.Claims["sub"] {
		t.Errorf("userInfo: %v", result.Userinfo)
	}
	if !result.Refreshed["hasAccessToken"] || !result.Refreshed["hasIdToken"] || result.RefreshAfterRevoke != "invalid_grant" {
		t.Errorf("refresh %v, after revocation %q", result.Refreshed, result.RefreshAfterRevoke)
	}
	for name, got := range map[string][2]string{
		"wrong password": {result.WrongPasswordMessage, "Incorrect username or password."},
		"weak password":  {result.WeakPasswordMessage, "Password did not conform with policy"},
		"confirm page":   {result.ConfirmHeading, "Confirm your account"},
		"reset page":     {result.ResetHeading, "Reset your password"},
		"new password":   {result.NewPasswordHeading, "Change password"},
	} {
		if !strings.Contains(got[0], got[1]) {
			t.Errorf("%s: %q, want %q", name, got[0], got[1])
		}
	}
	if result.BadRedirect.Status != 400 || !strings.HasPrefix(result.BadRedirect.URL, m.IdentityURL+"/error?error=redirect_mismatch") {
		t.Errorf("an unregistered redirect_uri: %+v", result.BadRedirect)
	}
	if len(result.Screenshots) != 18 {
		t.Errorf("screenshots: %v", result.Screenshots)
	}
	for _, shot := range result.Screenshots {
		if info, err := os.Stat(shot); err != nil || info.Size() == 0 {
			t.Errorf("screenshot %s: %v", shot, err)
		}
	}

	ctx := context.Background()
	provider, err := oidc.NewProvider(ctx, issuer)
	if err != nil {
		t.Fatal(err)
	}
	idToken, err := provider.Verifier(&oidc.Config{ClientID: h.clientID}).Verify(ctx, result.IDToken)
	if err != nil {
		t.Fatalf("go-oidc: %v", err)
	}
	if idToken.Nonce == "" || idToken.Issuer != issuer {
		t.Errorf("go-oidc's view of the ID token: nonce %q issuer %q", idToken.Nonce, idToken.Issuer)
	}
	t.Log(fmt.Sprintf("screenshots of the hosted pages are in %s", artifactDir(t)))
}

// TestImplicitGrantClassicDemo: the implicit grant from the hosted page to
// a static callback.html that reads the ID token from the fragment and
// calls a gateway route behind a COGNITO_USER_POOLS authorizer: 200.
func TestImplicitGrantClassicDemo(t *testing.T) {
	node := nodeWithClients(t)
	chromium := chromiumPath(t)
	m := startMoat(t, moatOptions{})
	callbackOrigin := "http://" + freeLoopbackAddrs(t, 1)[0]
	callback := callbackOrigin + "/callback.html"
	h := newHostedPool(t, m, callback, types.OAuthFlowTypeImplicit)
	m.options.Config = fmt.Sprintf(`apis:
  - name: dragons
    basePath: /demo
    authorizers:
      - {name: pool, type: COGNITO_USER_POOLS, userPools: [%[1]q]}
    cors: {allowOrigins: [%[2]q], allowMethods: [GET], allowHeaders: [Authorization]}
    routes:
      - {method: GET, path: /dragons, authorizer: pool, integration: {type: mock, body: '{"dragons":["Smaug"]}'}}
`, h.poolID, callbackOrigin)
	m.Restart(t)
	api := m.GatewayURL + "/demo/dragons"
	authorize := m.IdentityURL + "/oauth2/authorize?" + url.Values{"response_type": {"token"}, "client_id": {h.clientID},
		"redirect_uri": {callback}, "scope": {"openid email"}}.Encode()
	resultFile := filepath.Join(t.TempDir(), "result.json")
	runClientScript(t, []string{node, filepath.Join(nodeClientsDir, "implicit_demo.mjs")}, "",
		"MOAT_AUTHORIZE_URL="+authorize, "MOAT_CALLBACK="+callback, "MOAT_API_URL="+api,
		"MOAT_USERNAME="+h.username, "MOAT_PASSWORD="+h.password, "MOAT_RESULT="+resultFile,
		"MOAT_SCREENSHOT="+filepath.Join(artifactDir(t), "implicit-demo-callback.png"), "MOAT_CHROMIUM="+chromium)
	raw, err := os.ReadFile(resultFile)
	if err != nil {
		t.Fatal(err)
	}
	var result struct {
		Status int    `json:"status"`
		Body   string `json:"body"`
	}
	if err := json.Unmarshal(raw, &result); err != nil || result.Status != 200 || !strings.Contains(result.Body, "Smaug") {
		t.Fatalf("the callback page's API call: %s (%v)", raw, err)
	}
}
