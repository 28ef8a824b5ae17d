package e2e

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/moat-dev/moat/internal/mail/mailtest"
)

// TestUserPoolTriggers creates trigger functions (Python, and a Go
// PreTokenGeneration V2_0) with boto3's lambda client, sets them on a pool
// and checks with boto3 and PyJWT that each runs as Cognito's does; then
// that CustomMessage words the mail a real SMTP sink receives, and that
// UserMigration runs for ForgotPassword.
func TestUserPoolTriggers(t *testing.T) {
	python := pythonWithBoto3(t)
	dir := t.TempDir()
	source, err := os.ReadFile(filepath.Join("testdata", "lambda", "triggers", "lambda_function.py"))
	if err != nil {
		t.Fatal(err)
	}
	triggersZip := writeZip(t, filepath.Join(dir, "triggers.zip"), map[string]string{"lambda_function.py": string(source)})
	preTokenZip := buildGoFunction(t, dir, "pretoken", "v1")
	events := t.TempDir()

	sink := mailtest.NewSink(t)
	m := startMoat(t, moatOptions{Config: functionsRoleConfig, Env: []string{"MOAT_SMTP_URL=" + sink.URL(), "MOAT_SMTP_FROM=no-reply@example.com"}})
	runClientScript(t, []string{python, filepath.Join("clients", "python", "triggers_flow.py")}, "", append(m.adminEnv(),
		"MOAT_ROLE_ARN=arn:aws:iam::000000000000:role/lambda-exec",
		"MOAT_TRIGGERS_ZIP="+triggersZip,
		"MOAT_PRETOKEN_ZIP="+preTokenZip,
		"MOAT_EVENTS_DIR="+events,
	)...)

	t.Run("metrics and log", func(t *testing.T) {
		body := m.metrics(t)
		for _, want := range []string{
			`moat_userpool_trigger_invocations_total{outcome="timeout",trigger="PreSignUp"} 1`,
			`moat_userpool_trigger_invocations_total{outcome="invalid_response",trigger="PreSignUp"} 1`,
			`moat_userpool_trigger_invocations_total{outcome="function_error",trigger="PreAuthentication"} 1`,
			`moat_userpool_trigger_invocations_total{outcome="ok",trigger="PreTokenGeneration"} 5`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
		if log := m.log.tail(1 << 20); !strings.Contains(log, `"msg":"user-pool trigger invoked","pool":"us-east-1_`) ||
			!strings.Contains(log, `"trigger":"UserMigration"`) {
			t.Errorf("no log line per trigger invocation with its pool")
		}
	})

	c := m.cognito(t)
	function := func(name string) *string {
		return aws.String("arn:aws:lambda:" + m.Region + ":000000000000:function:" + name)
	}
	pool, err := c.CreateUserPool(t.Context(), &cip.CreateUserPoolInput{PoolName: aws.String("mail-triggers"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		LambdaConfig:           &types.LambdaConfigType{CustomMessage: function("custom-message"), UserMigration: function("user-migration")}})
	if err != nil {
		t.Fatal(err)
	}
	client := createClient(t, c, aws.ToString(pool.UserPool.Id), false)

	t.Run("CustomMessage", func(t *testing.T) {
		if _, err := c.SignUp(t.Context(), &cip.SignUpInput{ClientId: &client.ID, Username: aws.String("carla"), Password: aws.String("Trigger-Pass-1!"),
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("carla@example.com")}}}); err != nil {
			t.Fatal(err)
		}
		got := sink.Wait(t, "carla@example.com", invitationTimeout)
		code := mailtest.Code(got.Body)
		if got.Subject != "Welcome to Acme" || !strings.HasPrefix(got.Body, "Hello carla, your Acme code is ") || code == "" {
			t.Fatalf("the verification mail is not the function's: subject %q, body %q", got.Subject, got.Body)
		}
		if _, err := c.ConfirmSignUp(t.Context(), &cip.ConfirmSignUpInput{ClientId: &client.ID, Username: aws.String("carla"), ConfirmationCode: &code}); err != nil {
			t.Fatalf("the code in the custom message: %v", err)
		}
		signIn(t, c, client, "carla", "Trigger-Pass-1!")

		if _, err := c.SignUp(t.Context(), &cip.SignUpInput{ClientId: &client.ID, Username: aws.String("dora"), Password: aws.String("Trigger-Pass-1!"),
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("dora@example.com")}}}); err != nil {
			t.Fatal(err)
		}
		sink.Wait(t, "dora@example.com", invitationTimeout)
		_, err := c.ResendConfirmationCode(t.Context(), &cip.ResendConfirmationCodeInput{ClientId: &client.ID, Username: aws.String("dora")})
		var invalid *types.InvalidLambdaResponseException
		if !errors.As(err, &invalid) || aws.ToString(invalid.Message) != "Unrecognizable lambda output" {
			t.Fatalf("a custom message without {####}: %v, want InvalidLambdaResponseException", err)
		}
	})

	t.Run("UserMigration on ForgotPassword", func(t *testing.T) {
		out, err := c.ForgotPassword(t.Context(), &cip.ForgotPasswordInput{ClientId: &client.ID, Username: aws.String("legacy-ann")})
		if err != nil {
			t.Fatalf("ForgotPassword for a legacy user: %v", err)
		}
		if d := out.CodeDeliveryDetails; d == nil || aws.ToString(d.Destination) != "a***@l***" {
			t.Fatalf("CodeDeliveryDetails %+v", out.CodeDeliveryDetails)
		}
		got := sink.Wait(t, "ann@legacy.example", invitationTimeout)
		code := mailtest.Code(got.Body)
		if _, err := c.ConfirmForgotPassword(t.Context(), &cip.ConfirmForgotPasswordInput{ClientId: &client.ID, Username: aws.String("legacy-ann"),
			ConfirmationCode: &code, Password: aws.String("New-Legacy-Pass-2!")}); err != nil {
			t.Fatalf("ConfirmForgotPassword with the mailed code %q: %v", got.Body, err)
		}
		signIn(t, c, client, "legacy-ann", "New-Legacy-Pass-2!")
	})
}

// createEventRecorder creates a trigger function through the Lambda API,
// running as lambda-exec with $EVENTS_DIR set to events (where the test's
// functions write the events they get), and returns its ARN.
func createEventRecorder(t *testing.T, m *Moat, name, runtime, handler string, code []byte, events string) string {
	t.Helper()
	body := mustJSON(t, map[string]any{"FunctionName": name, "Runtime": runtime, "Handler": handler,
		"Role": "arn:aws:iam::000000000000:role/lambda-exec", "Code": map[string][]byte{"ZipFile": code},
		"Environment": map[string]any{"Variables": map[string]string{"EVENTS_DIR": events}}})
	if status, answer := lambdaCall(t, m, http.MethodPost, "/2015-03-31/functions", body); status != http.StatusCreated {
		t.Fatalf("CreateFunction %s: %d %s", name, status, answer)
	}
	return "arn:aws:lambda:" + m.Region + ":000000000000:function:" + name
}
