package e2e

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	citypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Issue 5: two groups mapped to two roles — by the token's roles and by
// rules on its claims — get different access through the gateway.

var roleMappingYAML = `apis:
  - name: mapped
    id: r0lemap000
    stages: [{name: prod}]
    authorizers: [{name: iam, type: AWS_IAM}]
    routes:
      - {method: ANY, path: "/items/{id}", authorizer: iam, integration: {type: mock, statusCode: 200, body: ok}}
roles:` + identityRoleYAML("Readers", "authenticated", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:r0lemap000/prod/GET/items/*"}]}`) +
	identityRoleYAML("Writers", "authenticated", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:r0lemap000/prod/POST/items/*"}]}`) + "\n"

func TestIdentityPoolRoleMappings(t *testing.T) {
	m := startMoat(t, moatOptions{Config: roleMappingYAML})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	idp := m.cognito(t)
	readers, writers := roleARN("Readers"), roleARN("Writers")

	pool, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("mapped")})
	if err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	client, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}})
	if err != nil {
		t.Fatalf("CreateUserPoolClient: %v", err)
	}
	clientID := aws.ToString(client.UserPoolClient.ClientId)
	for group, role := range map[string]string{"readers": readers, "writers": writers} {
		if _, err := idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String(group), RoleArn: aws.String(role), Precedence: aws.Int32(1)}); err != nil {
			t.Fatalf("CreateGroup %s: %v", group, err)
		}
	}
	tokens := map[string]string{}
	for user, group := range map[string]string{"alice": "readers", "bob": "writers"} {
		email := user + "@" + group + ".example"
		if _, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String(user), MessageAction: types.MessageActionTypeSuppress,
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(email)}}}); err != nil {
			t.Fatalf("AdminCreateUser %s: %v", user, err)
		}
		if _, err := idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: aws.String(user), Password: aws.String(testPassword), Permanent: true}); err != nil {
			t.Fatalf("AdminSetUserPassword %s: %v", user, err)
		}
		if _, err := idp.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &poolID, Username: aws.String(user), GroupName: aws.String(group)}); err != nil {
			t.Fatalf("AdminAddUserToGroup %s: %v", user, err)
		}
		out, err := signInWith(t, idp, clientID, user, testPassword)
		if err != nil {
			t.Fatalf("sign in %s: %v", user, err)
		}
		tokens[user] = aws.ToString(out.IdToken)
	}

	provider := "cognito-idp.us-east-1.amazonaws.com/" + poolID
	mappings := map[string]citypes.RoleMapping{
		"Token": {Type: citypes.RoleMappingTypeToken, AmbiguousRoleResolution: citypes.AmbiguousRoleResolutionTypeDeny},
		"Rules": {Type: citypes.RoleMappingTypeRules, AmbiguousRoleResolution: citypes.AmbiguousRoleResolutionTypeDeny,
			RulesConfiguration: &citypes.RulesConfigurationType{Rules: []citypes.MappingRule{
				{Claim: aws.String("email"), MatchType: citypes.MappingRuleMatchTypeContains, Value: aws.String("@readers."), RoleARN: aws.String(readers)},
				{Claim: aws.String("email"), MatchType: citypes.MappingRuleMatchTypeContains, Value: aws.String("@writers."), RoleARN: aws.String(writers)},
			}}},
	}
	admin, public := m.adminIdentityPools(), m.identityPools(aws.AnonymousCredentials{})
	for kind, mapping := range mappings {
		t.Run(kind, func(t *testing.T) {
			created, err := admin.CreateIdentityPool(ctx, &ci.CreateIdentityPoolInput{IdentityPoolName: aws.String(kind),
				CognitoIdentityProviders: []citypes.CognitoIdentityProvider{{ProviderName: aws.String(provider), ClientId: aws.String(clientID)}}})
			if err != nil {
				t.Fatalf("CreateIdentityPool: %v", err)
			}
			idPool := created.IdentityPoolId
			if _, err := admin.SetIdentityPoolRoles(ctx, &ci.SetIdentityPoolRolesInput{IdentityPoolId: idPool,
				Roles: map[string]string{"authenticated": readers}, RoleMappings: map[string]citypes.RoleMapping{provider: mapping}}); err != nil {
				t.Fatalf("SetIdentityPoolRoles: %v", err)
			}
			for user, want := range map[string][2]int{"alice": {http.StatusOK, http.StatusForbidden}, "bob": {http.StatusForbidden, http.StatusOK}} {
				logins := map[string]string{provider: tokens[user]}
				id, err := public.GetId(ctx, &ci.GetIdInput{IdentityPoolId: idPool, Logins: logins})
				if err != nil {
					t.Fatalf("GetId %s: %v", user, err)
				}
				out, err := public.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: id.IdentityId, Logins: logins})
				if err != nil {
					t.Fatalf("GetCredentialsForIdentity %s: %v", user, err)
				}
				creds := aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(out.Credentials.SecretKey),
					SessionToken: aws.ToString(out.Credentials.SessionToken)}
				answers := goSigV4Calls(t, m.GatewayURL+"/prod", []sigv4Call{{method: "GET", path: "items/1", creds: creds}, {method: "POST", path: "items/1", body: "{}", creds: creds}})
				if answers[0].Status != want[0] || answers[1].Status != want[1] {
					t.Errorf("%s through %s mapping: GET %d POST %d; want GET %d POST %d", user, kind, answers[0].Status, answers[1].Status, want[0], want[1])
				}
			}
		})
	}
}
