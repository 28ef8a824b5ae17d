package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	citypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/moat-dev/moat/internal/testenv"
)

// amplifyConfig is an API whose one route takes SigV4 (AWS_IAM) from any
// origin, as a browser app calls it, and the identity pool's two roles,
// both allowed to read it.
func amplifyConfig() string {
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:*:*/prod/GET/notes/*"}]}`
	return `apis:
  - name: notes
    stages: [{name: prod}]
    cors:
      allowOrigins: ["*"]
      allowMethods: [GET]
      allowHeaders: [authorization, content-type, x-amz-date, x-amz-security-token, x-amz-content-sha256, x-amz-user-agent]
    authorizers: [{name: iam, type: AWS_IAM}]
    routes:
      - {method: GET, path: "/notes/{id}", authorizer: iam, integration: {type: mock, body: "a note for you"}}
roles:` + identityRoleYAML("AmplifyMembers", "authenticated", policy) + identityRoleYAML("AmplifyGuests", "unauthenticated", policy) + "\n"
}

// amplifyStep is what one step of amplify_browser.mjs gave: a session, a
// sign-in, a call, or an error.
type amplifyStep struct {
	Error           string         `json:"error"`
	IdentityID      string         `json:"identityId"`
	AccessKeyID     string         `json:"accessKeyId"`
	HasSessionToken bool           `json:"hasSessionToken"`
	IDTokenJTI      string         `json:"idTokenJti"`
	AccessTokenJTI  string         `json:"accessTokenJti"`
	Sub             string         `json:"sub"`
	IsSignedIn      bool           `json:"isSignedIn"`
	NextStep        string         `json:"nextStep"`
	StatusCode      int            `json:"statusCode"`
	Body            string         `json:"body"`
	URL             string         `json:"url"`
	Events          []amplifyEvent `json:"events"`
}

// amplifyEvent is one Hub auth event the page saw.
type amplifyEvent struct {
	Event   string `json:"event"`
	Message string `json:"message"`
}

type amplifyRun struct {
	Steps map[string]amplifyStep `json:"steps"`
	// Targets are the operations the page sent, in order.
	Targets []string `json:"targets"`
	Logs    []string `json:"logs"`
}

// TestAmplifyInBrowser: aws-amplify v6 in headless Chromium, configured
// with userPoolEndpoint and identityPoolEndpoint pointed at moat, signs in
// with SRP, gets identity-pool credentials, calls an AWS_IAM route signed
// with them, refreshes its tokens through GetTokensFromRefreshToken, and
// keeps one identity id across guest → sign-in → sign-out → sign-in. Then
// it signs in through moat's hosted UI with signInWithRedirect (Amplify
// configured with loginWith.oauth, redirectSignIn the page itself), and
// fetchAuthSession gives the hosted sign-in's tokens and identity-pool
// credentials.
//
// Amplify's oauth always speaks https://<domain> (signInWithRedirect and
// its token exchange build the URLs themselves), and moat serves plain
// HTTP behind whatever terminates TLS. The test is that deployment: a TLS
// reverse proxy (net/http/httputil, httptest's certificate) in front of
// the identity listener, its host:port the oauth domain, and Chromium told
// to accept the test certificate (--ignore-certificate-errors).
func TestAmplifyInBrowser(t *testing.T) {
	node := nodeWithClients(t, "aws-amplify", "esbuild", "playwright-core")
	chromium := chromiumPath(t)
	m := startMoat(t, moatOptions{Config: amplifyConfig()})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	appOrigin := "http://" + freeLoopbackAddrs(t, 1)[0]
	userPoolID, clientID, username, password := amplifyUser(t, ctx, m, appOrigin+"/")
	oauthDomain := tlsFrontOf(t, m.IdentityURL)
	providerKey := "cognito-idp.us-east-1.amazonaws.com/" + userPoolID
	poolID := newIdentityPool(t, ctx, m, &ci.CreateIdentityPoolInput{IdentityPoolName: aws.String("notes"), AllowUnauthenticatedIdentities: true,
		CognitoIdentityProviders: []citypes.CognitoIdentityProvider{{ProviderName: aws.String(providerKey), ClientId: aws.String(clientID)}}},
		map[string]string{"authenticated": roleARN("AmplifyMembers"), "unauthenticated": roleARN("AmplifyGuests")})

	out := runClientScript(t, []string{node, "amplify_browser.mjs"}, nodeClientsDir,
		"MOAT_IDENTITY_URL="+m.IdentityURL, "MOAT_API_URL="+m.GatewayURL+"/prod", "MOAT_API_PATH=/notes/1",
		"MOAT_REGION="+m.Region, "MOAT_USER_POOL_ID="+userPoolID, "MOAT_CLIENT_ID="+clientID,
		"MOAT_IDENTITY_POOL_ID="+poolID, "MOAT_USERNAME="+username, "MOAT_PASSWORD="+password, "MOAT_CHROMIUM="+chromium,
		"MOAT_APP_ORIGIN="+appOrigin, "MOAT_OAUTH_DOMAIN="+oauthDomain)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var run amplifyRun
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &run); err != nil {
		t.Fatalf("amplify_browser.mjs printed %q: %v", out, err)
	}
	t.Logf("operations the page sent: %s", strings.Join(run.Targets, " "))
	s := run.Steps
	for name, step := range s {
		if step.Error != "" {
			t.Errorf("step %s: %s", name, step.Error)
		}
	}
	if t.Failed() {
		t.Fatalf("the page's console:\n%s", strings.Join(run.Logs, "\n"))
	}

	guest, signedIn := s["guest"], s["signedIn"]
	if guest.IdentityID == "" || guest.AccessKeyID == "" || guest.IDTokenJTI != "" {
		t.Errorf("guest session %+v: want an identity and credentials, no tokens", guest)
	}
	if in := s["signIn"]; !in.IsSignedIn || in.NextStep != "DONE" {
		t.Errorf("signIn gave %+v, want signed in, next step DONE", in)
	}
	if !slices.Contains(run.Targets, "InitiateAuth") || !slices.Contains(run.Targets, "RespondToAuthChallenge") {
		t.Errorf("the sign-in did not go through SRP (InitiateAuth + RespondToAuthChallenge): %v", run.Targets)
	}
	if signedIn.IDTokenJTI == "" || signedIn.AccessKeyID == "" || !signedIn.HasSessionToken || signedIn.AccessKeyID == guest.AccessKeyID {
		t.Errorf("signed-in session %+v: want tokens and fresh credentials", signedIn)
	}
	if signedIn.IdentityID != guest.IdentityID {
		t.Errorf("the first sign-in from guest %s gave identity %s; the guest identity should become the user's", guest.IdentityID, signedIn.IdentityID)
	}
	for _, name := range []string{"call", "callAfterRefresh"} {
		if c := s[name]; c.StatusCode != 200 || c.Body != "a note for you" {
			t.Errorf("%s: the SigV4 call answered %d %q", name, c.StatusCode, c.Body)
		}
	}
	refreshed := s["refreshed"]
	if !slices.Contains(run.Targets, "GetTokensFromRefreshToken") {
		t.Errorf("fetchAuthSession({forceRefresh: true}) did not call GetTokensFromRefreshToken: %v", run.Targets)
	}
	if refreshed.IDTokenJTI == "" || refreshed.IDTokenJTI == signedIn.IDTokenJTI || refreshed.AccessTokenJTI == signedIn.AccessTokenJTI || refreshed.Sub != signedIn.Sub {
		t.Errorf("refreshed session %+v after %+v: want new tokens for the same user", refreshed, signedIn)
	}
	if again := s["refreshedAgain"]; again.IDTokenJTI == "" || again.IDTokenJTI == refreshed.IDTokenJTI {
		t.Errorf("a second forced refresh (the rotated refresh token) gave %+v", again)
	}
	second, again := s["secondGuest"], s["signedInAgain"]
	if second.IdentityID == "" || second.IdentityID == signedIn.IdentityID || second.IDTokenJTI != "" {
		t.Errorf("after sign-out the guest session %+v should be a new guest identity", second)
	}
	if again.IdentityID != signedIn.IdentityID {
		t.Errorf("signing in again from guest %s gave identity %s, want the user's %s", second.IdentityID, again.IdentityID, signedIn.IdentityID)
	}

	// The hosted UI's sign-in: tokens from the code, for the same user and identity.
	if l := s["hostedLogin"]; l.URL != "https://"+oauthDomain+"/login" {
		t.Errorf("signInWithRedirect went to %q, want moat's sign-in page at https://%s/login", l.URL, oauthDomain)
	}
	if ev := s["redirectEvents"].Events; !slices.ContainsFunc(ev, func(e amplifyEvent) bool { return e.Event == "signInWithRedirect" }) {
		t.Errorf("no signInWithRedirect auth event: %+v", ev)
	}
	redirected := s["redirectSession"]
	if redirected.IDTokenJTI == "" || redirected.IDTokenJTI == again.IDTokenJTI || redirected.AccessTokenJTI == "" || redirected.Sub != signedIn.Sub || redirected.IdentityID != signedIn.IdentityID ||
		redirected.AccessKeyID == "" || !redirected.HasSessionToken {
		t.Errorf("fetchAuthSession after signInWithRedirect: %+v, want the user's tokens, identity %s and credentials", redirected, signedIn.IdentityID)
	}
	if c := s["callAfterRedirect"]; c.StatusCode != 200 {
		t.Errorf("the SigV4 call after signInWithRedirect answered %d %q", c.StatusCode, c.Body)
	}

	// A second device that holds the user's identity id keeps working.
	public := m.identityPools(aws.AnonymousCredentials{})
	idToken := amplifyUserToken(t, ctx, m, clientID, username, password)
	creds, err := public.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: aws.String(signedIn.IdentityID),
		Logins: map[string]string{providerKey: idToken}})
	if err != nil || aws.ToString(creds.IdentityId) != signedIn.IdentityID {
		t.Errorf("the user's identity on a second device: %v, %v", creds, err)
	}
}

// tlsFrontOf is a TLS-terminating reverse proxy in front of target, as a
// load balancer stands in front of moat; it returns the proxy's host:port.
func tlsFrontOf(t *testing.T, target string) string {
	t.Helper()
	to, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewTLSServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(to)
		r.Out.Host = r.In.Host // moat's pages and redirects stay on the https origin
	}})
	t.Cleanup(front.Close)
	return strings.TrimPrefix(front.URL, "https://")
}

// amplifyUser is a pool whose app client allows what Amplify does by
// default (SRP and refresh), rotates refresh tokens and signs in through
// the hosted UI to callback, and a confirmed user.
func amplifyUser(t *testing.T, ctx context.Context, m *Moat, callback string) (poolID, clientID, username, password string) {
	t.Helper()
	idp := m.cognito(t)
	pool, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("amplify")})
	if err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	poolID = aws.ToString(pool.UserPool.Id)
	client, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
		// Rotation on: Amplify keeps the refresh token GetTokensFromRefreshToken returns.
		RefreshTokenRotation:            &types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled, RetryGracePeriodSeconds: aws.Int32(0)},
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid", "email", "profile", "aws.cognito.signin.user.admin"},
		CallbackURLs:       []string{callback}, LogoutURLs: []string{callback}, SupportedIdentityProviders: []string{"COGNITO"}})
	if err != nil {
		t.Fatalf("CreateUserPoolClient: %v", err)
	}
	username, password = "amy-"+testenv.RandomHex(4), "Corr3ct-Horse-"+testenv.RandomHex(4)
	if _, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String(username),
		MessageAction: types.MessageActionTypeSuppress}); err != nil {
		t.Fatalf("AdminCreateUser: %v", err)
	}
	if _, err := idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String(username),
		Password: aws.String(password), Permanent: true}); err != nil {
		t.Fatalf("AdminSetUserPassword: %v", err)
	}
	return poolID, aws.ToString(client.UserPoolClient.ClientId), username, password
}

func amplifyUserToken(t *testing.T, ctx context.Context, m *Moat, clientID, username, password string) string {
	t.Helper()
	out, err := m.cognitoAs(t, aws.AnonymousCredentials{}).InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID),
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": password}})
	if err != nil {
		t.Fatal(fmt.Errorf("InitiateAuth: %w", err))
	}
	return aws.ToString(out.AuthenticationResult.IdToken)
}
