package userpool

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// The hosted pages' MFA path: MFA_SETUP with the token set up through the
// page's answers, a browser remembered on request that then skips MFA, a
// token for another user or a forgotten device that does not, and
// USER_AUTH's choice.
func TestHostedFactors(t *testing.T) {
	ctx := context.Background()
	l := newLifecycle(t, filepath.Join(t.TempDir(), "moat.db"), "")
	l.mfaPool(t, "ON", true, false)
	if _, err := l.s.UpdateUserPool(ctx, &UpdateUserPoolInput{UserPoolId: l.poolID, PoolConfig: PoolConfig{MfaConfiguration: "ON",
		DeviceConfiguration: &DeviceConfiguration{ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true}}}); err != nil {
		t.Fatal(err)
	}
	l.confirmedUser(t, "hana")
	l.confirmedUser(t, "ivo")
	hp, err := l.s.DescribeHostedPool(ctx, l.poolID)
	if err != nil || hp.Remembering != RememberOnPrompt || hp.Passwordless {
		t.Fatalf("hosted pool: %+v %v", hp, err)
	}

	step, err := l.s.HostedSignIn(ctx, testCaller, l.clientID, "hana", "First-Pass-1", "")
	if err != nil || step.ChallengeName != signin.MFASetup {
		t.Fatalf("MFA ON, no factor: %+v %v", step, err)
	}
	secret, session, err := l.s.HostedBeginTOTPSetup(ctx, step.Session)
	if err != nil || len(secret) < 16 {
		t.Fatalf("HostedBeginTOTPSetup: %q %v", secret, err)
	}
	answers := map[string]string{"USERNAME": "hana", "SOFTWARE_TOKEN_MFA_CODE": "000000", "FRIENDLY_DEVICE_NAME": "phone"}
	_, err = l.s.HostedRespond(ctx, testCaller, l.clientID, signin.MFASetup, session, answers, "")
	wantCode(t, err, "EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")
	answers["SOFTWARE_TOKEN_MFA_CODE"] = l.code(t, secret)
	done, err := l.s.HostedRespond(ctx, testCaller, l.clientID, signin.MFASetup, session, answers, "")
	if err != nil || done.User == nil || done.User.Username != "hana" || done.OfferPasskey {
		t.Fatalf("MFA_SETUP answered: %+v %v", done, err)
	}
	token, err := l.s.HostedRememberDevice(ctx, testCaller, done.User, "Chromium on Linux", "")
	if err != nil || token == "" {
		t.Fatalf("HostedRememberDevice: %v", err)
	}
	if kept, err := l.s.HostedRememberDevice(ctx, testCaller, done.User, "Chromium on Linux", token); err != nil || kept != token {
		t.Fatalf("a remembered browser asked again keeps its device: %v", err)
	}
	devices, err := l.s.AdminListDevices(ctx, &AdminListDevicesInput{UserRef: UserRef{UserPoolId: l.poolID, Username: "hana"}})
	if err != nil || len(devices.Devices) != 1 {
		t.Fatalf("the remembered browser is a device: %+v %v", devices, err)
	}

	// The remembered browser skips MFA; without its token the code is asked.
	again, err := l.s.HostedSignIn(ctx, testCaller, l.clientID, "hana", "First-Pass-1", token)
	if err != nil || again.User == nil {
		t.Fatalf("a remembered browser's sign-in: %+v %v", again, err)
	}
	fresh, err := l.s.HostedSignIn(ctx, testCaller, l.clientID, "hana", "First-Pass-1", "")
	if err != nil || fresh.ChallengeName != signin.SoftwareTokenMFA {
		t.Fatalf("another browser's sign-in: %+v %v", fresh, err)
	}
	// Another user's sign-in in the same browser is not helped by it (and
	// not refused for it), nor is a wrong password.
	if other, err := l.s.HostedSignIn(ctx, testCaller, l.clientID, "ivo", "First-Pass-1", token); err != nil || other.ChallengeName != signin.MFASetup {
		t.Fatalf("another user with hana's device token: %+v %v", other, err)
	}
	_, err = l.s.HostedSignIn(ctx, testCaller, l.clientID, "hana", "Wrong-Pass-1", token)
	wantCode(t, err, awserr.NotAuthorized, "Incorrect username or password.")
	if _, err := l.s.HostedSignIn(ctx, testCaller, l.clientID, "hana", "First-Pass-1", "not-a-token"); err != nil {
		t.Fatalf("a garbled device token: %v", err)
	}
	// A forgotten device, or an expired token, is a new browser again.
	l.advance(HostedDeviceLifetime*time.Second + time.Minute)
	if late, err := l.s.HostedSignIn(ctx, testCaller, l.clientID, "hana", "First-Pass-1", token); err != nil || late.ChallengeName != signin.SoftwareTokenMFA {
		t.Fatalf("an expired device token: %+v %v", late, err)
	}
	l.advance(-HostedDeviceLifetime * time.Second)
	if _, err := l.s.AdminForgetDevice(ctx, &AdminDeviceInput{UserRef: UserRef{UserPoolId: l.poolID, Username: "hana"},
		DeviceKey: devices.Devices[0].DeviceKey}); err != nil {
		t.Fatal(err)
	}
	if forgotten, err := l.s.HostedSignIn(ctx, testCaller, l.clientID, "hana", "First-Pass-1", token); err != nil || forgotten.ChallengeName != signin.SoftwareTokenMFA {
		t.Fatalf("a forgotten device: %+v %v", forgotten, err)
	}
}

func TestHostedChooseSignIn(t *testing.T) {
	ctx := context.Background()
	l := newLifecycle(t, filepath.Join(t.TempDir(), "moat.db"), "")
	clientID := l.userAuthClient(t)
	if _, err := l.s.AdminCreateUser(ctx, &AdminCreateUserInput{UserPoolId: l.poolID, Username: "uma", MessageAction: "SUPPRESS",
		UserAttributes: []AttributeType{{Name: "email", Value: "uma@example.com"}, {Name: "email_verified", Value: "true"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.s.AdminSetUserPassword(ctx, &AdminSetUserPasswordInput{UserPoolId: l.poolID, Username: "uma", Password: "First-Pass-1", Permanent: true}); err != nil {
		t.Fatal(err)
	}
	hp, _ := l.s.DescribeHostedPool(ctx, l.poolID)
	if !hp.Passwordless || hp.Remembering != RememberNever {
		t.Fatalf("hosted pool: %+v", hp)
	}
	c, _ := l.s.FindOAuthClient(ctx, clientID)
	if old, _ := l.s.FindOAuthClient(ctx, l.clientID); !c.AllowsUserAuth() || old.AllowsUserAuth() {
		t.Fatal("AllowsUserAuth reads ExplicitAuthFlows")
	}
	choice, err := l.s.HostedChooseSignIn(ctx, testCaller, clientID, "uma", "")
	if err != nil || choice.ChallengeName != signin.SelectChallenge || len(choice.AvailableChallenges) != 3 {
		t.Fatalf("USER_AUTH without a preference: %+v %v", choice, err)
	}
	emailed, err := l.s.HostedRespond(ctx, testCaller, clientID, signin.SelectChallenge, choice.Session,
		map[string]string{"USERNAME": "uma", "ANSWER": "EMAIL_OTP"}, "")
	if err != nil || emailed.ChallengeName != signin.EmailOTP {
		t.Fatalf("EMAIL_OTP chosen: %+v %v", emailed, err)
	}
	done, err := l.s.HostedRespond(ctx, testCaller, clientID, signin.EmailOTP, emailed.Session,
		map[string]string{"USERNAME": "uma", "EMAIL_OTP_CODE": l.box.lastCode(t, "uma@example.com")}, "")
	if err != nil || done.User == nil {
		t.Fatalf("the emailed code: %+v %v", done, err)
	}
	byPassword, err := l.s.HostedChooseSignIn(ctx, testCaller, clientID, "uma", "")
	if err == nil {
		byPassword, err = l.s.HostedRespond(ctx, testCaller, clientID, signin.SelectChallenge, byPassword.Session,
			map[string]string{"USERNAME": "uma", "ANSWER": "PASSWORD", "PASSWORD": "First-Pass-1"}, "")
	}
	if err != nil || byPassword.User == nil {
		t.Fatalf("PASSWORD chosen: %+v %v", byPassword, err)
	}
	_, err = l.s.HostedChooseSignIn(ctx, testCaller, l.clientID, "uma", "")
	wantCode(t, err, awserr.InvalidParameter, "USER_AUTH flow not enabled for this client")
}
