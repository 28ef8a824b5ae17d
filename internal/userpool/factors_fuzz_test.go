package userpool

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
)

// The parsers of what clients send for second factors, passkeys and devices.

func FuzzDeviceVerifierConfig(f *testing.F) {
	f.Add("AQID", "BAUG")
	f.Add("", "")
	f.Add("////", "AA==")
	f.Fuzz(func(t *testing.T, salt, verifier string) {
		v, err := (&DeviceSecretVerifierConfig{Salt: salt, PasswordVerifier: verifier}).verifier()
		if err == nil && !v.Valid() {
			t.Fatalf("accepted an unusable verifier %+v", v)
		}
	})
}

func FuzzOriginAllowed(f *testing.F) {
	f.Add("example.com", "https://auth.example.com")
	f.Add("localhost", "http://localhost:8080")
	f.Add("example.com", "https://example.com@evil.test")
	f.Fuzz(func(t *testing.T, rpID, origin string) {
		if !originAllowed(rpID, origin) {
			return
		}
		u, err := url.Parse(origin)
		if err != nil || (u.Hostname() != rpID && !strings.HasSuffix(u.Hostname(), "."+rpID)) {
			t.Fatalf("allowed %q for relying party %q", origin, rpID)
		}
	})
}

func FuzzPasskeyAnswer(f *testing.F) {
	f.Add([]byte(`{"id":"AAEC","rawId":"AAEC","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"","signature":""}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, answer []byte) {
		if parsed, err := protocol.ParseCredentialRequestResponseBytes(answer); err == nil {
			_, _ = clientOrigin("example.com", parsed.Response.CollectedClientData.Origin)
		}
		if parsed, err := protocol.ParseCredentialCreationResponseBytes(answer); err == nil {
			_ = rpIDHashMatches(parsed.Response.AttestationObject.AuthData.RPIDHash, "example.com")
		}
	})
}

func FuzzTOTPStep(f *testing.F) {
	f.Add("JBSWY3DPEHPK3PXP", "123456", int64(1_700_000_000))
	f.Add("", "", int64(0))
	f.Fuzz(func(t *testing.T, secret, code string, at int64) {
		if step, ok := totpStep(secret, code, time.Unix(at, 0), 0); ok && (step <= 0 || len(code) != 6) {
			t.Fatalf("matched step %d for code %q", step, code)
		}
	})
}
