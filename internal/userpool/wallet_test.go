package userpool

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/siwe"
	"github.com/moat-dev/moat/internal/siwe/siwetest"
)

func walletClient(t *testing.T, l *lifecycle, cfg WalletSignIn) string {
	t.Helper()
	c, err := l.s.CreateUserPoolClient(context.Background(), &CreateUserPoolClientInput{UserPoolId: l.poolID, ClientName: "dapp",
		ClientConfig: ClientConfig{ExplicitAuthFlows: []string{"ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}, MoatWalletSignIn: &cfg}})
	if err != nil {
		t.Fatal(err)
	}
	return c.UserPoolClient.ClientId
}

func (l *lifecycle) walletStart(t *testing.T, clientID, address string) *AuthOutput {
	t.Helper()
	out, err := l.s.InitiateAuth(context.Background(), testCaller, &InitiateAuthInput{AuthFlow: "CUSTOM_AUTH", ClientId: clientID,
		AuthParameters: map[string]string{"USERNAME": address}})
	if err != nil {
		t.Fatal(err)
	}
	if out.ChallengeName != "CUSTOM_CHALLENGE" || out.ChallengeParameters["message"] == "" {
		t.Fatalf("wallet challenge: %+v", out)
	}
	return out
}

func (l *lifecycle) walletAnswer(clientID string, ch *AuthOutput, answer string) (*AuthOutput, error) {
	return l.s.RespondToAuthChallenge(context.Background(), testCaller, &RespondToAuthChallengeInput{ClientId: clientID,
		ChallengeName: "CUSTOM_CHALLENGE", Session: ch.Session,
		ChallengeResponses: map[string]string{"USERNAME": ch.ChallengeParameters["USERNAME"], "ANSWER": answer}})
}

func customAnswer(message, signature string) string {
	b, _ := json.Marshal(walletAnswer{Message: message, Signature: signature})
	return string(b)
}

func TestWalletSignIn(t *testing.T) {
	ctx := context.Background()
	l := newLifecycle(t, filepath.Join(t.TempDir(), "moat.db"), "ENABLED")
	clientID := walletClient(t, l, WalletSignIn{Enabled: true, Domain: "dapp.example", URI: "https://dapp.example/login", ChainIds: []uint64{1, 10}, Statement: "Sign in to the dragons dApp."})
	alice, mallory := siwetest.NewWallet(t), siwetest.NewWallet(t)

	ch := l.walletStart(t, clientID, alice.Address)
	msg := ch.ChallengeParameters["message"]
	parsed, err := siwe.ParseMessage(msg)
	if err != nil || parsed.Address != alice.Address || parsed.Domain != "dapp.example" || len(parsed.Nonce) < 16 {
		t.Fatalf("issued message %q: %+v %v", msg, parsed, err)
	}
	_, err = l.walletAnswer(clientID, ch, mallory.Sign(msg))
	wantCode(t, err, awserr.NotAuthorized, "The message was not signed by "+strings.ToLower(alice.Address)+".")
	done, err := l.walletAnswer(clientID, ch, alice.Sign(msg))
	if err != nil {
		t.Fatal(err)
	}
	claims, err := l.s.tokens.Verify(ctx, done.AuthenticationResult.IdToken)
	if err != nil || claims.Raw["cognito:username"] != strings.ToLower(alice.Address) || claims.Raw["custom:wallet"] != alice.Address {
		t.Fatalf("ID token: %+v %v", claims, err)
	}
	_, err = l.walletAnswer(clientID, ch, alice.Sign(msg))
	wantCode(t, err, awserr.NotAuthorized, "This sign-in message has already been used; start a new sign-in.")

	again := l.walletStart(t, clientID, strings.ToLower(alice.Address))
	second, err := l.walletAnswer(clientID, again, alice.Sign(again.ChallengeParameters["message"]))
	if err != nil {
		t.Fatal(err)
	}
	secondClaims, _ := l.s.tokens.Verify(ctx, second.AuthenticationResult.IdToken)
	if secondClaims.Subject != claims.Subject {
		t.Fatal("a second sign-in created another user")
	}

	// Messages the client builds itself: each binding is checked.
	ownMessage := func(edit func(m *siwe.Message)) string {
		ch := l.walletStart(t, clientID, alice.Address)
		m, _ := siwe.ParseMessage(ch.ChallengeParameters["message"])
		edit(m)
		text := m.String()
		_, err := l.walletAnswer(clientID, ch, customAnswer(text, alice.Sign(text)))
		if err == nil {
			t.Fatalf("accepted %q", text)
		}
		return err.Error()
	}
	past := siwe.NewTimestamp(time.Now().Add(-time.Minute))
	future := siwe.NewTimestamp(time.Now().Add(10 * time.Minute))
	for name, c := range map[string]struct {
		edit func(m *siwe.Message)
		want string
	}{
		"expired":      {func(m *siwe.Message) { m.ExpirationTime = &past }, "The sign-in message has expired."},
		"other domain": {func(m *siwe.Message) { m.Domain = "phish.example" }, "The sign-in message is for another domain than dapp.example."},
		"other chain":  {func(m *siwe.Message) { m.ChainID = 5 }, "The sign-in message names a chain this client does not accept."},
		"other nonce":  {func(m *siwe.Message) { m.Nonce = "Zz9Zz9Zz9Zz9Zz9Zz9" }, "The sign-in message does not carry this sign-in's nonce."},
		"other scheme": {func(m *siwe.Message) { m.Scheme = "http" }, "The sign-in message is for another scheme than https."},
		"issued ahead": {func(m *siwe.Message) { m.IssuedAt, m.ExpirationTime = future, nil }, "The sign-in message is not valid yet."},
	} {
		if got := ownMessage(c.edit); !strings.HasSuffix(got, c.want) {
			t.Errorf("%s: %s; want %s", name, got, c.want)
		}
	}
	// A message for another allowed chain, built by the client, is accepted.
	ch = l.walletStart(t, clientID, alice.Address)
	m, _ := siwe.ParseMessage(ch.ChallengeParameters["message"])
	m.ChainID = 10
	if _, err := l.walletAnswer(clientID, ch, customAnswer(m.String(), alice.Sign(m.String()))); err != nil {
		t.Fatalf("chain 10 is allowed: %v", err)
	}

	// The session expires with the message.
	ch = l.walletStart(t, clientID, alice.Address)
	l.advance(10 * time.Minute)
	_, err = l.walletAnswer(clientID, ch, alice.Sign(ch.ChallengeParameters["message"]))
	wantCode(t, err, awserr.NotAuthorized, "")
}

func TestWalletLegacyAndNoAutoCreate(t *testing.T) {
	l := newLifecycle(t, filepath.Join(t.TempDir(), "moat.db"), "LEGACY")
	off := false
	legacy := walletClient(t, l, WalletSignIn{Enabled: true, Domain: "dapp.example", URI: "https://dapp.example", LegacyMessages: true})
	closed := walletClient(t, l, WalletSignIn{Enabled: true, Domain: "dapp.example", URI: "https://dapp.example", AutoCreateUsers: &off})
	w := siwetest.NewWallet(t)

	ch := l.walletStart(t, legacy, w.Address)
	if !strings.HasPrefix(ch.ChallengeParameters["message"], "Welcome message, nonce: ") {
		t.Fatalf("legacy message: %q", ch.ChallengeParameters["message"])
	}
	if _, err := l.walletAnswer(legacy, ch, w.Sign(ch.ChallengeParameters["message"])); err != nil {
		t.Fatalf("legacy sign-in: %v", err)
	}

	_, err := l.s.InitiateAuth(context.Background(), testCaller, &InitiateAuthInput{AuthFlow: "CUSTOM_AUTH", ClientId: closed,
		AuthParameters: map[string]string{"USERNAME": siwetest.NewWallet(t).Address}})
	wantCode(t, err, awserr.UserNotFound, "")
	_, err = l.s.InitiateAuth(context.Background(), testCaller, &InitiateAuthInput{AuthFlow: "CUSTOM_AUTH", ClientId: closed,
		AuthParameters: map[string]string{"USERNAME": "0xnot-an-address"}})
	wantCode(t, err, awserr.InvalidParameter, "")
	_, err = l.s.InitiateAuth(context.Background(), testCaller, &InitiateAuthInput{AuthFlow: "CUSTOM_AUTH", ClientId: l.clientID,
		AuthParameters: map[string]string{"USERNAME": w.Address}})
	wantCode(t, err, awserr.InvalidParameter, "Custom auth flow not enabled for this client")
}
