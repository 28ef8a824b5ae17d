package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	citypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/go-jose/go-jose/v4"

	"github.com/moat-dev/moat/internal/sealing"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/store/sqlstore"
	"github.com/moat-dev/moat/internal/tempcreds"
)

// identityPoolRoles declares the identity pools' roles in the config file.
// The pools do not exist yet when moat starts, so the trust policies bind
// to any pool of the region; the boto3 test binds roles to one pool exactly.
var identityPoolRoles = "\nroles:" + identityRoleYAML("signed-in", "authenticated", "") +
	identityRoleYAML("guest", "unauthenticated", "") + `
  - name: other-pool
    assumeRolePolicy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: {Federated: cognito-identity.amazonaws.com}
          Action: sts:AssumeRoleWithWebIdentity
          Condition:
            StringEquals: {"cognito-identity.amazonaws.com:aud": "us-east-1:00000000-0000-0000-0000-000000000000"}
`

func roleARN(name string) string { return "arn:aws:iam::000000000000:role/" + name }

// identityPools returns a Cognito Identity client signed with the admin
// credentials, or unsigned with aws.AnonymousCredentials.
func (m *Moat) identityPools(creds aws.CredentialsProvider) *ci.Client {
	return ci.New(ci.Options{Region: m.Region, BaseEndpoint: aws.String(m.IdentityURL), Credentials: creds, RetryMaxAttempts: 1, HTTPClient: sdkHTTPClient})
}

// newIdentityPool creates the identity pool in describes and gives it roles
// ("authenticated", "unauthenticated"), returning its id.
func newIdentityPool(t *testing.T, ctx context.Context, m *Moat, in *ci.CreateIdentityPoolInput, roles map[string]string) string {
	t.Helper()
	admin := m.adminIdentityPools()
	created, err := admin.CreateIdentityPool(ctx, in)
	if err != nil {
		t.Fatalf("CreateIdentityPool: %v", err)
	}
	if _, err := admin.SetIdentityPoolRoles(ctx, &ci.SetIdentityPoolRolesInput{IdentityPoolId: created.IdentityPoolId, Roles: roles}); err != nil {
		t.Fatalf("SetIdentityPoolRoles: %v", err)
	}
	return aws.ToString(created.IdentityPoolId)
}

func (m *Moat) adminIdentityPools() *ci.Client {
	return m.identityPools(credentials.NewStaticCredentialsProvider(m.AdminKeyID, m.AdminSecret, ""))
}

// signedInUser makes a user pool, an app client and a user, and signs in.
func signedInUser(t *testing.T, ctx context.Context, m *Moat) (poolID, clientID, idToken string) {
	t.Helper()
	idp := m.cognito(t)
	pool, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("ip")})
	if err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	poolID = aws.ToString(pool.UserPool.Id)
	client, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	if err != nil {
		t.Fatalf("CreateUserPoolClient: %v", err)
	}
	clientID = aws.ToString(client.UserPoolClient.ClientId)
	if _, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("ivy"), MessageAction: types.MessageActionTypeSuppress}); err != nil {
		t.Fatalf("AdminCreateUser: %v", err)
	}
	if _, err := idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String("ivy"), Password: aws.String("Corr3ct-Horse!"), Permanent: true}); err != nil {
		t.Fatalf("AdminSetUserPassword: %v", err)
	}
	return poolID, clientID, ivySignIn(t, ctx, m, clientID)
}

// ivySignIn signs ivy in and returns her ID token.
func ivySignIn(t *testing.T, ctx context.Context, m *Moat, clientID string) string {
	t.Helper()
	return aws.ToString(ivyTokens(t, ctx, m, clientID).IdToken)
}

func ivyTokens(t *testing.T, ctx context.Context, m *Moat, clientID string) *types.AuthenticationResultType {
	t.Helper()
	out, err := m.cognitoAs(t, aws.AnonymousCredentials{}).InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID),
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "ivy", "PASSWORD": "Corr3ct-Horse!"}})
	if err != nil {
		t.Fatalf("InitiateAuth: %v", err)
	}
	return out.AuthenticationResult
}

// openStore opens the store a running moat keeps its state in.
func openStore(t *testing.T, m *Moat) store.Store {
	t.Helper()
	ctx := context.Background()
	text, err := os.ReadFile(filepath.Join(m.options.DataDir, "master.key")) // the key moat generated
	if err != nil {
		t.Fatal(err)
	}
	master, err := sealing.ParseMasterKey(string(text))
	if err != nil {
		t.Fatal(err)
	}
	var st store.Store
	if m.options.DatabaseURL != "" {
		st, err = sqlstore.OpenPostgres(ctx, m.options.DatabaseURL, sqlstore.WithMasterKey(master))
	} else {
		st, err = sqlstore.OpenSQLite(ctx, filepath.Join(m.options.DataDir, "moat.db"), sqlstore.WithMasterKey(master))
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func wantIdentityError(t *testing.T, err error, code, message string) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != code || (message != "" && apiErr.ErrorMessage() != message) {
		t.Fatalf("got %v; want %s: %s", err, code, message)
	}
}

// TestIdentityPoolSDK is the enhanced flow with aws-sdk-go-v2: a user pool
// login and a guest get credentials that moat's own sessions open to, the
// same login keeps its identity under either form of key, developer
// identities and the OpenID token verify against the published JWKS.
func TestIdentityPoolSDK(t *testing.T) {
	forEachBackend(t, func(t *testing.T, opts moatOptions) {
		opts.Config = identityPoolRoles
		m := startMoat(t, opts)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		admin, public := m.adminIdentityPools(), m.identityPools(aws.AnonymousCredentials{})
		userPoolID, clientID, idToken := signedInUser(t, ctx, m)
		awsKey := "cognito-idp.us-east-1.amazonaws.com/" + userPoolID

		poolID := newIdentityPool(t, ctx, m, &ci.CreateIdentityPoolInput{IdentityPoolName: aws.String("app"),
			AllowUnauthenticatedIdentities: true, DeveloperProviderName: aws.String("login.example.com"),
			CognitoIdentityProviders: []citypes.CognitoIdentityProvider{{ProviderName: aws.String(awsKey), ClientId: aws.String(clientID)}}},
			map[string]string{"authenticated": roleARN("signed-in"), "unauthenticated": roleARN("guest")})
		roles, err := admin.GetIdentityPoolRoles(ctx, &ci.GetIdentityPoolRolesInput{IdentityPoolId: aws.String(poolID)})
		if err != nil || roles.Roles["authenticated"] != roleARN("signed-in") {
			t.Fatalf("GetIdentityPoolRoles: %+v, %v", roles, err)
		}
		_, err = public.CreateIdentityPool(ctx, &ci.CreateIdentityPoolInput{IdentityPoolName: aws.String("x")})
		wantIdentityError(t, err, "MissingAuthenticationTokenException", "")

		// Signed in: GetId, then credentials for one hour.
		id, err := public.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(poolID), Logins: map[string]string{awsKey: idToken}})
		if err != nil {
			t.Fatalf("GetId: %v", err)
		}
		identityID := aws.ToString(id.IdentityId)
		creds, err := public.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: aws.String(identityID), Logins: map[string]string{awsKey: idToken}})
		if err != nil {
			t.Fatalf("GetCredentialsForIdentity: %v", err)
		}
		c := creds.Credentials
		if !strings.HasPrefix(aws.ToString(c.AccessKeyId), "ASIA") || aws.ToString(c.SecretKey) == "" || aws.ToString(c.SessionToken) == "" {
			t.Fatalf("credentials %+v", c)
		}
		if life := time.Until(aws.ToTime(c.Expiration)); life < 58*time.Minute || life > time.Hour+time.Minute {
			t.Fatalf("credentials expire in %v, want 1h", life)
		}
		issuer, err := tempcreds.NewIssuer(ctx, openStore(t, m), nil)
		if err != nil {
			t.Fatal(err)
		}
		session, err := issuer.Open(ctx, aws.ToString(c.SessionToken))
		if err != nil || session.IdentityID != identityID || session.RoleARN != roleARN("signed-in") || !session.Authenticated || session.AccessKeyID != aws.ToString(c.AccessKeyId) {
			t.Fatalf("session %+v, %v", session, err)
		}

		// A second sign-in, by the issuer form of the key too, is the same identity.
		again := ivySignIn(t, ctx, m, clientID)
		for _, key := range []string{awsKey, strings.TrimPrefix(m.IdentityURL, "http://") + "/" + userPoolID} {
			id2, err := public.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(poolID), Logins: map[string]string{key: again}})
			if err != nil || aws.ToString(id2.IdentityId) != identityID {
				t.Fatalf("GetId by %s: %v, %v; want %s", key, id2, err, identityID)
			}
		}
		// The access token is not a login.
		_, err = public.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(poolID), Logins: map[string]string{awsKey: accessTokenOf(t, ctx, m, clientID)}})
		wantIdentityError(t, err, "NotAuthorizedException", "Invalid login token. Missing a required claim: aud")

		// Guests get the guest role.
		guest, err := public.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(poolID)})
		if err != nil {
			t.Fatalf("guest GetId: %v", err)
		}
		guestCreds, err := public.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: guest.IdentityId})
		if err != nil {
			t.Fatalf("guest GetCredentialsForIdentity: %v", err)
		}
		guestSession, err := issuer.Open(ctx, aws.ToString(guestCreds.Credentials.SessionToken))
		if err != nil || guestSession.Authenticated || guestSession.RoleARN != roleARN("guest") || !slices.Equal(guestSession.AMR, []string{"unauthenticated"}) {
			t.Fatalf("guest session %+v, %v", guestSession, err)
		}

		// GetOpenIdToken: verifies against the published JWKS.
		oidc, err := public.GetOpenIdToken(ctx, &ci.GetOpenIdTokenInput{IdentityId: aws.String(identityID), Logins: map[string]string{awsKey: idToken}})
		if err != nil {
			t.Fatalf("GetOpenIdToken: %v", err)
		}
		claims := verifyIdentityToken(t, m, aws.ToString(oidc.Token))
		if claims["aud"] != poolID || claims["sub"] != identityID || !slices.Contains(anyStrings(claims["amr"]), "authenticated") || !slices.Contains(anyStrings(claims["amr"]), awsKey) {
			t.Fatalf("OpenID token claims %v", claims)
		}

		// Developer identities: the backend vouches, the client buys credentials.
		dev, err := admin.GetOpenIdTokenForDeveloperIdentity(ctx, &ci.GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: aws.String(poolID),
			Logins: map[string]string{"login.example.com": "user-42"}, TokenDuration: aws.Int64(600)})
		if err != nil {
			t.Fatalf("GetOpenIdTokenForDeveloperIdentity: %v", err)
		}
		_, err = public.GetOpenIdTokenForDeveloperIdentity(ctx, &ci.GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: aws.String(poolID), Logins: map[string]string{"login.example.com": "user-42"}})
		wantIdentityError(t, err, "MissingAuthenticationTokenException", "")
		devClaims := verifyIdentityToken(t, m, aws.ToString(dev.Token))
		if devClaims["sub"] != aws.ToString(dev.IdentityId) || devClaims["aud"] != poolID {
			t.Fatalf("developer token claims %v", devClaims)
		}
		lookup, err := admin.LookupDeveloperIdentity(ctx, &ci.LookupDeveloperIdentityInput{IdentityPoolId: aws.String(poolID), DeveloperUserIdentifier: aws.String("user-42"), MaxResults: aws.Int32(10)})
		if err != nil || aws.ToString(lookup.IdentityId) != aws.ToString(dev.IdentityId) || !slices.Equal(lookup.DeveloperUserIdentifierList, []string{"user-42"}) {
			t.Fatalf("LookupDeveloperIdentity: %+v, %v", lookup, err)
		}
		devCreds, err := public.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: dev.IdentityId,
			Logins: map[string]string{"cognito-identity.amazonaws.com": aws.ToString(dev.Token)}})
		if err != nil || !strings.HasPrefix(aws.ToString(devCreds.Credentials.AccessKeyId), "ASIA") {
			t.Fatalf("developer GetCredentialsForIdentity: %v", err)
		}

		// A role whose trust policy names another pool is refused.
		if _, err := admin.SetIdentityPoolRoles(ctx, &ci.SetIdentityPoolRolesInput{IdentityPoolId: aws.String(poolID),
			Roles: map[string]string{"authenticated": roleARN("other-pool")}}); err != nil {
			t.Fatalf("SetIdentityPoolRoles: %v", err)
		}
		_, err = public.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: aws.String(identityID), Logins: map[string]string{awsKey: idToken}})
		wantIdentityError(t, err, "InvalidIdentityPoolConfigurationException", "")
		_, err = public.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: guest.IdentityId})
		wantIdentityError(t, err, "InvalidIdentityPoolConfigurationException", "Invalid identity pool configuration. Check assigned IAM roles for this pool.")

		// Guests off: refused with Cognito's message.
		if _, err := admin.UpdateIdentityPool(ctx, &ci.UpdateIdentityPoolInput{IdentityPoolId: aws.String(poolID), IdentityPoolName: aws.String("app"),
			AllowUnauthenticatedIdentities: false, DeveloperProviderName: aws.String("login.example.com"),
			CognitoIdentityProviders: []citypes.CognitoIdentityProvider{{ProviderName: aws.String(awsKey), ClientId: aws.String(clientID)}}}); err != nil {
			t.Fatalf("UpdateIdentityPool: %v", err)
		}
		_, err = public.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(poolID)})
		wantIdentityError(t, err, "NotAuthorizedException", "Unauthenticated access is not supported for this identity pool.")

		list, err := admin.ListIdentityPools(ctx, &ci.ListIdentityPoolsInput{MaxResults: aws.Int32(10)})
		if err != nil || len(list.IdentityPools) != 1 || aws.ToString(list.IdentityPools[0].IdentityPoolId) != poolID {
			t.Fatalf("ListIdentityPools: %+v, %v", list, err)
		}
		if _, err := admin.DeleteIdentityPool(ctx, &ci.DeleteIdentityPoolInput{IdentityPoolId: aws.String(poolID)}); err != nil {
			t.Fatalf("DeleteIdentityPool: %v", err)
		}
		_, err = admin.DescribeIdentityPool(ctx, &ci.DescribeIdentityPoolInput{IdentityPoolId: aws.String(poolID)})
		wantIdentityError(t, err, "ResourceNotFoundException", "")
	})
}

func accessTokenOf(t *testing.T, ctx context.Context, m *Moat, clientID string) string {
	t.Helper()
	return aws.ToString(ivyTokens(t, ctx, m, clientID).AccessToken)
}

// verifyIdentityToken checks an identity-pool token as a relying party
// would: issuer from the token, keys from its discovery document.
func verifyIdentityToken(t *testing.T, m *Moat, token string) map[string]any {
	t.Helper()
	var discovery struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	getJSON(t, m.IdentityURL+"/identity/.well-known/openid-configuration", &discovery)
	var keys jose.JSONWebKeySet
	getJSON(t, discovery.JWKSURI, &keys)
	jws, err := jose.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatalf("parse identity token: %v", err)
	}
	found := keys.Key(jws.Signatures[0].Header.KeyID)
	if len(found) != 1 {
		t.Fatalf("key %q not in the JWKS", jws.Signatures[0].Header.KeyID)
	}
	payload, err := jws.Verify(found[0].Key)
	if err != nil {
		t.Fatalf("identity token signature: %v", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	if claims["iss"] != discovery.Issuer || discovery.Issuer != m.IdentityURL+"/identity" {
		t.Fatalf("iss %v, discovery issuer %s", claims["iss"], discovery.Issuer)
	}
	if exp, _ := claims["exp"].(float64); time.Unix(int64(exp), 0).Before(time.Now()) {
		t.Fatalf("identity token already expired: %v", claims)
	}
	return claims
}

func anyStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, _ := e.(string)
		out = append(out, s)
	}
	return out
}
