package userpool

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/srp"
	"github.com/moat-dev/moat/internal/srp/srptest"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// deviceVerifierConfig is what a client sends ConfirmDevice for a random password.
func deviceVerifierConfig(t *testing.T, groupKey, deviceKey, password string) *DeviceSecretVerifierConfig {
	t.Helper()
	v := srp.NewVerifier(groupKey, deviceKey, password)
	b64 := func(h string) string {
		if len(h)%2 == 1 {
			h = "0" + h
		}
		raw, err := hex.DecodeString(h)
		if err != nil {
			t.Fatal(err)
		}
		return base64.StdEncoding.EncodeToString(raw)
	}
	return &DeviceSecretVerifierConfig{PasswordVerifier: b64(v.V), Salt: b64(v.Salt)}
}

func TestRememberedDevices(t *testing.T) {
	ctx := context.Background()
	l := newLifecycle(t, filepath.Join(t.TempDir(), "moat.db"), "")
	if _, err := l.s.UpdateUserPool(ctx, &UpdateUserPoolInput{UserPoolId: l.poolID, PoolConfig: PoolConfig{
		DeviceConfiguration: &DeviceConfiguration{ChallengeRequiredOnNewDevice: true}}}); err != nil {
		t.Fatal(err)
	}
	l.mfaPool(t, "OPTIONAL", true, false)
	l.confirmedUser(t, "dev")
	first, err := l.signIn("dev", "First-Pass-1")
	if err != nil || first.AuthenticationResult.NewDeviceMetadata == nil {
		t.Fatalf("a pool tracking devices names one: %+v %v", first, err)
	}
	secret := l.enrolTOTP(t, first.AuthenticationResult.AccessToken)
	if _, err := l.s.AdminSetUserMFAPreference(ctx, &AdminSetUserMFAPreferenceInput{UserPoolId: l.poolID, Username: "dev",
		MFAPreferences: MFAPreferences{SoftwareTokenMfaSettings: &MFAOptionSettings{Enabled: true, PreferredMfa: true}}}); err != nil {
		t.Fatal(err)
	}
	l.advance(time.Minute)

	// A sign-in with MFA names a device, whose key is in the access token.
	mfa, err := l.signIn("dev", "First-Pass-1")
	if err != nil || mfa.ChallengeName != "SOFTWARE_TOKEN_MFA" {
		t.Fatalf("sign-in: %+v %v", mfa, err)
	}
	done, err := l.respond("SOFTWARE_TOKEN_MFA", mfa, map[string]string{"USERNAME": "dev", "SOFTWARE_TOKEN_MFA_CODE": l.code(t, secret)})
	if err != nil || done.AuthenticationResult.NewDeviceMetadata == nil {
		t.Fatalf("MFA: %+v %v", done, err)
	}
	device := done.AuthenticationResult.NewDeviceMetadata
	access := done.AuthenticationResult.AccessToken
	claims, _ := l.s.tokens.Verify(ctx, access)
	if claims.Raw["device_key"] != device.DeviceKey {
		t.Fatalf("access token device_key %v, want %s", claims.Raw["device_key"], device.DeviceKey)
	}
	const devicePassword = "random-device-password-from-the-client"
	_, err = l.s.ConfirmDevice(ctx, &ConfirmDeviceInput{AccessToken: access, DeviceKey: first.AuthenticationResult.NewDeviceMetadata.DeviceKey,
		DeviceSecretVerifierConfig: deviceVerifierConfig(t, device.DeviceGroupKey, device.DeviceKey, devicePassword)})
	wantCode(t, err, awserr.ResourceNotFound, "Device does not exist.")
	confirmed, err := l.s.ConfirmDevice(ctx, &ConfirmDeviceInput{AccessToken: access, DeviceKey: device.DeviceKey, DeviceName: "laptop",
		DeviceSecretVerifierConfig: deviceVerifierConfig(t, device.DeviceGroupKey, device.DeviceKey, devicePassword)})
	if err != nil || confirmed.UserConfirmationNecessary {
		t.Fatalf("ConfirmDevice: %+v %v", confirmed, err)
	}
	listed, err := l.s.ListDevices(ctx, &ListDevicesInput{AccessToken: access})
	if err != nil || len(listed.Devices) != 1 || listed.Devices[0].DeviceKey != device.DeviceKey ||
		attributeMap(listed.Devices[0].DeviceAttributes)["dev:device_remembered_status"] != "remembered" ||
		attributeMap(listed.Devices[0].DeviceAttributes)["device_name"] != "laptop" {
		t.Fatalf("ListDevices: %+v %v", listed, err)
	}

	// The remembered device stands in for the token.
	deviceSignIn := func(password string) (*AuthOutput, error) {
		t.Helper()
		out, err := l.s.InitiateAuth(ctx, testCaller, &InitiateAuthInput{AuthFlow: "USER_PASSWORD_AUTH", ClientId: l.clientID,
			AuthParameters: map[string]string{"USERNAME": "dev", "PASSWORD": "First-Pass-1", "DEVICE_KEY": device.DeviceKey}})
		if err != nil || out.ChallengeName != "DEVICE_SRP_AUTH" {
			t.Fatalf("sign-in naming the device: %+v %v", out, err)
		}
		c := srptest.NewClient()
		verifier, err := l.respond("DEVICE_SRP_AUTH", out, map[string]string{"USERNAME": "dev", "DEVICE_KEY": device.DeviceKey, "SRP_A": c.A()})
		if err != nil || verifier.ChallengeName != "DEVICE_PASSWORD_VERIFIER" {
			t.Fatalf("DEVICE_SRP_AUTH: %+v %v", verifier, err)
		}
		ts := l.clock.UTC().Format("Mon Jan 2 15:04:05 UTC 2006")
		answer := map[string]string{"USERNAME": "dev", "DEVICE_KEY": device.DeviceKey, "TIMESTAMP": ts,
			"PASSWORD_CLAIM_SECRET_BLOCK": verifier.ChallengeParameters["SECRET_BLOCK"],
			"PASSWORD_CLAIM_SIGNATURE":    c.SignAs(t, device.DeviceGroupKey, device.DeviceKey, password, verifier.ChallengeParameters, ts)}
		res, err := l.respond("DEVICE_PASSWORD_VERIFIER", &AuthOutput{}, answer)
		if err == nil {
			_, replay := l.respond("DEVICE_PASSWORD_VERIFIER", &AuthOutput{}, answer)
			wantCode(t, replay, awserr.NotAuthorized, "Invalid session for the user, session is expired.")
		}
		return res, err
	}
	_, err = deviceSignIn("another password")
	wantCode(t, err, awserr.NotAuthorized, "Incorrect username or password.")
	tokenSources := &sourceRecorder{}
	l.s.hooks.PreTokenGeneration = tokenSources
	skipped, err := deviceSignIn(devicePassword)
	if err != nil || skipped.AuthenticationResult == nil || skipped.AuthenticationResult.NewDeviceMetadata != nil {
		t.Fatalf("device sign-in: %+v %v", skipped, err)
	}
	if got := tokenSources.take(); !slices.Equal(got, []string{string(signin.TokensForDevice)}) {
		t.Fatalf("a device sign-in's token hook sources %q, want TokenGeneration_AuthenticateDevice", got)
	}
	l.s.hooks.PreTokenGeneration = nil
	claims, _ = l.s.tokens.Verify(ctx, skipped.AuthenticationResult.AccessToken)
	if claims.Raw["device_key"] != device.DeviceKey {
		t.Fatalf("device sign-in's access token device_key %v", claims.Raw["device_key"])
	}
	got, err := l.s.AdminGetDevice(ctx, &AdminDeviceInput{UserRef: UserRef{UserPoolId: l.poolID, Username: "dev"}, DeviceKey: device.DeviceKey})
	if err != nil || attributeMap(got.Device.DeviceAttributes)["last_ip_used"] != testCaller.String() {
		t.Fatalf("AdminGetDevice: %+v %v", got, err)
	}

	// Not remembered, the device is still tracked but MFA is asked again.
	if _, err := l.s.UpdateDeviceStatus(ctx, &UpdateDeviceStatusInput{DeviceInput: DeviceInput{AccessToken: access, DeviceKey: device.DeviceKey},
		DeviceRememberedStatus: "not_remembered"}); err != nil {
		t.Fatal(err)
	}
	tracked, err := l.s.InitiateAuth(ctx, testCaller, &InitiateAuthInput{AuthFlow: "USER_PASSWORD_AUTH", ClientId: l.clientID,
		AuthParameters: map[string]string{"USERNAME": "dev", "PASSWORD": "First-Pass-1", "DEVICE_KEY": device.DeviceKey}})
	if err != nil || tracked.ChallengeName != "SOFTWARE_TOKEN_MFA" {
		t.Fatalf("a device not remembered: %+v %v", tracked, err)
	}
	l.advance(time.Minute)
	again, err := l.respond("SOFTWARE_TOKEN_MFA", tracked, map[string]string{"USERNAME": "dev", "SOFTWARE_TOKEN_MFA_CODE": l.code(t, secret)})
	if err != nil || again.AuthenticationResult.NewDeviceMetadata != nil {
		t.Fatalf("MFA on a tracked device: %+v %v", again, err)
	}

	// Forgotten, the device is unknown.
	if _, err := l.s.AdminForgetDevice(ctx, &AdminDeviceInput{UserRef: UserRef{UserPoolId: l.poolID, Username: "dev"}, DeviceKey: device.DeviceKey}); err != nil {
		t.Fatal(err)
	}
	_, err = l.s.InitiateAuth(ctx, testCaller, &InitiateAuthInput{AuthFlow: "USER_PASSWORD_AUTH", ClientId: l.clientID,
		AuthParameters: map[string]string{"USERNAME": "dev", "PASSWORD": "First-Pass-1", "DEVICE_KEY": device.DeviceKey}})
	wantCode(t, err, awserr.ResourceNotFound, "Device does not exist.")
	_, err = l.s.GetDevice(ctx, &DeviceInput{AccessToken: access, DeviceKey: device.DeviceKey})
	wantCode(t, err, awserr.ResourceNotFound, "Device does not exist.")
}
