package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// testPassword satisfies Cognito's default password policy.
const testPassword = "Corr3ct-Horse-Battery!"

var poolIDPattern = regexp.MustCompile(`^us-east-1_[A-Za-z0-9]+$`)

func TestUserPoolFlowSDK(t *testing.T) {
	t.Parallel()
	forEachBackend(t, testUserPoolFlow)
}

func testUserPoolFlow(t *testing.T, opts moatOptions) {
	m := startMoat(t, opts)
	c := m.cognito(t)

	poolID := createPool(t, c, "flow")
	if !poolIDPattern.MatchString(poolID) {
		t.Errorf("pool id %q is not <region>_<alnum>", poolID)
	}
	public := createClient(t, c, poolID, false)
	confidential := createClient(t, c, poolID, true)
	if confidential.Secret == "" {
		t.Fatal("CreateUserPoolClient with GenerateSecret returned no ClientSecret")
	}
	if _, err := c.CreateGroup(t.Context(), &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String("admins")}); err != nil {
		t.Fatalf("CreateGroup: %v", err)
	}
	createUser(t, c, poolID, "alice", "alice@example.com")

	var sub string
	aliceRefresh := map[string]string{} // client id → refresh token
	for _, client := range []appClient{public, confidential} {
		res := signIn(t, c, client, "alice", testPassword)
		requireFullAuthResult(t, res)
		id := verifyIDToken(t, m, poolID, client.ID, *res.IdToken)
		access := verifyAccessToken(t, m, poolID, client.ID, *res.AccessToken)
		requireClaim(t, id, "cognito:username", "alice")
		requireClaim(t, id, "email", "alice@example.com")
		requireClaim(t, id, "email_verified", true)
		requireClaim(t, id, "custom:team", "blue")
		requireClaim(t, access, "username", "alice")
		requireClaim(t, access, "sub", id["sub"])
		if _, ok := id["cognito:groups"]; ok {
			t.Errorf("ID token has cognito:groups before alice is in any group: %v", id["cognito:groups"])
		}
		sub, _ = id["sub"].(string)
		aliceRefresh[client.ID] = *res.RefreshToken
	}

	t.Run("GetUser", func(t *testing.T) {
		res := signIn(t, c, public, "alice", testPassword)
		user, err := c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: res.AccessToken})
		if err != nil {
			t.Fatalf("GetUser: %v", err)
		}
		if aws.ToString(user.Username) != "alice" {
			t.Errorf("GetUser Username = %q, want alice", aws.ToString(user.Username))
		}
		attrs := attributeMap(user.UserAttributes)
		for name, want := range map[string]string{"sub": sub, "email": "alice@example.com", "email_verified": "true", "custom:team": "blue"} {
			if attrs[name] != want {
				t.Errorf("GetUser attribute %s = %q, want %q (all: %v)", name, attrs[name], want, attrs)
			}
		}
	})

	if _, err := c.AdminAddUserToGroup(t.Context(), &cip.AdminAddUserToGroupInput{
		UserPoolId: &poolID, Username: aws.String("alice"), GroupName: aws.String("admins"),
	}); err != nil {
		t.Fatalf("AdminAddUserToGroup: %v", err)
	}
	grouped := signIn(t, c, public, "alice", testPassword)
	requireClaim(t, verifyIDToken(t, m, poolID, public.ID, *grouped.IdToken), "cognito:groups", []any{"admins"})
	requireClaim(t, verifyAccessToken(t, m, poolID, public.ID, *grouped.AccessToken), "cognito:groups", []any{"admins"})

	t.Run("RefreshTokenAuth", func(t *testing.T) {
		for _, client := range []appClient{public, confidential} {
			out, err := refresh(t, c, client, "alice", aliceRefresh[client.ID])
			if err != nil {
				t.Fatalf("REFRESH_TOKEN_AUTH with client %s: %v", client.name, err)
			}
			res := out.AuthenticationResult
			if res == nil || res.IdToken == nil || res.AccessToken == nil {
				t.Fatalf("REFRESH_TOKEN_AUTH returned no ID/access token: %+v", out)
			}
			if res.RefreshToken != nil {
				t.Errorf("REFRESH_TOKEN_AUTH returned a new refresh token; Cognito does not (without rotation)")
			}
			id := verifyIDToken(t, m, poolID, client.ID, *res.IdToken)
			requireClaim(t, id, "sub", sub)
			requireClaim(t, id, "cognito:groups", []any{"admins"})
			verifyAccessToken(t, m, poolID, client.ID, *res.AccessToken)
		}
	})

	t.Run("ListUsers", func(t *testing.T) {
		var pageUsers []string
		for i := range 5 {
			name := fmt.Sprintf("page%d", i)
			createUser(t, c, poolID, name, name+"@paging.example.com")
			pageUsers = append(pageUsers, name)
		}
		requireSameUsers(t, "email = alice", listUsers(t, c, poolID, `email = "alice@example.com"`, 0), []string{"alice"})
		requireSameUsers(t, "email ^= page", listUsers(t, c, poolID, `email ^= "page"`, 0), pageUsers)
		requireSameUsers(t, "all users, 2 per page", listUsers(t, c, poolID, "", 2), append([]string{"alice"}, pageUsers...))
	})

	if _, err := c.AdminUserGlobalSignOut(t.Context(), &cip.AdminUserGlobalSignOutInput{UserPoolId: &poolID, Username: aws.String("alice")}); err != nil {
		t.Fatalf("AdminUserGlobalSignOut: %v", err)
	}
	_, err := refresh(t, c, public, "alice", aliceRefresh[public.ID])
	requireAPIError[*types.NotAuthorizedException](t, err, "Refresh Token has been revoked")
}

// appClient is a user-pool app client as the tests use it.
type appClient struct {
	name       string
	ID, Secret string
}

// createPool makes a pool whose schema has the custom attribute custom:team.
func createPool(t *testing.T, c *cip.Client, name string) string {
	t.Helper()
	out, err := c.CreateUserPool(t.Context(), &cip.CreateUserPoolInput{
		PoolName: aws.String(name),
		Schema: []types.SchemaAttributeType{{
			Name:              aws.String("team"),
			AttributeDataType: types.AttributeDataTypeString,
			Mutable:           aws.Bool(true),
		}},
	})
	if err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	return aws.ToString(out.UserPool.Id)
}

// createClient makes an app client that allows password sign-in and refresh.
func createClient(t *testing.T, c *cip.Client, poolID string, withSecret bool) appClient {
	t.Helper()
	name := "public"
	if withSecret {
		name = "confidential"
	}
	out, err := c.CreateUserPoolClient(t.Context(), &cip.CreateUserPoolClientInput{
		UserPoolId:     &poolID,
		ClientName:     aws.String(name),
		GenerateSecret: withSecret,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
		},
	})
	if err != nil {
		t.Fatalf("CreateUserPoolClient %s: %v", name, err)
	}
	return appClient{name: name, ID: aws.ToString(out.UserPoolClient.ClientId), Secret: aws.ToString(out.UserPoolClient.ClientSecret)}
}

// createUser makes a confirmed user with testPassword and a verified email.
func createUser(t *testing.T, c *cip.Client, poolID, username, email string) {
	t.Helper()
	_, err := c.AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{
		UserPoolId:    &poolID,
		Username:      &username,
		MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{
			{Name: aws.String("email"), Value: &email},
			{Name: aws.String("email_verified"), Value: aws.String("true")},
			{Name: aws.String("custom:team"), Value: aws.String("blue")},
		},
	})
	if err != nil {
		t.Fatalf("AdminCreateUser %s: %v", username, err)
	}
	if _, err := c.AdminSetUserPassword(t.Context(), &cip.AdminSetUserPasswordInput{
		UserPoolId: &poolID, Username: &username, Password: aws.String(testPassword), Permanent: true,
	}); err != nil {
		t.Fatalf("AdminSetUserPassword %s: %v", username, err)
	}
}

// passwordAuth runs USER_PASSWORD_AUTH, adding SECRET_HASH for clients with a secret.
func passwordAuth(t *testing.T, c *cip.Client, client appClient, username, password string) (*cip.InitiateAuthOutput, error) {
	t.Helper()
	params := map[string]string{"USERNAME": username, "PASSWORD": password}
	if client.Secret != "" {
		params["SECRET_HASH"] = secretHash(client.Secret, username, client.ID)
	}
	return c.InitiateAuth(t.Context(), &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: &client.ID, AuthParameters: params,
	})
}

// signIn is passwordAuth that must succeed with tokens.
func signIn(t *testing.T, c *cip.Client, client appClient, username, password string) *types.AuthenticationResultType {
	t.Helper()
	out, err := passwordAuth(t, c, client, username, password)
	if err != nil {
		t.Fatalf("USER_PASSWORD_AUTH %s with client %s: %v", username, client.name, err)
	}
	if out.AuthenticationResult == nil {
		t.Fatalf("USER_PASSWORD_AUTH %s: no AuthenticationResult (challenge %q)", username, out.ChallengeName)
	}
	return out.AuthenticationResult
}

// aliceSignedIn makes a pool named name with a confidential client and the
// user alice, and signs her in: state a restart must keep.
func aliceSignedIn(t *testing.T, c *cip.Client, name string) (poolID string, client appClient, tokens *types.AuthenticationResultType) {
	t.Helper()
	poolID = createPool(t, c, name)
	client = createClient(t, c, poolID, true)
	createUser(t, c, poolID, "alice", "alice@example.com")
	return poolID, client, signIn(t, c, client, "alice", testPassword)
}

// refresh runs REFRESH_TOKEN_AUTH; the secret hash is over the username.
func refresh(t *testing.T, c *cip.Client, client appClient, username, refreshToken string) (*cip.InitiateAuthOutput, error) {
	t.Helper()
	params := map[string]string{"REFRESH_TOKEN": refreshToken}
	if client.Secret != "" {
		params["SECRET_HASH"] = secretHash(client.Secret, username, client.ID)
	}
	return c.InitiateAuth(t.Context(), &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: &client.ID, AuthParameters: params,
	})
}

func requireFullAuthResult(t *testing.T, res *types.AuthenticationResultType) {
	t.Helper()
	if res.IdToken == nil || res.AccessToken == nil || res.RefreshToken == nil {
		t.Fatalf("AuthenticationResult lacks a token: id=%v access=%v refresh=%v", res.IdToken != nil, res.AccessToken != nil, res.RefreshToken != nil)
	}
	if res.ExpiresIn != 3600 || aws.ToString(res.TokenType) != "Bearer" {
		t.Errorf("ExpiresIn=%d TokenType=%q, want 3600 Bearer", res.ExpiresIn, aws.ToString(res.TokenType))
	}
}

// listUsers pages through ListUsers and returns every username in order.
func listUsers(t *testing.T, c *cip.Client, poolID, filter string, limit int32) []string {
	t.Helper()
	in := &cip.ListUsersInput{UserPoolId: &poolID}
	if filter != "" {
		in.Filter = &filter
	}
	if limit > 0 {
		in.Limit = &limit
	}
	var names []string
	for page := 0; ; page++ {
		if page > 50 {
			t.Fatalf("ListUsers %q: more than 50 pages; the PaginationToken never ends", filter)
		}
		out, err := c.ListUsers(t.Context(), in)
		if err != nil {
			t.Fatalf("ListUsers %q: %v", filter, err)
		}
		if limit > 0 && int32(len(out.Users)) > limit {
			t.Errorf("ListUsers returned %d users with Limit %d", len(out.Users), limit)
		}
		for _, u := range out.Users {
			requireRecent(t, "UserCreateDate of "+aws.ToString(u.Username), u.UserCreateDate)
			names = append(names, aws.ToString(u.Username))
		}
		if out.PaginationToken == nil {
			return names
		}
		in.PaginationToken = out.PaginationToken
	}
}

// requireSameUsers checks that got holds every wanted user exactly once.
func requireSameUsers(t *testing.T, what string, got, want []string) {
	t.Helper()
	got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Errorf("ListUsers %s: got %v, want each of %v exactly once", what, got, want)
	}
}

// requireRecent catches dates sent in milliseconds instead of epoch seconds,
// which the SDK would read as tens of thousands of years from now.
func requireRecent(t *testing.T, what string, date *time.Time) {
	t.Helper()
	if date == nil {
		t.Errorf("%s is missing", what)
		return
	}
	if d := time.Since(*date); d < -time.Hour || d > time.Hour {
		t.Errorf("%s = %v, not within an hour of now (epoch seconds expected)", what, *date)
	}
}

func attributeMap(attrs []types.AttributeType) map[string]string {
	m := map[string]string{}
	for _, a := range attrs {
		m[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	return m
}

// verifyIDToken checks an ID token's signature against the pool's published
// JWKS and its claims against the spec, and returns its claims.
func verifyIDToken(t *testing.T, m *Moat, poolID, clientID, token string) map[string]any {
	t.Helper()
	claims := verifyToken(t, m, poolID, token)
	requireClaim(t, claims, "token_use", "id")
	requireClaim(t, claims, "aud", clientID)
	for _, name := range []string{"cognito:username", "event_id"} {
		requireNonEmptyString(t, claims, name)
	}
	return claims
}

// verifyAccessToken is verifyIDToken for access tokens.
func verifyAccessToken(t *testing.T, m *Moat, poolID, clientID, token string) map[string]any {
	t.Helper()
	claims := verifyToken(t, m, poolID, token)
	requireClaim(t, claims, "token_use", "access")
	requireClaim(t, claims, "client_id", clientID)
	requireClaim(t, claims, "scope", "aws.cognito.signin.user.admin")
	if aud, ok := claims["aud"]; ok {
		t.Errorf("access token has aud %v; Cognito access tokens carry client_id only", aud)
	}
	for _, name := range []string{"username", "event_id"} {
		requireNonEmptyString(t, claims, name)
	}
	return claims
}

// verifyToken finds the issuer through the pool's discovery document, checks
// the RS256 signature with the JWKS key named by kid, and checks the claims
// every Cognito token has.
func verifyToken(t *testing.T, m *Moat, poolID, token string) map[string]any {
	t.Helper()
	wantIssuer := m.IdentityURL + "/" + poolID
	var discovery struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	getJSON(t, wantIssuer+"/.well-known/openid-configuration", &discovery)
	if discovery.Issuer != wantIssuer {
		t.Fatalf("discovery issuer = %q, want %q", discovery.Issuer, wantIssuer)
	}
	if discovery.JWKSURI != discovery.Issuer+"/.well-known/jwks.json" {
		t.Errorf("discovery jwks_uri = %q, want %s/.well-known/jwks.json", discovery.JWKSURI, discovery.Issuer)
	}
	var jwks jose.JSONWebKeySet
	getJSON(t, discovery.Issuer+"/.well-known/jwks.json", &jwks)

	parsed, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatalf("parse token: %v", err)
	}
	kid := parsed.Headers[0].KeyID
	keys := jwks.Key(kid)
	if kid == "" || len(keys) != 1 {
		t.Fatalf("token kid %q matches %d keys in the JWKS, want 1", kid, len(keys))
	}
	if keys[0].Use != "sig" || keys[0].Algorithm != string(jose.RS256) {
		t.Errorf("JWK %s: use=%q alg=%q, want sig RS256", kid, keys[0].Use, keys[0].Algorithm)
	}
	var std jwt.Claims
	var claims map[string]any
	if err := parsed.Claims(keys[0].Key, &std, &claims); err != nil {
		t.Fatalf("token signature does not verify against the JWKS: %v", err)
	}
	if err := std.ValidateWithLeeway(jwt.Expected{Issuer: discovery.Issuer, Time: time.Now()}, time.Minute); err != nil {
		t.Fatalf("token claims: %v (%v)", err, claims)
	}
	if std.Expiry.Time().Sub(std.IssuedAt.Time()) != time.Hour {
		t.Errorf("token lifetime exp-iat = %v, want the default 1h", std.Expiry.Time().Sub(std.IssuedAt.Time()))
	}
	authTime, ok := claims["auth_time"].(float64)
	if !ok || authTime > float64(std.IssuedAt.Time().Unix()) {
		t.Errorf("auth_time = %v, want epoch seconds no later than iat %d", claims["auth_time"], std.IssuedAt.Time().Unix())
	}
	for _, name := range []string{"sub", "jti", "origin_jti"} {
		requireNonEmptyString(t, claims, name)
	}
	return claims
}

func getJSON(t *testing.T, url string, into any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d", url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		t.Fatalf("GET %s: decode: %v", url, err)
	}
}

// requireClaim compares a claim as JSON decoded it (numbers are float64,
// arrays []any), so a string "true" does not pass for the boolean true.
func requireClaim(t *testing.T, claims map[string]any, name string, want any) {
	t.Helper()
	got, ok := claims[name]
	if !ok {
		t.Errorf("claim %s missing (claims: %v)", name, claims)
		return
	}
	if fmt.Sprintf("%T %v", got, got) != fmt.Sprintf("%T %v", want, want) {
		t.Errorf("claim %s = %#v, want %#v", name, got, want)
	}
}

func requireNonEmptyString(t *testing.T, claims map[string]any, name string) {
	t.Helper()
	if s, ok := claims[name].(string); !ok || s == "" {
		t.Errorf("claim %s = %#v, want a non-empty string", name, claims[name])
	}
}
