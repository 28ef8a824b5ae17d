package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/moat-dev/moat/internal/mail/mailtest"
)

const mailTimeout = 20 * time.Second

// startMoatWithMail runs moat delivering mail to a real SMTP sink.
func startMoatWithMail(t *testing.T, opts moatOptions) (*Moat, *mailtest.Sink) {
	t.Helper()
	sink := mailtest.NewSink(t)
	opts.Env = append(opts.Env, "MOAT_SMTP_URL="+sink.URL(), "MOAT_SMTP_FROM=moat <no-reply@moat.test>")
	return startMoat(t, opts), sink
}

// codeFrom waits for the next mail to addr and returns the code in it.
func codeFrom(t *testing.T, sink *mailtest.Sink, addr string) string {
	t.Helper()
	msg := sink.Wait(t, addr, mailTimeout)
	code := mailtest.Code(msg.Body)
	if code == "" {
		t.Fatalf("the mail to %s carries no code: %q", addr, msg.Body)
	}
	return code
}

// serveMailbox lets script clients read codes from the sink over HTTP:
// GET /code?to=<address> waits for the next mail to that address.
func serveMailbox(t *testing.T, sink *mailtest.Sink) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), mailTimeout)
		defer cancel()
		msg, err := sink.Next(ctx, r.URL.Query().Get("to"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		_, _ = w.Write([]byte(mailtest.Code(msg.Body)))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// lifecyclePool makes a pool that verifies email and a public client.
func lifecyclePool(t *testing.T, c *cip.Client, prevent types.PreventUserExistenceErrorTypes) (poolID, clientID string) {
	t.Helper()
	pool, err := c.CreateUserPool(t.Context(), &cip.CreateUserPoolInput{
		PoolName:               aws.String("lifecycle"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
	})
	if err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	client, err := c.CreateUserPoolClient(t.Context(), &cip.CreateUserPoolClientInput{
		UserPoolId: pool.UserPool.Id, ClientName: aws.String("app"), PreventUserExistenceErrors: prevent,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
	if err != nil {
		t.Fatalf("CreateUserPoolClient: %v", err)
	}
	return aws.ToString(pool.UserPool.Id), aws.ToString(client.UserPoolClient.ClientId)
}

func signInWith(t *testing.T, c *cip.Client, clientID, username, password string) (*types.AuthenticationResultType, error) {
	t.Helper()
	out, err := c.InitiateAuth(t.Context(), &cip.InitiateAuthInput{
		ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": password},
	})
	if err != nil {
		return nil, err
	}
	return out.AuthenticationResult, nil
}

// TestLifecycleSDK is the acceptance journey with aws-sdk-go-v2 and
// codes delivered by SMTP.
func TestLifecycleSDK(t *testing.T) {
	m, sink := startMoatWithMail(t, moatOptions{})
	c := m.cognito(t)
	_, clientID := lifecyclePool(t, c, types.PreventUserExistenceErrorTypesLegacy)
	const user, email = "ivy", "ivy@example.com"

	up, err := c.SignUp(t.Context(), &cip.SignUpInput{ClientId: &clientID, Username: aws.String(user), Password: aws.String("First-Pass-1"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(email)}}})
	if err != nil {
		t.Fatalf("SignUp: %v", err)
	}
	if up.UserConfirmed || aws.ToString(up.CodeDeliveryDetails.Destination) != "i***@e***" || up.UserSub == nil {
		t.Fatalf("SignUp answer: confirmed=%v details=%+v", up.UserConfirmed, up.CodeDeliveryDetails)
	}
	_, err = c.SignUp(t.Context(), &cip.SignUpInput{ClientId: &clientID, Username: aws.String(user), Password: aws.String("First-Pass-1")})
	requireAPIError[*types.UsernameExistsException](t, err, "User already exists")
	_, err = c.SignUp(t.Context(), &cip.SignUpInput{ClientId: &clientID, Username: aws.String("weak"), Password: aws.String("password")})
	requireAPIError[*types.InvalidPasswordException](t, err, "Password did not conform with policy: Password must have uppercase characters")

	code := codeFrom(t, sink, email)
	wrong := "000000"
	if code == wrong {
		wrong = "000001"
	}
	_, err = c.ConfirmSignUp(t.Context(), &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String(user), ConfirmationCode: &wrong})
	requireAPIError[*types.CodeMismatchException](t, err, "Invalid verification code provided, please try again.")
	if _, err := c.ConfirmSignUp(t.Context(), &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String(user), ConfirmationCode: &code}); err != nil {
		t.Fatalf("ConfirmSignUp: %v", err)
	}
	_, err = c.ConfirmSignUp(t.Context(), &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String(user), ConfirmationCode: &code})
	requireAPIError[*types.NotAuthorizedException](t, err, "User cannot be confirmed. Current status is CONFIRMED")

	tokens, err := signInWith(t, c, clientID, user, "First-Pass-1")
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	if _, err := c.ChangePassword(t.Context(), &cip.ChangePasswordInput{AccessToken: tokens.AccessToken,
		PreviousPassword: aws.String("First-Pass-1"), ProposedPassword: aws.String("Second-Pass-2")}); err != nil {
		t.Fatalf("ChangePassword: %v", err)
	}
	forgot, err := c.ForgotPassword(t.Context(), &cip.ForgotPasswordInput{ClientId: &clientID, Username: aws.String(user)})
	if err != nil || aws.ToString(forgot.CodeDeliveryDetails.Destination) != "i***@e***" {
		t.Fatalf("ForgotPassword: %+v %v", forgot, err)
	}
	reset := codeFrom(t, sink, email)
	if _, err := c.ConfirmForgotPassword(t.Context(), &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: aws.String(user),
		ConfirmationCode: &reset, Password: aws.String("Third-Pass-3")}); err != nil {
		t.Fatalf("ConfirmForgotPassword: %v", err)
	}
	_, err = c.ConfirmForgotPassword(t.Context(), &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: aws.String(user),
		ConfirmationCode: &reset, Password: aws.String("Fourth-Pass-4")})
	requireAPIError[*types.ExpiredCodeException](t, err, "Invalid code provided, please request a code again.")
	tokens, err = signInWith(t, c, clientID, user, "Third-Pass-3")
	if err != nil {
		t.Fatalf("sign in with the new password: %v", err)
	}

	const newEmail = "ivy@new.example"
	upd, err := c.UpdateUserAttributes(t.Context(), &cip.UpdateUserAttributesInput{AccessToken: tokens.AccessToken,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(newEmail)}}})
	if err != nil || len(upd.CodeDeliveryDetailsList) != 1 {
		t.Fatalf("UpdateUserAttributes: %+v %v", upd, err)
	}
	if _, err := c.VerifyUserAttribute(t.Context(), &cip.VerifyUserAttributeInput{AccessToken: tokens.AccessToken,
		AttributeName: aws.String("email"), Code: aws.String(codeFrom(t, sink, newEmail))}); err != nil {
		t.Fatalf("VerifyUserAttribute: %v", err)
	}
	me, err := c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: tokens.AccessToken})
	if err != nil {
		t.Fatalf("GetUser: %v", err)
	}
	if got := attributeMap(me.UserAttributes); got["email"] != newEmail || got["email_verified"] != "true" {
		t.Fatalf("after verifying the new email: %v", got)
	}

	if _, err := c.GlobalSignOut(t.Context(), &cip.GlobalSignOutInput{AccessToken: tokens.AccessToken}); err != nil {
		t.Fatalf("GlobalSignOut: %v", err)
	}
	_, err = c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: tokens.AccessToken})
	requireAPIError[*types.NotAuthorizedException](t, err, "Access Token has been revoked")
	_, err = c.InitiateAuth(t.Context(), &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": aws.ToString(tokens.RefreshToken)}})
	requireAPIError[*types.NotAuthorizedException](t, err, "Refresh Token has been revoked")

	tokens, err = signInWith(t, c, clientID, user, "Third-Pass-3")
	if err != nil {
		t.Fatalf("sign in after sign-out: %v", err)
	}
	if _, err := c.DeleteUser(t.Context(), &cip.DeleteUserInput{AccessToken: tokens.AccessToken}); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	_, err = signInWith(t, c, clientID, user, "Third-Pass-3")
	requireAPIError[*types.UserNotFoundException](t, err, "User does not exist.")
}

// TestLockoutAndUnknownUsers: five wrong passwords lock a user out; with
// PreventUserExistenceErrors an unknown user is indistinguishable from a
// wrong password by error and message.
func TestLockoutAndUnknownUsers(t *testing.T) {
	// Every attempt comes from 127.0.0.1: give the address room for them.
	m, _ := startMoatWithMail(t, moatOptions{Config: "user-pool-limits:\n  signInPerIp: {perMinute: 600, burst: 100}\n  signInPerUser: {perMinute: 60, burst: 10}\n"})
	c := m.cognito(t)
	poolID, clientID := lifecyclePool(t, c, types.PreventUserExistenceErrorTypesEnabled)
	users := []string{"u1", "u2"}
	for _, u := range users {
		createUserIn(t, c, poolID, u)
	}

	for range 5 {
		_, err := signInWith(t, c, clientID, "u1", "Wrong-Pass-1")
		requireAPIError[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
	}
	_, err := signInWith(t, c, clientID, "u1", testPassword)
	requireAPIError[*types.NotAuthorizedException](t, err, "Password attempts exceeded")

	// An unknown user answers as a wrong password does (the time of both is
	// TestUserExistenceStaysHidden's "wrong password, unknown user").
	_, errKnown := signInWith(t, c, clientID, "u2", "Wrong-Pass-1")
	_, errUnknown := signInWith(t, c, clientID, "ghost-u2", "Wrong-Pass-1")
	if errKnown == nil || apiErrorText(errKnown) != apiErrorText(errUnknown) {
		t.Fatalf("known user: %v\nunknown user: %v", errKnown, errUnknown)
	}

	out, err := c.ForgotPassword(t.Context(), &cip.ForgotPasswordInput{ClientId: &clientID, Username: aws.String("nobody-at-all")})
	if err != nil || out.CodeDeliveryDetails == nil {
		t.Fatalf("ForgotPassword for an unknown user must answer as for a real one: %+v %v", out, err)
	}
	if _, err := c.ResendConfirmationCode(t.Context(), &cip.ResendConfirmationCodeInput{ClientId: &clientID, Username: aws.String("nobody-at-all")}); err != nil {
		t.Fatalf("ResendConfirmationCode for an unknown user: %v", err)
	}
}

// TestSignInRateLimit: past its burst, an address gets TooManyRequestsException.
func TestSignInRateLimit(t *testing.T) {
	m := startMoat(t, moatOptions{Config: "user-pool-limits:\n  signInPerIp: {perMinute: 6, burst: 3}\n"})
	c := m.cognito(t)
	_, clientID := lifecyclePool(t, c, types.PreventUserExistenceErrorTypesLegacy)
	for i := range 3 {
		_, err := signInWith(t, c, clientID, fmt.Sprint("nobody", i), "Wrong-Pass-1")
		requireAPIError[*types.UserNotFoundException](t, err, "User does not exist.")
	}
	_, err := signInWith(t, c, clientID, "nobody9", "Wrong-Pass-1")
	requireAPIError[*types.TooManyRequestsException](t, err, "Too many requests")
}

// TestPendingSignUpSurvivesRestart: a code mailed before a restart confirms after it.
func TestPendingSignUpSurvivesRestart(t *testing.T) {
	forEachBackend(t, func(t *testing.T, opts moatOptions) {
		m, sink := startMoatWithMail(t, opts)
		c := m.cognito(t)
		_, clientID := lifecyclePool(t, c, types.PreventUserExistenceErrorTypesLegacy)
		if _, err := c.SignUp(t.Context(), &cip.SignUpInput{ClientId: &clientID, Username: aws.String("jo"), Password: aws.String("First-Pass-1"),
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("jo@example.com")}}}); err != nil {
			t.Fatalf("SignUp: %v", err)
		}
		code := codeFrom(t, sink, "jo@example.com")
		m.Restart(t)
		if _, err := c.ConfirmSignUp(t.Context(), &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("jo"), ConfirmationCode: &code}); err != nil {
			t.Fatalf("ConfirmSignUp after a restart: %v", err)
		}
		if _, err := signInWith(t, c, clientID, "jo", "First-Pass-1"); err != nil {
			t.Fatalf("sign in: %v", err)
		}
	})
}

// TestLifecycleBoto3 walks the same journey with boto3.
func TestLifecycleBoto3(t *testing.T) {
	python := pythonWithBoto3(t)
	m, sink := startMoatWithMail(t, moatOptions{})
	runClientScript(t, []string{python, filepath.Join("clients", "python", "lifecycle_flow.py")}, "", append(m.adminEnv(),
		"MOAT_REGION="+m.Region,
		"MOAT_MAILBOX_URL="+serveMailbox(t, sink),
	)...)
}

// TestLifecycleCognitoIdentityJS: signUp, confirmRegistration,
// forgotPassword/confirmPassword and completeNewPasswordChallenge with
// amazon-cognito-identity-js.
func TestLifecycleCognitoIdentityJS(t *testing.T) {
	node := nodeWithClients(t)
	m, sink := startMoatWithMail(t, moatOptions{})
	c := m.cognito(t)
	poolID, clientID := lifecyclePool(t, c, types.PreventUserExistenceErrorTypesLegacy)
	if _, err := c.AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("invited"),
		TemporaryPassword: aws.String("Temp-Pass-1"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("invited@example.com")}}}); err != nil {
		t.Fatalf("AdminCreateUser: %v", err)
	}
	runClientScript(t, []string{node, filepath.Join("clients", "node", "lifecycle.mjs")}, "",
		"MOAT_IDENTITY_URL="+m.IdentityURL, "MOAT_USER_POOL_ID="+poolID, "MOAT_CLIENT_ID="+clientID,
		"MOAT_MAILBOX_URL="+serveMailbox(t, sink),
		"MOAT_INVITED_USERNAME=invited", "MOAT_INVITED_PASSWORD=Temp-Pass-1")
}

// createUserIn makes a confirmed user with testPassword in a pool with the
// standard schema only.
func createUserIn(t *testing.T, c *cip.Client, poolID, username string) {
	t.Helper()
	if _, err := c.AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: &username,
		MessageAction: types.MessageActionTypeSuppress}); err != nil {
		t.Fatalf("AdminCreateUser %s: %v", username, err)
	}
	if _, err := c.AdminSetUserPassword(t.Context(), &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &username,
		Password: aws.String(testPassword), Permanent: true}); err != nil {
		t.Fatalf("AdminSetUserPassword %s: %v", username, err)
	}
}

// apiErrorText is an API error's code and message: what a client can see,
// request ids aside.
func apiErrorText(err error) string {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return fmt.Sprint(err)
	}
	return apiErr.ErrorCode() + ": " + apiErr.ErrorMessage()
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
