package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
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

// TestOIDCFederationInBrowser: a second moat pool is an outside OIDC
// provider for the first. In Chromium, the first pool's sign-in page
// offers it, its own hosted page signs the user in, and the first pool
// issues a code; the pool's InboundFederation function (Python) sees what
// the provider sent and adds an attribute; the federated user exists with
// mapped attributes, and its ID token is the user-pool login an identity
// pool takes.
func TestOIDCFederationInBrowser(t *testing.T) {
	node := nodeWithClients(t)
	chromium := chromiumPath(t)
	m := startMoat(t, moatOptions{Config: identityPoolRoles + lambdaExecRole})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	idp := m.cognito(t)
	callback := "http://" + freeLoopbackAddrs(t, 1)[0] + "/callback"

	// The outside provider: a pool with a client whose callback is moat's
	// /oauth2/idpresponse, and its user.
	corp := newHostedPool(t, m, m.IdentityURL+"/oauth2/idpresponse", types.OAuthFlowTypeCode)
	app := createPool(t, idp, "app")
	if _, err := idp.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: aws.String(app), ProviderName: aws.String("Corp"),
		ProviderType: types.IdentityProviderTypeTypeOidc,
		ProviderDetails: map[string]string{"client_id": corp.clientID, "client_secret": corp.secret, "oidc_issuer": m.IdentityURL + "/" + corp.poolID,
			"authorize_scopes": "openid email profile", "attributes_request_method": "GET"},
		AttributeMapping: map[string]string{"email": "email"}}); err != nil {
		t.Fatalf("CreateIdentityProvider: %v", err)
	}
	// The app's InboundFederation function (Python, through the Lambda API)
	// gives the user a team from what the provider sent.
	events := t.TempDir()
	code := readFile(t, writeZip(t, filepath.Join(t.TempDir(), "inbound.zip"), map[string]string{"lambda_function.py": inboundFederationHandler}))
	function := createEventRecorder(t, m, "inbound", "python3.12", "lambda_function.handler", code, events)
	if _, err := idp.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: aws.String(app), LambdaConfig: &types.LambdaConfigType{
		InboundFederation: &types.InboundFederationLambdaType{LambdaArn: &function, LambdaVersion: types.InboundFederationLambdaVersionTypeV10}}}); err != nil {
		t.Fatalf("UpdateUserPool with InboundFederation: %v", err)
	}
	listed, err := idp.ListIdentityProviders(ctx, &cip.ListIdentityProvidersInput{UserPoolId: aws.String(app), MaxResults: aws.Int32(10)})
	if err != nil || len(listed.Providers) != 1 || aws.ToString(listed.Providers[0].ProviderName) != "Corp" {
		t.Fatalf("ListIdentityProviders: %+v %v", listed, err)
	}
	client, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(app), ClientName: aws.String("app"),
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{callback}, SupportedIdentityProviders: []string{"COGNITO", "Corp"}})
	if err != nil {
		t.Fatalf("CreateUserPoolClient: %v", err)
	}
	clientID := aws.ToString(client.UserPoolClient.ClientId)
	// The app's pool wears its own look (SetUICustomization), screenshot below.
	if _, err := idp.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: aws.String(app),
		CSS: aws.String(".banner-customizable { background-color: #2d1b4e; color: #f3e8ff; padding: 0.75rem; border-radius: 0.5rem; }\n" +
			".submitButton-customizable { background-color: #7b2cbf; border-color: #7b2cbf; }\n.idpButton-customizable { color: #7b2cbf; border-color: #7b2cbf; }"),
		ImageFile: pngLogo(t)}); err != nil {
		t.Fatalf("SetUICustomization: %v", err)
	}

	resultFile := filepath.Join(t.TempDir(), "result.json")
	authorize := m.IdentityURL + "/oauth2/authorize?" + url.Values{"response_type": {"code"}, "client_id": {clientID},
		"redirect_uri": {callback}, "scope": {"openid email"}}.Encode()
	runClientScript(t, []string{node, filepath.Join(nodeClientsDir, "federation_browser.mjs")}, "",
		"MOAT_AUTHORIZE_URL="+authorize, "MOAT_CALLBACK="+callback, "MOAT_PROVIDER=Corp",
		"MOAT_USERNAME="+corp.username, "MOAT_PASSWORD="+corp.password, "MOAT_RESULT="+resultFile,
		"MOAT_SCREENSHOTS="+artifactDir(t), "MOAT_CHROMIUM="+chromium)
	raw, err := os.ReadFile(resultFile)
	if err != nil {
		t.Fatal(err)
	}
	var result struct{ Callback, OutsideURL string }
	if err := json.Unmarshal(raw, &result); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(result.OutsideURL, "client_id="+corp.clientID) {
		t.Fatalf("the provider's page was %s", result.OutsideURL)
	}
	cb, _ := url.Parse(result.Callback)
	form := url.Values{"grant_type": {"authorization_code"}, "code": {cb.Query().Get("code")}, "redirect_uri": {callback}, "client_id": {clientID}}
	res, err := http.PostForm(m.IdentityURL+"/oauth2/token", form)
	if err != nil {
		t.Fatal(err)
	}
	var tokens map[string]any
	json.NewDecoder(res.Body).Decode(&tokens)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("token: %d %v", res.StatusCode, tokens)
	}
	idToken := tokens["id_token"].(string)
	claims := testenv.JWTClaims(t, idToken)
	username, _ := claims["cognito:username"].(string)
	groups, _ := claims["cognito:groups"].([]any)
	if !strings.HasPrefix(username, "Corp_") || claims["email"] != corp.username+"@example.com" || !slices.Contains(groups, any(app+"_Corp")) {
		t.Fatalf("the federated ID token: %v", claims)
	}
	user, err := idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(app), Username: aws.String(username)})
	if err != nil || user.UserStatus != types.UserStatusTypeExternalProvider {
		t.Fatalf("AdminGetUser: %+v %v", user, err)
	}
	// The user the pool keeps has the mapped attribute, names its provider,
	// and has the team the InboundFederation function gave it.
	attrs := attributeMap(user.UserAttributes)
	if attrs["email"] != corp.username+"@example.com" || !strings.Contains(attrs["identities"], `"providerName":"Corp"`) ||
		attrs["custom:team"] != "Corp-"+corp.username {
		t.Fatalf("the federated user's attributes: %v", attrs)
	}
	var inbound struct {
		TriggerSource, UserName string
		Request                 struct {
			ProviderName, ProviderType string
			Attributes                 struct{ TokenResponse, IDToken, UserInfo map[string]string }
		}
	}
	if err := json.Unmarshal(readFile(t, filepath.Join(events, "inbound.json")), &inbound); err != nil ||
		inbound.TriggerSource != "InboundFederation_ExternalProvider" || inbound.UserName != username || inbound.Request.ProviderType != "OIDC" ||
		inbound.Request.Attributes.TokenResponse["access_token"] == "" || inbound.Request.Attributes.IDToken["email"] != corp.username+"@example.com" {
		t.Fatalf("the InboundFederation event %+v (%v)", inbound, err)
	}

	// The identity pool takes the federated user's ID token as the user-pool login.
	public := m.identityPools(aws.AnonymousCredentials{})
	key := "cognito-idp.us-east-1.amazonaws.com/" + app
	poolID := newIdentityPool(t, ctx, m, &ci.CreateIdentityPoolInput{IdentityPoolName: aws.String("app"),
		CognitoIdentityProviders: []citypes.CognitoIdentityProvider{{ProviderName: aws.String(key), ClientId: aws.String(clientID)}}},
		map[string]string{"authenticated": roleARN("signed-in")})
	id, err := public.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(poolID), Logins: map[string]string{key: idToken}})
	if err != nil {
		t.Fatalf("GetId with the federated token: %v", err)
	}
	creds, err := public.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: id.IdentityId, Logins: map[string]string{key: idToken}})
	if err != nil || aws.ToString(creds.Credentials.AccessKeyId) == "" {
		t.Fatalf("GetCredentialsForIdentity with the federated token: %v", err)
	}
}

// inboundFederationHandler is an InboundFederation function: it writes its
// event to $EVENTS_DIR/inbound.json and keeps the email, adding a team
// named for the provider and the provider's username.
const inboundFederationHandler = `import json, os

def handler(event, context):
    with open(os.path.join(os.environ["EVENTS_DIR"], "inbound.json"), "w") as f:
        json.dump(event, f)
    claims = event["request"]["attributes"]["idToken"]
    event["response"]["userAttributesToMap"] = {"email": claims["email"],
        "custom:team": event["request"]["providerName"] + "-" + claims["cognito:username"]}
    return event
`

// pngLogo is a small PNG: a purple square with a lighter border.
func pngLogo(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 48, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 48; x++ {
			c := color.RGBA{R: 0x7b, G: 0x2c, B: 0xbf, A: 0xff}
			if x < 4 || y < 4 || x > 43 || y > 43 {
				c = color.RGBA{R: 0xe0, G: 0xc3, B: 0xfc, A: 0xff}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
