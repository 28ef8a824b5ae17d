package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/moat-dev/moat/internal/testenv"
)

// TestCognitoIdentityJSDefaultSRPSignIn signs in with amazon-cognito-identity-js
// as most apps do, with its default USER_SRP_AUTH flow, to a client created
// with Cognito's default auth flows.
func TestCognitoIdentityJSDefaultSRPSignIn(t *testing.T) {
	node := nodeWithClients(t)
	moat := startMoat(t, moatOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	idp := moat.cognito(t)

	pool, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("identity-js-srp")})
	if err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	client, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("browser")})
	if err != nil {
		t.Fatalf("CreateUserPoolClient: %v", err)
	}
	username := "dana-" + testenv.RandomHex(4)
	email := username + "@example.com"
	password := "Corr3ct-Horse-" + testenv.RandomHex(4)
	if _, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId:     aws.String(poolID),
		Username:       aws.String(username),
		MessageAction:  types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(email)}},
	}); err != nil {
		t.Fatalf("AdminCreateUser: %v", err)
	}
	if _, err := idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{
		UserPoolId: aws.String(poolID), Username: aws.String(username), Password: aws.String(password), Permanent: true,
	}); err != nil {
		t.Fatalf("AdminSetUserPassword: %v", err)
	}

	runClientScript(t, []string{node, "srp_signin.mjs"}, nodeClientsDir,
		"MOAT_IDENTITY_URL="+moat.IdentityURL,
		"MOAT_USER_POOL_ID="+poolID,
		"MOAT_CLIENT_ID="+aws.ToString(client.UserPoolClient.ClientId),
		"MOAT_USERNAME="+username,
		"MOAT_PASSWORD="+password,
		"MOAT_EMAIL="+email,
	)
}
