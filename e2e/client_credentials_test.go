package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/moat-dev/moat/internal/testenv"
)

// machineClient is an app client with a secret allowed the client_credentials grant.
type machineClient struct{ id, secret string }

func createMachineClient(t *testing.T, ctx context.Context, idp *cip.Client, poolID string, scopes ...string) machineClient {
	t.Helper()
	out, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("machine"),
		GenerateSecret: true, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeClientCredentials},
		AllowedOAuthScopes: scopes})
	if err != nil {
		t.Fatalf("CreateUserPoolClient for client_credentials: %v", err)
	}
	return machineClient{aws.ToString(out.UserPoolClient.ClientId), aws.ToString(out.UserPoolClient.ClientSecret)}
}

// clientCredentials asks moat's token endpoint for a client_credentials token.
func clientCredentials(t *testing.T, m *Moat, c machineClient, scope string) (int, map[string]any) {
	t.Helper()
	form := url.Values{}
	if scope != "" {
		form.Set("scope", scope)
	}
	return clientCredentialsWith(t, m, c, form)
}

// clientCredentialsWith asks for a client_credentials token with form's
// parameters besides the grant type.
func clientCredentialsWith(t *testing.T, m *Moat, c machineClient, form url.Values) (int, map[string]any) {
	t.Helper()
	form.Set("grant_type", "client_credentials")
	req, _ := http.NewRequest(http.MethodPost, m.IdentityURL+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(c.id, c.secret)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body map[string]any
	json.NewDecoder(res.Body).Decode(&body)
	return res.StatusCode, body
}

// TestClientCredentialsWithResourceServerScopes: a resource server's scope
// in a client_credentials token opens a JWT-authorized route (and a
// COGNITO_USER_POOLS one) that requires it; a token without it gets 403.
func TestClientCredentialsWithResourceServerScopes(t *testing.T) {
	m := startMoat(t, moatOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	idp := m.cognito(t)
	poolID := createPool(t, idp, "machines")
	if _, err := idp.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: aws.String(poolID), Identifier: aws.String("dragons"),
		Name: aws.String("Dragon API"), Scopes: []types.ResourceServerScopeType{
			{ScopeName: aws.String("read"), ScopeDescription: aws.String("list dragons")},
			{ScopeName: aws.String("write"), ScopeDescription: aws.String("add dragons")}}}); err != nil {
		t.Fatalf("CreateResourceServer: %v", err)
	}
	rs, err := idp.DescribeResourceServer(ctx, &cip.DescribeResourceServerInput{UserPoolId: aws.String(poolID), Identifier: aws.String("dragons")})
	if err != nil || len(rs.ResourceServer.Scopes) != 2 || aws.ToString(rs.ResourceServer.Name) != "Dragon API" {
		t.Fatalf("DescribeResourceServer: %+v %v", rs, err)
	}
	if _, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("bad"),
		GenerateSecret: true, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeClientCredentials},
		AllowedOAuthScopes: []string{"dragons/fly"}}); err == nil || !strings.Contains(err.Error(), "ScopeDoesNotExistException") {
		t.Fatalf("a client with an undefined scope: %v", err)
	}
	reader := createMachineClient(t, ctx, idp, poolID, "dragons/read", "dragons/write")
	writer := createMachineClient(t, ctx, idp, poolID, "dragons/write")

	backend := echoBackend(t)
	issuer := m.IdentityURL + "/" + poolID
	m.options.Config = fmt.Sprintf(`apis:
  - name: machines
    basePath: /m
    authorizers:
      - {name: jwt, type: JWT, issuers: [{issuer: %[2]q, audience: [%[3]q, %[4]q]}]}
      - {name: pool, type: COGNITO_USER_POOLS, userPools: [%[5]q]}
    routes:
      - {method: GET, path: /dragons, authorizer: jwt, scopes: [dragons/read], integration: {type: http_proxy, uri: "%[1]s/dragons"}}
      - {method: GET, path: /pool/dragons, authorizer: pool, scopes: [dragons/read], integration: {type: http_proxy, uri: "%[1]s/pool/dragons"}}
`, backend, issuer, reader.id, writer.id, poolID)
	m.Restart(t)

	status, tok := clientCredentials(t, m, reader, "dragons/read")
	if status != http.StatusOK || tok["token_type"] != "Bearer" || tok["id_token"] != nil || tok["refresh_token"] != nil {
		t.Fatalf("client_credentials: %d %v", status, tok)
	}
	claims := testenv.JWTClaims(t, tok["access_token"].(string))
	if claims["sub"] != reader.id || claims["client_id"] != reader.id || claims["token_use"] != "access" || claims["scope"] != "dragons/read" ||
		claims["iss"] != issuer || claims["username"] != nil || claims["origin_jti"] != nil {
		t.Fatalf("the client_credentials access token: %v", claims)
	}
	_, all := clientCredentials(t, m, reader, "")
	if got := testenv.JWTClaims(t, all["access_token"].(string))["scope"]; got != "dragons/read dragons/write" {
		t.Fatalf("no scope asked: every allowed one; got %v", got)
	}
	if status, body := clientCredentials(t, m, writer, "dragons/read"); status != http.StatusBadRequest || body["error"] != "invalid_scope" {
		t.Fatalf("a scope the client may not have: %d %v", status, body)
	}
	if status, body := clientCredentials(t, m, machineClient{reader.id, "wrong"}, ""); status != http.StatusUnauthorized || body["error"] != "invalid_client" {
		t.Fatalf("a wrong secret: %d %v", status, body)
	}
	_, wtok := clientCredentials(t, m, writer, "")
	// Without the scope: the JWT authorizer answers 403 and the Cognito
	// authorizer 401, as API Gateway's HTTP and REST APIs do.
	for route, refused := range map[string]int{"/m/dragons": http.StatusForbidden, "/m/pool/dragons": http.StatusUnauthorized} {
		if res, body := gatewayCall(t, m, http.MethodGet, route, bearer(tok["access_token"].(string))); res.StatusCode != http.StatusOK {
			t.Errorf("%s with dragons/read: %d %s", route, res.StatusCode, body)
		}
		if res, body := gatewayCall(t, m, http.MethodGet, route, bearer(wtok["access_token"].(string))); res.StatusCode != refused {
			t.Errorf("%s without dragons/read: %d %s", route, res.StatusCode, body)
		}
	}
}

// TestPreTokenGenerationV3ClientCredentials: a Go PreTokenGeneration
// function created through the Lambda API, set as the pool's V3_0 trigger,
// runs for the client_credentials grant with Cognito's event (version 3,
// TokenGeneration_ClientCredentials, the grant's scopes, aws_client_metadata)
// and edits the access token; as V2_0 it is not run for that grant.
func TestPreTokenGenerationV3ClientCredentials(t *testing.T) {
	dir, events := t.TempDir(), t.TempDir()
	code := readFile(t, buildGoFunction(t, dir, "pretoken", "v1"))
	m := startMoat(t, moatOptions{Config: functionsRoleConfig})
	function := aws.String(createEventRecorder(t, m, "pre-token", "provided.al2023", "bootstrap", code, events))
	idp := m.cognito(t)
	pool, err := idp.CreateUserPool(t.Context(), &cip.CreateUserPoolInput{PoolName: aws.String("m2m-v3"),
		LambdaConfig: &types.LambdaConfigType{PreTokenGenerationConfig: &types.PreTokenGenerationVersionConfigType{
			LambdaArn: function, LambdaVersion: types.PreTokenGenerationLambdaVersionTypeV30}}})
	if err != nil {
		t.Fatalf("CreateUserPool with a V3_0 trigger: %v", err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	if _, err := idp.CreateResourceServer(t.Context(), &cip.CreateResourceServerInput{UserPoolId: &poolID, Identifier: aws.String("orders"),
		Name: aws.String("Orders"), Scopes: []types.ResourceServerScopeType{{ScopeName: aws.String("write"), ScopeDescription: aws.String("w")}}}); err != nil {
		t.Fatal(err)
	}
	machine := createMachineClient(t, t.Context(), idp, poolID, "orders/write")
	token := func(metadata string) (int, map[string]any) {
		t.Helper()
		return clientCredentialsWith(t, m, machine, url.Values{"aws_client_metadata": {metadata}})
	}
	status, tok := token(`{"env":"dev"}`)
	if status != http.StatusOK {
		t.Fatalf("client_credentials with a V3_0 trigger: %d %v", status, tok)
	}
	claims := testenv.JWTClaims(t, tok["access_token"].(string))
	if claims["tier"] != "gold" || claims["scope"] != "orders/write orders/read" || claims["sub"] != machine.id || claims["email"] != nil {
		t.Fatalf("the access token after the V3_0 trigger: %v", claims)
	}
	raw := readFile(t, filepath.Join(events, "TokenGeneration_ClientCredentials.json"))
	var event struct {
		Version, TriggerSource, UserPoolID string
		CallerContext                      struct{ ClientID string }
		Request                            struct {
			UserAttributes map[string]string
			Scopes         []string
			ClientMetadata map[string]string
		}
	}
	if err := json.Unmarshal(raw, &event); err != nil || event.Version != "3" || event.UserPoolID != poolID || event.CallerContext.ClientID != machine.id ||
		event.Request.UserAttributes == nil || len(event.Request.UserAttributes) != 0 || strings.Join(event.Request.Scopes, " ") != "orders/write" ||
		event.Request.ClientMetadata["env"] != "dev" {
		t.Fatalf("the V3_0 event: %s (%v)", raw, err)
	}
	if status, body := token(`["not", "an object"]`); status != http.StatusBadRequest || body["error"] != "invalid_request" {
		t.Fatalf("aws_client_metadata that is not an object: %d %v", status, body)
	}

	if _, err := idp.UpdateUserPool(t.Context(), &cip.UpdateUserPoolInput{UserPoolId: &poolID, LambdaConfig: &types.LambdaConfigType{
		PreTokenGenerationConfig: &types.PreTokenGenerationVersionConfigType{LambdaArn: function, LambdaVersion: types.PreTokenGenerationLambdaVersionTypeV20}}}); err != nil {
		t.Fatal(err)
	}
	if _, tok := token(`{}`); testenv.JWTClaims(t, tok["access_token"].(string))["tier"] != nil {
		t.Fatalf("a V2_0 trigger ran for client_credentials: %v", tok)
	}
}
