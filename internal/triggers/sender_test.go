package triggers_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/codeseal"
	"github.com/moat-dev/moat/internal/functions"
	"github.com/moat-dev/moat/internal/functions/functionstest"
	"github.com/moat-dev/moat/internal/mail"
	"github.com/moat-dev/moat/internal/mail/mailtest"
	"github.com/moat-dev/moat/internal/sms"
	"github.com/moat-dev/moat/internal/store/sqlstore/sqlstoretest"
	"github.com/moat-dev/moat/internal/tokens"
	"github.com/moat-dev/moat/internal/triggers"
	"github.com/moat-dev/moat/internal/userpool"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

const (
	region  = "us-east-1"
	account = "000000000000"
)

// testCaller is the address the test's users call from.
var testCaller = netip.MustParseAddr("192.0.2.1")

// sent is what the test's custom sender wrote: the event and the code it
// opened.
type sent struct {
	Event struct {
		Version       string `json:"version"`
		TriggerSource string `json:"triggerSource"`
		Region        string `json:"region"`
		UserPoolID    string `json:"userPoolId"`
		UserName      string `json:"userName"`
		CallerContext struct {
			ClientID string `json:"clientId"`
		} `json:"callerContext"`
		Request struct {
			Type           string            `json:"type"`
			Code           string            `json:"code"`
			UserAttributes map[string]string `json:"userAttributes"`
			ClientMetadata map[string]string `json:"clientMetadata"`
		} `json:"request"`
	} `json:"event"`
	Code string `json:"code"`
}

// senderLab is a user pool service whose triggers run on a real functions
// runtime holding one Node.js custom sender, which writes what it gets to
// out; moat's own mail goes to sink, its texts to texts.
type senderLab struct {
	pools *userpool.Service
	out   string
	sink  *mailtest.Sink
	texts *textbox
}

// senderARN is the lab's custom sender.
const senderARN = "arn:aws:lambda:us-east-1:000000000000:function:sender"

func newSenderLab(t *testing.T) *senderLab {
	t.Helper()
	ctx := context.Background()
	st := sqlstoretest.Open(t)
	functionstest.ExecutionRole(t, st)
	secret := make([]byte, 32)
	rand.Read(secret)
	seals, err := codeseal.New(secret)
	if err != nil {
		t.Fatal(err)
	}
	rt, err := functions.New(functions.Config{Store: st, Region: region, Account: account, WorkDir: t.TempDir(),
		Memory: functions.MemoryUnenforced, Provided: seals.Environment})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close() })
	lab := &senderLab{out: t.TempDir(), sink: mailtest.NewSink(t), texts: &textbox{}}
	source, err := os.ReadFile(filepath.Join("testdata", "custom-sender", "index.js"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rt.Create(ctx, "sender", functions.Definition{Runtime: "nodejs20.x", Handler: "index.handler", Role: functionstest.RoleARN,
		Environment: map[string]string{"OUT_DIR": lab.out}}, functionstest.Zip(t, map[string]string{"index.js": string(source)})); err != nil {
		t.Fatal(err)
	}
	hooks, err := triggers.New(triggers.Config{Functions: rt, Seals: seals, Region: region, Account: account})
	if err != nil {
		t.Fatal(err)
	}
	mailer, err := mail.NewSMTPSender(lab.sink.URL(), "no-reply@example.com")
	if err != nil {
		t.Fatal(err)
	}
	lab.pools, err = userpool.New(ctx, userpool.Config{Store: st, Tokens: tokens.NewService(st, "http://moat.test"), Region: region, Account: account,
		Mail: mailer, SMS: lab.texts, Hooks: hooks.Hooks()})
	if err != nil {
		t.Fatal(err)
	}
	return lab
}

// textbox records what moat texts.
type textbox struct {
	mu   sync.Mutex
	sent []sms.Message
}

func (b *textbox) Send(_ context.Context, m sms.Message) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sent = append(b.sent, m)
	return nil
}

// A pool with a CustomEmailSender hands its sign-up code and an
// invitation's temporary password to a real Node.js function, sealed; the
// function opens them with the key in its environment, the code confirms
// the user and the password signs in, and moat mails nothing for that
// pool (while it still mails for a pool without one).
func TestCustomEmailSenderGetsSealedCodes(t *testing.T) {
	ctx := context.Background()
	lab := newSenderLab(t)
	pools, out, sink := lab.pools, lab.out, lab.sink

	pool, err := pools.CreateUserPool(ctx, &userpool.CreateUserPoolInput{PoolName: "senders", PoolConfig: userpool.PoolConfig{
		AutoVerifiedAttributes: []string{"email"}, LambdaConfig: &signin.LambdaConfig{
			CustomEmailSender: &signin.VersionedLambda{LambdaArn: senderARN, LambdaVersion: "V1_0"},
			KMSKeyID:          "arn:aws:kms:us-east-1:000000000000:key/moat"}}})
	if err != nil {
		t.Fatal(err)
	}
	poolID := pool.UserPool.Id
	client, err := pools.CreateUserPoolClient(ctx, &userpool.CreateUserPoolClientInput{UserPoolId: poolID, ClientName: "web",
		ClientConfig: userpool.ClientConfig{ExplicitAuthFlows: []string{"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}})
	if err != nil {
		t.Fatal(err)
	}
	clientID := client.UserPoolClient.ClientId

	signedUp, err := pools.SignUp(ctx, testCaller, &userpool.SignUpInput{ClientId: clientID, Username: "carla", Password: "Sender-Pass-1!",
		UserAttributes: []userpool.AttributeType{{Name: "email", Value: "carla@example.com"}}, ClientMetadata: map[string]string{"campaign": "spring"}})
	if err != nil {
		t.Fatal(err)
	}
	if d := signedUp.CodeDeliveryDetails; d == nil || d.Destination != "c***@e***" || d.DeliveryMedium != "EMAIL" {
		t.Fatalf("SignUp CodeDeliveryDetails %+v", signedUp.CodeDeliveryDetails)
	}
	got := waitSent(t, out, "CustomEmailSender_SignUp-carla")
	e := got.Event
	if e.Version != "1" || e.Region != region || e.UserPoolID != poolID || e.UserName != "carla" || e.CallerContext.ClientID != clientID ||
		e.Request.Type != "customEmailSenderRequestV1" || e.Request.UserAttributes["email"] != "carla@example.com" ||
		e.Request.UserAttributes["cognito:user_status"] != "UNCONFIRMED" || e.Request.ClientMetadata["campaign"] != "spring" {
		t.Fatalf("the event is not Cognito's: %+v", e)
	}
	if len(got.Code) != 6 || e.Request.Code == got.Code {
		t.Fatalf("the function opened %q from %q: want a six-digit code, sent sealed", got.Code, e.Request.Code)
	}
	if _, err := pools.ConfirmSignUp(ctx, &userpool.ConfirmSignUpInput{ClientId: clientID, Username: "carla", ConfirmationCode: got.Code}); err != nil {
		t.Fatalf("the opened code does not confirm the user: %v", err)
	}

	if _, err := pools.AdminCreateUser(ctx, &userpool.AdminCreateUserInput{UserPoolId: poolID, Username: "dora",
		UserAttributes: []userpool.AttributeType{{Name: "email", Value: "dora@example.com"}}}); err != nil {
		t.Fatal(err)
	}
	invited := waitSent(t, out, "CustomEmailSender_AdminCreateUser-dora")
	if invited.Event.CallerContext.ClientID != "CLIENT_ID_NOT_APPLICABLE" {
		t.Fatalf("an admin call's event names client %q", invited.Event.CallerContext.ClientID)
	}
	auth, err := pools.AdminInitiateAuth(ctx, testCaller, &userpool.AdminInitiateAuthInput{UserPoolId: poolID, InitiateAuthInput: userpool.InitiateAuthInput{
		AuthFlow: "ADMIN_USER_PASSWORD_AUTH", ClientId: clientID, AuthParameters: map[string]string{"USERNAME": "dora", "PASSWORD": invited.Code}}})
	if err != nil || auth.ChallengeName != "NEW_PASSWORD_REQUIRED" {
		t.Fatalf("the opened temporary password: %+v, %v; want NEW_PASSWORD_REQUIRED", auth, err)
	}

	// A sender that cannot be invoked fails the call, as on Cognito.
	if _, err := pools.UpdateUserPool(ctx, &userpool.UpdateUserPoolInput{UserPoolId: poolID, PoolConfig: userpool.PoolConfig{
		AutoVerifiedAttributes: []string{"email"}, LambdaConfig: &signin.LambdaConfig{
			CustomEmailSender: &signin.VersionedLambda{LambdaArn: senderARN + "-gone", LambdaVersion: "V1_0"},
			KMSKeyID:          "arn:aws:kms:us-east-1:000000000000:key/moat"}}}); err != nil {
		t.Fatal(err)
	}
	_, err = pools.SignUp(ctx, testCaller, &userpool.SignUpInput{ClientId: clientID, Username: "finn", Password: "Sender-Pass-1!",
		UserAttributes: []userpool.AttributeType{{Name: "email", Value: "finn@example.com"}}})
	if e, ok := awserr.As(err); !ok || e.Code != "UnexpectedLambdaException" ||
		e.Message != "CustomEmailSender invocation failed due to error ResourceNotFoundException." {
		t.Fatalf("a missing sender: %v; want UnexpectedLambdaException", err)
	}

	// Mail for a pool without a sender reaches the sink, so the sink's
	// silence about the senders' pool means moat mailed nothing there.
	plain, err := pools.CreateUserPool(ctx, &userpool.CreateUserPoolInput{PoolName: "plain", PoolConfig: userpool.PoolConfig{AutoVerifiedAttributes: []string{"email"}}})
	if err != nil {
		t.Fatal(err)
	}
	plainClient, err := pools.CreateUserPoolClient(ctx, &userpool.CreateUserPoolClientInput{UserPoolId: plain.UserPool.Id, ClientName: "web"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pools.SignUp(ctx, testCaller, &userpool.SignUpInput{ClientId: plainClient.UserPoolClient.ClientId, Username: "erin", Password: "Sender-Pass-1!",
		UserAttributes: []userpool.AttributeType{{Name: "email", Value: "erin@example.com"}}}); err != nil {
		t.Fatal(err)
	}
	sink.Wait(t, "erin@example.com", 10*time.Second)
	if n := sink.Count(); n != 1 {
		t.Fatalf("the sink got %d messages; want only erin's", n)
	}
}

// A pool with a CustomSMSSender hands its SMS sign-in codes to the
// function, which opens them; the code answers SMS_MFA, and moat texts
// nothing.
func TestCustomSMSSenderGetsSignInCodes(t *testing.T) {
	ctx := context.Background()
	lab := newSenderLab(t)
	pool, err := lab.pools.CreateUserPool(ctx, &userpool.CreateUserPoolInput{PoolName: "texts", PoolConfig: userpool.PoolConfig{LambdaConfig: &signin.LambdaConfig{
		CustomSMSSender: &signin.VersionedLambda{LambdaArn: senderARN, LambdaVersion: "V1_0"}, KMSKeyID: "arn:aws:kms:us-east-1:000000000000:key/moat"}}})
	if err != nil {
		t.Fatal(err)
	}
	poolID := pool.UserPool.Id
	if _, err := lab.pools.SetUserPoolMfaConfig(ctx, &userpool.SetUserPoolMfaConfigInput{UserPoolId: poolID, MfaConfigOutput: userpool.MfaConfigOutput{
		MfaConfiguration: "ON", SmsMfaConfiguration: &userpool.SmsMfaConfig{SmsConfiguration: map[string]any{"SnsCallerArn": "arn:aws:iam::000000000000:role/sms"}}}}); err != nil {
		t.Fatal(err)
	}
	client, err := lab.pools.CreateUserPoolClient(ctx, &userpool.CreateUserPoolClientInput{UserPoolId: poolID, ClientName: "web",
		ClientConfig: userpool.ClientConfig{ExplicitAuthFlows: []string{"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}})
	if err != nil {
		t.Fatal(err)
	}
	clientID := client.UserPoolClient.ClientId
	if _, err := lab.pools.AdminCreateUser(ctx, &userpool.AdminCreateUserInput{UserPoolId: poolID, Username: "sam", MessageAction: "SUPPRESS",
		UserAttributes: []userpool.AttributeType{{Name: "phone_number", Value: "+15550101234"}, {Name: "phone_number_verified", Value: "true"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := lab.pools.AdminSetUserPassword(ctx, &userpool.AdminSetUserPasswordInput{UserPoolId: poolID, Username: "sam", Password: "Sender-Pass-1!", Permanent: true}); err != nil {
		t.Fatal(err)
	}
	challenge, err := lab.pools.AdminInitiateAuth(ctx, testCaller, &userpool.AdminInitiateAuthInput{UserPoolId: poolID, InitiateAuthInput: userpool.InitiateAuthInput{
		AuthFlow: "ADMIN_USER_PASSWORD_AUTH", ClientId: clientID, AuthParameters: map[string]string{"USERNAME": "sam", "PASSWORD": "Sender-Pass-1!"}}})
	if err != nil || challenge.ChallengeName != "SMS_MFA" || challenge.ChallengeParameters["CODE_DELIVERY_DESTINATION"] != "+*******1234" {
		t.Fatalf("SMS MFA: %+v, %v", challenge, err)
	}
	got := waitSent(t, lab.out, "CustomSMSSender_Authentication-sam")
	if got.Event.Request.Type != "customSMSSenderRequestV1" || got.Event.Request.UserAttributes["phone_number"] != "+15550101234" {
		t.Fatalf("the event is not Cognito's: %+v", got.Event)
	}
	done, err := lab.pools.AdminRespondToAuthChallenge(ctx, testCaller, &userpool.AdminRespondToAuthChallengeInput{UserPoolId: poolID,
		RespondToAuthChallengeInput: userpool.RespondToAuthChallengeInput{ClientId: clientID, ChallengeName: "SMS_MFA", Session: challenge.Session,
			ChallengeResponses: map[string]string{"USERNAME": "sam", "SMS_MFA_CODE": got.Code}}})
	if err != nil || done.AuthenticationResult == nil {
		t.Fatalf("the opened SMS code: %+v, %v", done, err)
	}
	lab.texts.mu.Lock()
	defer lab.texts.mu.Unlock()
	if len(lab.texts.sent) != 0 {
		t.Fatalf("moat texted %+v for a pool whose CustomSMSSender delivers its texts", lab.texts.sent)
	}
}

// waitSent reads what the sender wrote for name, waiting for the queued
// invocation to run.
func waitSent(t *testing.T, dir, name string) sent {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		b, err := os.ReadFile(filepath.Join(dir, name+".json"))
		if err == nil {
			var s sent
			if err := json.Unmarshal(b, &s); err != nil {
				t.Fatal(err)
			}
			return s
		}
		if !errors.Is(err, os.ErrNotExist) || time.Now().After(deadline) {
			t.Fatalf("the custom sender wrote no %s: %v", name, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
