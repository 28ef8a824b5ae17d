package e2e

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

func TestRestartKeepsState(t *testing.T) {
	t.Parallel()
	forEachBackend(t, testRestartKeepsState)
}

// testRestartKeepsState checks that pools, users, signing keys and refresh
// tokens are durable: nothing a client holds is invalidated by a restart.
func testRestartKeepsState(t *testing.T, opts moatOptions) {
	m := startMoat(t, opts)
	c := m.cognito(t)
	poolID, client, before := aliceSignedIn(t, c, "restart")
	sub := verifyIDToken(t, m, poolID, client.ID, *before.IdToken)["sub"]

	m.Restart(t)
	c = m.cognito(t)

	if desc, err := c.DescribeUserPool(t.Context(), &cip.DescribeUserPoolInput{UserPoolId: &poolID}); err != nil {
		t.Errorf("DescribeUserPool after restart: %v", err)
	} else if n := desc.UserPool.EstimatedNumberOfUsers; n != 1 {
		t.Errorf("EstimatedNumberOfUsers after restart = %d, want 1", n)
	}
	user, err := c.AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("alice")})
	if err != nil {
		t.Fatalf("AdminGetUser after restart: %v", err)
	}
	if got := attributeMap(user.UserAttributes)["email"]; got != "alice@example.com" {
		t.Errorf("alice's email after restart = %q, want alice@example.com", got)
	}

	// verifyIDToken fetches the JWKS anew, so this is the post-restart key set.
	requireClaim(t, verifyIDToken(t, m, poolID, client.ID, *before.IdToken), "sub", sub)

	out, err := refresh(t, c, client, "alice", *before.RefreshToken)
	if err != nil {
		t.Fatalf("REFRESH_TOKEN_AUTH with a pre-restart refresh token: %v", err)
	}
	if out.AuthenticationResult == nil || out.AuthenticationResult.IdToken == nil {
		t.Fatalf("REFRESH_TOKEN_AUTH after restart returned no ID token: %+v", out)
	}
	requireClaim(t, verifyIDToken(t, m, poolID, client.ID, *out.AuthenticationResult.IdToken), "sub", sub)

	after := signIn(t, c, client, "alice", testPassword)
	requireClaim(t, verifyIDToken(t, m, poolID, client.ID, *after.IdToken), "sub", sub)
}
