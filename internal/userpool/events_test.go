package userpool

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/events"
	"github.com/moat-dev/moat/internal/store"
)

// outbox reads every event the store holds, by stream.
func outbox(t *testing.T, st store.Events) (all []events.Event, byStream map[string][]string) {
	t.Helper()
	page, err := st.ListEvents(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	byStream = map[string][]string{}
	for _, oe := range page {
		var e events.Event
		if err := json.Unmarshal(oe.Body, &e); err != nil {
			t.Fatal(err)
		}
		if e.ID != oe.ID || e.Version != "0" || e.Source != EventSource || e.Account != "000000000000" || e.Region != "us-east-1" ||
			len(e.Resources) != 1 || !strings.HasPrefix(e.Resources[0], "arn:aws:cognito-idp:us-east-1:000000000000:userpool/") {
			t.Fatalf("envelope %s", oe.Body)
		}
		all = append(all, e)
		byStream[oe.Stream] = append(byStream[oe.Stream], e.DetailType)
	}
	return all, byStream
}

func detailOf(t *testing.T, e events.Event) UserEventDetail {
	t.Helper()
	var d UserEventDetail
	if err := json.Unmarshal(e.Detail, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// Each change of a user's life writes its event, in order, with nothing
// secret in it; what fails writes none.
func TestEveryUserChangeWritesItsEvent(t *testing.T) {
	ctx := context.Background()
	l := newLifecycle(t, filepath.Join(t.TempDir(), "moat.db"), "ENABLED")
	st := l.s.users.store
	const email = "dana@example.com"
	var secrets []string
	l.signUp(t, "dana", email)
	secrets = append(secrets, "First-Pass-1")
	code := l.box.lastCode(t, email)
	if _, err := l.s.ConfirmSignUp(ctx, &ConfirmSignUpInput{ClientId: l.clientID, Username: "dana", ConfirmationCode: "000000"}); err == nil && code != "000000" {
		t.Fatal("a wrong code confirmed")
	}
	if _, byStream := outbox(t, st); len(byStream) != 1 || len(byStream[firstStream(byStream)]) != 1 {
		t.Fatalf("a wrong code wrote an event: %v", byStream)
	}
	must(t)(l.s.ConfirmSignUp(ctx, &ConfirmSignUpInput{ClientId: l.clientID, Username: "dana", ConfirmationCode: code}))
	secrets = append(secrets, code)
	if _, err := l.signIn("dana", "Wrong-Pass-1"); err == nil {
		t.Fatal("a wrong password signed in")
	}
	out, err := l.signIn("dana", "First-Pass-1")
	if err != nil {
		t.Fatal(err)
	}
	access := out.AuthenticationResult.AccessToken
	secrets = append(secrets, access, out.AuthenticationResult.RefreshToken, out.AuthenticationResult.IdToken, "Wrong-Pass-1")
	must(t)(l.s.ChangePassword(ctx, &ChangePasswordInput{AccessToken: access, PreviousPassword: "First-Pass-1", ProposedPassword: "Second-Pass-2"}))
	must(t)(l.s.ForgotPassword(ctx, &ForgotPasswordInput{ClientId: l.clientID, Username: "dana"}))
	reset := l.box.lastCode(t, email)
	must(t)(l.s.ConfirmForgotPassword(ctx, &ConfirmForgotPasswordInput{ClientId: l.clientID, Username: "dana", ConfirmationCode: reset, Password: "Third-Pass-3"}))
	secrets = append(secrets, reset, "Second-Pass-2", "Third-Pass-3")
	must(t)(l.s.UpdateUserAttributes(ctx, &UpdateUserAttributesInput{AccessToken: access, UserAttributes: []AttributeType{{Name: "email", Value: "dana@new.example.com"}}}))
	verify := l.box.lastCode(t, "dana@new.example.com")
	must(t)(l.s.VerifyUserAttribute(ctx, &VerifyUserAttributeInput{AccessToken: access, AttributeName: "email", Code: verify}))
	secrets = append(secrets, verify)
	must(t)(l.s.CreateGroup(ctx, &GroupInput{UserPoolId: l.poolID, GroupName: "staff"}))
	ref := &MembershipInput{UserPoolId: l.poolID, Username: "dana", GroupName: "staff"}
	must(t)(l.s.AdminAddUserToGroup(ctx, ref))
	must(t)(l.s.AdminAddUserToGroup(ctx, ref)) // already a member: no change
	must(t)(l.s.AdminRemoveUserFromGroup(ctx, ref))
	must(t)(l.s.AdminDisableUser(ctx, &UserRef{UserPoolId: l.poolID, Username: "dana"}))
	must(t)(l.s.AdminEnableUser(ctx, &UserRef{UserPoolId: l.poolID, Username: "dana"}))
	out, err = l.signIn("dana", "Third-Pass-3")
	if err != nil {
		t.Fatal(err)
	}
	must(t)(l.s.GlobalSignOut(ctx, &AccessTokenInput{AccessToken: out.AuthenticationResult.AccessToken}))
	must(t)(l.s.AdminDeleteUser(ctx, &UserRef{UserPoolId: l.poolID, Username: "dana"}))
	must(t)(l.s.AdminCreateUser(ctx, &AdminCreateUserInput{UserPoolId: l.poolID, Username: "erin", MessageAction: "SUPPRESS", TemporaryPassword: "Temp-Pass-1"}))
	secrets = append(secrets, "Temp-Pass-1")

	all, byStream := outbox(t, st)
	dana := byStream[firstStream(byStream)]
	want := []string{"User Signed Up", "User Confirmed", "User Sign-In Failed", "User Signed In", "User Password Changed",
		"User Password Reset", "User Attributes Updated", "User Attribute Verified", "User Added To Group", "User Removed From Group",
		"User Disabled", "User Signed Out Globally", "User Enabled", "User Signed In", "User Signed Out Globally", "User Deleted"}
	if strings.Join(dana, "|") != strings.Join(want, "|") {
		t.Fatalf("dana's events:\n got %v\nwant %v", dana, want)
	}
	if len(byStream) != 2 || all[len(all)-1].DetailType != "User Created" || detailOf(t, all[len(all)-1]).Username != "erin" {
		t.Fatalf("erin's creation: %v", byStream)
	}
	for _, e := range all {
		body, _ := json.Marshal(e)
		for _, s := range secrets {
			if strings.Contains(string(body), s) {
				t.Fatalf("event %s carries a secret: %s", e.DetailType, body)
			}
		}
	}
	d := detailOf(t, all[6])
	if d.Username != "dana" || d.Operation != "UpdateUserAttributes" || strings.Join(d.ChangedAttributes, ",") != "email,email_verified" {
		t.Fatalf("attribute update detail %+v", d)
	}
	if d := detailOf(t, all[2]); d.AuthFlow != "USER_PASSWORD_AUTH" || d.ClientID != l.clientID || d.Reason == "" {
		t.Fatalf("failed sign-in detail %+v", d)
	}
	if d := detailOf(t, all[8]); d.GroupName != "staff" {
		t.Fatalf("membership detail %+v", d)
	}
}

func firstStream(m map[string][]string) string {
	best := ""
	for k, v := range m {
		if best == "" || len(v) > len(m[best]) {
			best = k
		}
	}
	return best
}

// must fails the test when the call it is handed failed.
func must(t *testing.T) func(any, error) {
	return func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}
