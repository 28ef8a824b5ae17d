package triggers

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/functions"
	"github.com/moat-dev/moat/internal/functions/functionstest"
	"github.com/moat-dev/moat/internal/store/sqlstore/sqlstoretest"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// recorder is a Python trigger function: it writes each event to
// $EVENTS_DIR/<triggerSource>.json and answers the way the tests below
// expect of it.
const recorder = `import json, os

def handler(event, context):
    with open(os.path.join(os.environ["EVENTS_DIR"], event["triggerSource"] + ".json"), "w") as f:
        json.dump(event, f)
    source = event["triggerSource"]
    if source == "InboundFederation_ExternalProvider":
        claims = event["request"]["attributes"]["idToken"]
        event["response"]["userAttributesToMap"] = {"email": claims["email"].lower(), "nickname": event["request"]["providerName"]}
    elif source == "TokenGeneration_ClientCredentials":
        event["response"]["claimsAndScopeOverrideDetails"] = {"accessTokenGeneration": {
            "claimsToAddOrOverride": {"tenant": {"id": 7}}, "claimsToSuppress": ["version"],
            "scopesToAdd": ["orders/read"], "scopesToSuppress": ["orders/write"]}}
    elif source.startswith("CustomMessage_"):
        r = event["request"]
        event["response"]["emailSubject"] = "Acme"
        event["response"]["emailMessage"] = "Code " + r["codeParameter"] + " " + (r["usernameParameter"] or "")
    return event
`

const functionARN = "arn:aws:lambda:us-east-1:000000000000:function:recorder"

// withRecorder is Triggers on a functions runtime running recorder, and
// the directory its events land in.
func withRecorder(t *testing.T) (*Triggers, string) {
	t.Helper()
	ctx := context.Background()
	st := sqlstoretest.Open(t)
	functionstest.ExecutionRole(t, st)
	runtime, err := functions.New(functions.Config{Store: st, Region: "us-east-1", Account: "000000000000", WorkDir: t.TempDir(),
		Memory: functions.MemoryUnenforced})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { runtime.Close() })
	events := t.TempDir()
	if _, err := runtime.Create(ctx, "recorder", functions.Definition{Runtime: "python3.12", Handler: "lambda_function.handler", Role: functionstest.RoleARN,
		Environment: map[string]string{"EVENTS_DIR": events}}, functionstest.Zip(t, map[string]string{"lambda_function.py": recorder})); err != nil {
		t.Fatal(err)
	}
	tr, err := New(Config{Functions: runtime, Region: "us-east-1", Account: "000000000000"})
	if err != nil {
		t.Fatal(err)
	}
	return tr, events
}

// recorded is the event the function received for source.
func recorded(t *testing.T, dir, source string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, source+".json"))
	if err != nil {
		t.Fatalf("the function got no %s event: %v", source, err)
	}
	var e map[string]any
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestInboundFederationEvent: a real function gets Cognito's inbound
// federation event, and its userAttributesToMap comes back.
func TestInboundFederationEvent(t *testing.T) {
	tr, dir := withRecorder(t)
	e := &signin.FederationEvent{Call: signin.Call{PoolID: "us-east-1_pool", ClientID: "app",
		Triggers: &signin.LambdaConfig{InboundFederation: &signin.VersionedLambda{LambdaArn: functionARN, LambdaVersion: signin.FederationEventV1}}},
		Username: "Okta_u1", ProviderName: "Okta", ProviderType: "OIDC", Attributes: signin.ProviderAttributes{
			TokenResponse: map[string]string{"access_token": "at", "token_type": "Bearer"},
			IDToken:       map[string]string{"sub": "u1", "email": "Ann@IdP.example"}, UserInfo: map[string]string{"team": "blue"}}}
	if err := tr.InboundFederation(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	if got := e.UserAttributesToMap; len(got) != 2 || got["email"] != "ann@idp.example" || got["nickname"] != "Okta" {
		t.Fatalf("userAttributesToMap %v", got)
	}
	ev := recorded(t, dir, "InboundFederation_ExternalProvider")
	req, _ := ev["request"].(map[string]any)
	attrs, _ := req["attributes"].(map[string]any)
	caller, _ := ev["callerContext"].(map[string]any)
	if ev["version"] != "1" || ev["userName"] != "Okta_u1" || ev["userPoolId"] != "us-east-1_pool" || caller["clientId"] != "app" ||
		req["providerName"] != "Okta" || req["providerType"] != "OIDC" || attrs["idToken"] == nil || attrs["userInfo"] == nil ||
		attrs["tokenResponse"] == nil || attrs["samlResponse"] != nil {
		t.Fatalf("the event: %v", ev)
	}
	// A pool without the trigger invokes nothing.
	none := &signin.FederationEvent{Call: signin.Call{Triggers: &signin.LambdaConfig{}}}
	if err := tr.InboundFederation(context.Background(), none); err != nil || none.UserAttributesToMap != nil {
		t.Fatalf("no trigger: %v %v", err, none.UserAttributesToMap)
	}
}

// TestClientCredentialsTokenEvent: a V3_0 function gets version 3 and
// TokenGeneration_ClientCredentials with no user, and its access-token
// edits come back.
func TestClientCredentialsTokenEvent(t *testing.T) {
	tr, dir := withRecorder(t)
	e := &signin.TokenGenerationEvent{Call: signin.Call{PoolID: "us-east-1_pool", ClientID: "machine", ClientMetadata: map[string]string{"env": "dev"},
		Triggers: &signin.LambdaConfig{PreTokenGenerationConfig: &signin.VersionedLambda{LambdaArn: functionARN, LambdaVersion: signin.TokenEventV3}}},
		Source: signin.TokensForClientCredentials, UserAttributes: map[string]string{}, Scopes: []string{"orders/write"}}
	if err := tr.PreTokenGeneration(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	if tenant, _ := e.Access.AddOrOverride["tenant"].(map[string]any); tenant["id"] != float64(7) || strings.Join(e.Access.Suppress, ",") != "version" ||
		strings.Join(e.ScopesToAdd, ",") != "orders/read" || strings.Join(e.ScopesToRemove, ",") != "orders/write" {
		t.Fatalf("the answer read: %+v", e)
	}
	ev := recorded(t, dir, "TokenGeneration_ClientCredentials")
	req, _ := ev["request"].(map[string]any)
	attrs, _ := req["userAttributes"].(map[string]any)
	scopes, _ := req["scopes"].([]any)
	metadata, _ := req["clientMetadata"].(map[string]any)
	if ev["version"] != "3" || attrs == nil || len(attrs) != 0 || len(scopes) != 1 || scopes[0] != "orders/write" || metadata["env"] != "dev" {
		t.Fatalf("the event: %v", ev)
	}
}

// TestMessageAndConfirmationEvents: each CustomMessage source reaches the
// function with Cognito's placeholders (the username's only for an
// invitation) and its wording comes back; PostConfirmation's reset source
// reaches it too.
func TestMessageAndConfirmationEvents(t *testing.T) {
	tr, dir := withRecorder(t)
	call := signin.Call{PoolID: "us-east-1_pool", ClientID: "app",
		Triggers: &signin.LambdaConfig{CustomMessage: functionARN, PostConfirmation: functionARN}}
	for _, source := range []signin.MessageSource{signin.MessageAdminCreateUser, signin.MessageForgotPassword,
		signin.MessageUpdateUserAttribute, signin.MessageVerifyUserAttribute, signin.MessageAuthentication} {
		e := &signin.MessageEvent{Call: call, Source: source, Username: "dora", UserAttributes: map[string]string{"email": "dora@example.com"}}
		if source == signin.MessageAdminCreateUser {
			e.UsernameParameter = signin.UsernamePlaceholder
		}
		if err := tr.CustomMessage(context.Background(), e); err != nil {
			t.Fatalf("%s: %v", source, err)
		}
		if e.EmailSubject != "Acme" || e.EmailMessage != "Code {####} "+e.UsernameParameter {
			t.Errorf("%s: the answer read %q %q", source, e.EmailSubject, e.EmailMessage)
		}
		ev := recorded(t, dir, string(source))
		req, _ := ev["request"].(map[string]any)
		attrs, _ := req["userAttributes"].(map[string]any)
		if ev["userName"] != "dora" || req["codeParameter"] != "{####}" || req["usernameParameter"] != e.UsernameParameter || attrs["email"] != "dora@example.com" {
			t.Errorf("%s: the event %v", source, ev)
		}
	}
	if err := tr.PostConfirmation(context.Background(), &signin.ConfirmationEvent{Call: call, Source: signin.ConfirmedForgotPassword, Username: "dora",
		UserAttributes: map[string]string{"email": "dora@example.com"}}); err != nil {
		t.Fatal(err)
	}
	if ev := recorded(t, dir, string(signin.ConfirmedForgotPassword)); ev["userName"] != "dora" || ev["version"] != "1" {
		t.Errorf("PostConfirmation_ConfirmForgotPassword event %v", ev)
	}
}
