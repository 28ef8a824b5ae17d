package e2e

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Two sign-ups per address, then TooManyRequestsException.
const signUpLimit = "user-pool-limits:\n  signUpPerIp: {perMinute: 1, burst: 2}\n"

// signUpVia signs a new user up through a client that sends
// X-Forwarded-For: xff, as a load balancer in front of moat would.
func signUpVia(t *testing.T, m *Moat, clientID, xff string, n int) error {
	t.Helper()
	c := cip.New(cip.Options{
		Region: m.Region, BaseEndpoint: aws.String(m.IdentityURL), Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1, HTTPClient: sdkHTTPClient,
		APIOptions: []func(*middleware.Stack) error{smithyhttp.AddHeaderValue("X-Forwarded-For", xff)},
	})
	_, err := c.SignUp(t.Context(), &cip.SignUpInput{
		ClientId: &clientID, Username: aws.String(fmt.Sprintf("user%d", n)), Password: aws.String(testPassword),
	})
	return err
}

func signUpClient(t *testing.T, m *Moat) string {
	t.Helper()
	c := m.cognito(t)
	return createClient(t, c, createPool(t, c, "proxied"), false).ID
}

// Behind a trusted proxy each forwarded client has its own sign-up budget,
// and what a client writes into X-Forwarded-For itself does not buy a new one.
func TestForwardedClientBehindTrustedProxy(t *testing.T) {
	t.Parallel()
	m := startMoat(t, moatOptions{Config: signUpLimit, Env: []string{"MOAT_TRUSTED_PROXIES=127.0.0.1"}})
	clientID := signUpClient(t, m)
	n := 0
	next := func() int { n++; return n }
	for range 2 {
		if err := signUpVia(t, m, clientID, "203.0.113.7", next()); err != nil {
			t.Fatalf("sign-up from 203.0.113.7: %v", err)
		}
	}
	requireAPIError[*types.TooManyRequestsException](t, signUpVia(t, m, clientID, "203.0.113.7", next()), "Too many requests")
	// The client prepends an address; the proxy appends the one it saw.
	requireAPIError[*types.TooManyRequestsException](t, signUpVia(t, m, clientID, "198.51.100.99, 203.0.113.7", next()), "Too many requests")
	if err := signUpVia(t, m, clientID, "203.0.113.8", next()); err != nil {
		t.Fatalf("another client behind the proxy was limited with the first: %v", err)
	}
}

// From a peer that is not a trusted proxy, X-Forwarded-For is ignored:
// changing it on every call does not escape the peer's budget.
func TestSpoofedForwardedForIgnored(t *testing.T) {
	t.Parallel()
	m := startMoat(t, moatOptions{Config: signUpLimit, Args: []string{"--trusted-proxies", "10.0.0.0/8"}})
	clientID := signUpClient(t, m)
	for i := range 2 {
		if err := signUpVia(t, m, clientID, fmt.Sprintf("203.0.113.%d", i+1), i); err != nil {
			t.Fatalf("sign-up %d: %v", i, err)
		}
	}
	requireAPIError[*types.TooManyRequestsException](t, signUpVia(t, m, clientID, "203.0.113.50", 2), "Too many requests")
}
