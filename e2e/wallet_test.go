package e2e

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/moat-dev/moat/internal/siwe"
	"github.com/moat-dev/moat/internal/siwe/siwetest"
)

// createWalletClient makes an app client with moat's wallet sign-in. The
// AWS SDKs have no field for the extension, so it goes as raw AWS JSON,
// admin-signed as any control-plane call.
func createWalletClient(t *testing.T, m *Moat, poolID string, wallet map[string]any) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{
		"UserPoolId": poolID, "ClientName": "dapp",
		"ExplicitAuthFlows": []string{"ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
		"MoatWalletSignIn":  wallet,
	})
	resp, out := rawCall(t, m, "CreateUserPoolClient", body, true)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("CreateUserPoolClient with MoatWalletSignIn: %d %s", resp.StatusCode, out)
	}
	var created struct{ UserPoolClient struct{ ClientId string } }
	if err := json.Unmarshal(out, &created); err != nil {
		t.Fatal(err)
	}
	return created.UserPoolClient.ClientId
}

// TestWalletSignInSDK signs EIP-4361 messages with a generated key through
// the CUSTOM_AUTH flow, with aws-sdk-go-v2 as the client.
func TestWalletSignInSDK(t *testing.T) {
	m := startMoat(t, moatOptions{})
	c := m.cognito(t)
	pool, err := c.CreateUserPool(t.Context(), &cip.CreateUserPoolInput{PoolName: aws.String("wallets")})
	if err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	clientID := createWalletClient(t, m, poolID, map[string]any{
		"Enabled": true, "Domain": "dapp.example", "Uri": "https://dapp.example/", "ChainIds": []uint64{1},
	})
	alice, mallory := siwetest.NewWallet(t), siwetest.NewWallet(t)

	start := func(address string) *cip.InitiateAuthOutput {
		t.Helper()
		out, err := c.InitiateAuth(t.Context(), &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeCustomAuth,
			AuthParameters: map[string]string{"USERNAME": address}})
		if err != nil {
			t.Fatalf("InitiateAuth CUSTOM_AUTH: %v", err)
		}
		if out.ChallengeName != types.ChallengeNameTypeCustomChallenge {
			t.Fatalf("challenge %q", out.ChallengeName)
		}
		return out
	}
	answer := func(ch *cip.InitiateAuthOutput, response string) (*cip.RespondToAuthChallengeOutput, error) {
		return c.RespondToAuthChallenge(t.Context(), &cip.RespondToAuthChallengeInput{ClientId: &clientID,
			ChallengeName: types.ChallengeNameTypeCustomChallenge, Session: ch.Session,
			ChallengeResponses: map[string]string{"USERNAME": ch.ChallengeParameters["USERNAME"], "ANSWER": response}})
	}
	own := func(message, signature string) string {
		b, _ := json.Marshal(map[string]string{"message": message, "signature": signature})
		return string(b)
	}

	ch := start(alice.Address)
	message := ch.ChallengeParameters["message"]
	_, err = answer(ch, mallory.Sign(message))
	requireAPIError[*types.NotAuthorizedException](t, err, "The message was not signed by "+strings.ToLower(alice.Address)+".")
	done, err := answer(ch, alice.Sign(message))
	if err != nil {
		t.Fatalf("wallet sign-in: %v", err)
	}
	first := verifyIDToken(t, m, poolID, clientID, aws.ToString(done.AuthenticationResult.IdToken))
	if first["cognito:username"] != strings.ToLower(alice.Address) {
		t.Fatalf("cognito:username %v", first["cognito:username"])
	}
	_, err = answer(ch, alice.Sign(message))
	requireAPIError[*types.NotAuthorizedException](t, err, "This sign-in message has already been used; start a new sign-in.")

	for name, c := range map[string]struct {
		edit func(*siwe.Message)
		want string
	}{
		"expired": {func(m *siwe.Message) {
			past := siwe.NewTimestamp(m.IssuedAt.Time().Add(-2 * time.Minute))
			m.ExpirationTime = &past
		}, "The sign-in message has expired."},
		"wrong domain": {func(m *siwe.Message) { m.Domain = "phish.example" }, "The sign-in message is for another domain than dapp.example."},
		"wrong chain":  {func(m *siwe.Message) { m.ChainID = 5 }, "The sign-in message names a chain this client does not accept."},
	} {
		t.Run(name, func(t *testing.T) {
			ch := start(alice.Address)
			msg, err := siwe.ParseMessage(ch.ChallengeParameters["message"])
			if err != nil {
				t.Fatal(err)
			}
			c.edit(msg)
			_, err = answer(ch, own(msg.String(), alice.Sign(msg.String())))
			requireAPIError[*types.NotAuthorizedException](t, err, c.want)
		})
	}

	ch = start(strings.ToLower(alice.Address))
	again, err := answer(ch, alice.Sign(ch.ChallengeParameters["message"]))
	if err != nil {
		t.Fatalf("second sign-in: %v", err)
	}
	if second := verifyIDToken(t, m, poolID, clientID, aws.ToString(again.AuthenticationResult.IdToken)); second["sub"] != first["sub"] {
		t.Fatalf("the second sign-in is another user: %v vs %v", second["sub"], first["sub"])
	}
}

// TestWalletSignInEthersScript runs the command-line wallet sign-in the docs
// show (ethers signs), against a client with wallet sign-in.
func TestWalletSignInEthersScript(t *testing.T) {
	node := nodeWithClients(t)
	m := startMoat(t, moatOptions{})
	pool, err := m.cognito(t).CreateUserPool(t.Context(), &cip.CreateUserPoolInput{PoolName: aws.String("wallets")})
	if err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	clientID := createWalletClient(t, m, aws.ToString(pool.UserPool.Id), map[string]any{
		"Enabled": true, "Domain": "dapp.example", "Uri": "https://dapp.example/",
	})
	runClientScript(t, []string{node, filepath.Join("clients", "node", "wallet_signin.mjs")}, "",
		"MOAT_IDENTITY_URL="+m.IdentityURL, "MOAT_CLIENT_ID="+clientID)
}
