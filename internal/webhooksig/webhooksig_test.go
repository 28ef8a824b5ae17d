package webhooksig

import (
	"errors"
	"testing"
)

// Standard Webhooks' own example: its secret, message id, timestamp and
// payload sign to the signature its specification gives.
func TestSignsAsTheSpecification(t *testing.T) {
	key, err := ParseSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		t.Fatal(err)
	}
	const want = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
	if got := Sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, []byte(`{"test": 2432232314}`)); got != want {
		t.Fatalf("Sign = %s, the specification says %s", got, want)
	}
}

func TestParseSecretRefusals(t *testing.T) {
	for secret, want := range map[string]error{
		"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw": ErrNotWhsec,
		"whsec_not base64!":                ErrKeySize,
		"whsec_c2hvcnQ=":                   ErrKeySize,
		"whsec_":                           ErrKeySize,
	} {
		if _, err := ParseSecret(secret); !errors.Is(err, want) {
			t.Errorf("ParseSecret(%q) = %v, want %v", secret, err, want)
		}
	}
}
