package e2e

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/moat-dev/moat/internal/testenv"
	"github.com/moat-dev/moat/internal/webhooksig"
)

// smsRelay is the operator's webhook: it checks each delivery's signature
// and timestamp, as a receiver must, and keeps what was sent.
type smsRelay struct {
	key  []byte
	sent chan string // "to|message"
	bad  chan string
}

func (r *smsRelay) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	id, ts := req.Header.Get("webhook-id"), req.Header.Get("webhook-timestamp")
	at, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(at, 0)).Abs() > 5*time.Minute || req.Header.Get("webhook-signature") != webhooksig.Sign(r.key, id, at, body) {
		r.bad <- "a delivery with a wrong signature or timestamp"
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var p struct {
		Type string `json:"type"`
		Data struct {
			To, Message string
		} `json:"data"`
	}
	if json.Unmarshal(body, &p) != nil || p.Type != "sms.send" {
		r.bad <- "an undecodable delivery: " + string(body)
		return
	}
	r.sent <- p.Data.To + "|" + p.Data.Message
}

// TestSMSMFAThroughTheWebhook: with --sms-webhook-url, an SMS_MFA code
// reaches the operator's webhook signed, and signs the user in.
func TestSMSMFAThroughTheWebhook(t *testing.T) {
	t.Parallel()
	key := []byte("0123456789abcdef0123456789abcdef")
	relay := &smsRelay{key: key, sent: make(chan string, 4), bad: make(chan string, 4)}
	srv := httptest.NewServer(relay)
	defer srv.Close()
	m := startMoat(t, moatOptions{Env: []string{"MOAT_SMS_WEBHOOK_URL=" + srv.URL + "/send",
		"MOAT_SMS_WEBHOOK_SECRET=whsec_" + base64.StdEncoding.EncodeToString(key)}})
	c := m.cognito(t)
	ctx := t.Context()
	pool, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("sms")})
	if err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	if _, err := c.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &poolID, MfaConfiguration: types.UserPoolMfaTypeOptional,
		SmsMfaConfiguration: &types.SmsMfaConfigType{SmsAuthenticationMessage: aws.String("Your moat code is {####}"),
			SmsConfiguration: &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::000000000000:role/sms")}}}); err != nil {
		t.Fatalf("SetUserPoolMfaConfig: %v", err)
	}
	client, err := c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	if err != nil {
		t.Fatalf("CreateUserPoolClient: %v", err)
	}
	username, password, phone := "sid-"+testenv.RandomHex(4), "Corr3ct-Horse-"+testenv.RandomHex(4), "+15550104321"
	if _, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: &username, MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("phone_number"), Value: &phone}, {Name: aws.String("phone_number_verified"), Value: aws.String("true")}}}); err != nil {
		t.Fatalf("AdminCreateUser: %v", err)
	}
	if _, err := c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &username, Password: &password, Permanent: true}); err != nil {
		t.Fatalf("AdminSetUserPassword: %v", err)
	}
	if _, err := c.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &poolID, Username: &username,
		SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true}}); err != nil {
		t.Fatalf("AdminSetUserMFAPreference: %v", err)
	}
	clientID := aws.ToString(client.UserPoolClient.ClientId)
	challenge, err := c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": password}})
	if err != nil || challenge.ChallengeName != types.ChallengeNameTypeSmsMfa || challenge.ChallengeParameters["CODE_DELIVERY_DESTINATION"] != "+*******4321" {
		t.Fatalf("sign-in: %+v %v", challenge, err)
	}
	var code string
	select {
	case got := <-relay.sent:
		to, msg, _ := strings.Cut(got, "|")
		if to != phone || !strings.HasPrefix(msg, "Your moat code is ") {
			t.Fatalf("the webhook got %q", got)
		}
		code = strings.TrimPrefix(msg, "Your moat code is ")
	case bad := <-relay.bad:
		t.Fatal(bad)
	case <-time.After(10 * time.Second):
		t.Fatal("no SMS reached the webhook")
	}
	done, err := c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID, ChallengeName: types.ChallengeNameTypeSmsMfa,
		Session: challenge.Session, ChallengeResponses: map[string]string{"USERNAME": username, "SMS_MFA_CODE": code}})
	if err != nil || done.AuthenticationResult == nil {
		t.Fatalf("SMS_MFA with the webhook's code: %+v %v", done, err)
	}
	if strings.Contains(m.log.tail(1<<20), code) {
		t.Error("moat's log shows the SMS code it sent to the webhook")
	}
}
