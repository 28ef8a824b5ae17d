package e2e

import (
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestParallelWrongPasswordsLockOut: eleven wrong passwords sent at once
// never let a twelfth attempt through: each attempt is counted before its
// password is checked, so no more than the threshold are ever checked, and
// the right password right after is refused as Cognito does.
func TestParallelWrongPasswordsLockOut(t *testing.T) {
	forEachBackend(t, func(t *testing.T, opts moatOptions) {
		opts.Config = generousLimits
		m := startMoat(t, opts)
		c := m.cognito(t)
		poolID, clientID := lifecyclePool(t, c, types.PreventUserExistenceErrorTypesEnabled)
		createUserIn(t, c, poolID, "target")
		// A busy machine may turn some away (TooManyRequestsException, with
		// nothing counted): those are sent again, in parallel, until all
		// eleven were answered by the sign-in itself.
		const busy = "TooManyRequestsException: Too many requests"
		answers := map[string]int{}
		for pending := 11; pending > 0; pending = answers[busy] {
			delete(answers, busy)
			var wg sync.WaitGroup
			var mu sync.Mutex
			for range pending {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := signInWith(t, c, clientID, "target", "Wrong-Pass-1")
					mu.Lock()
					answers[apiErrorText(err)]++
					mu.Unlock()
				}()
			}
			wg.Wait()
			t.Logf("answers to %d parallel wrong passwords: %v", pending, answers)
		}
		if checked := answers["NotAuthorizedException: Incorrect username or password."]; checked > 5 || checked == 0 {
			t.Fatalf("%d wrong passwords were checked; at most 5 may be: %v", checked, answers)
		}
		for answer := range answers {
			switch answer {
			case "NotAuthorizedException: Incorrect username or password.", "NotAuthorizedException: Password attempts exceeded":
			default:
				t.Fatalf("unexpected answer %q", answer)
			}
		}
		_, err := signInWith(t, c, clientID, "target", testPassword)
		requireAPIError[*types.NotAuthorizedException](t, err, "Password attempts exceeded")
	})
}

// TestSignUpWithMailDown: with the SMTP server unreachable, SignUp answers
// CodeDeliveryFailureException (no 500), the user stays, unconfirmed, for
// ResendConfirmationCode, and the log says why.
func TestSignUpWithMailDown(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := closed.Addr().String()
	closed.Close() // nothing listens there now
	m := startMoat(t, moatOptions{Env: []string{"MOAT_SMTP_URL=smtp://" + down, "MOAT_SMTP_FROM=moat <no-reply@moat.test>"}})
	c := m.cognito(t)
	poolID, clientID := lifecyclePool(t, c, types.PreventUserExistenceErrorTypesLegacy)
	_, err = c.SignUp(t.Context(), &cip.SignUpInput{ClientId: &clientID, Username: aws.String("nell"), Password: aws.String("First-Pass-1"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("nell@example.com")}}})
	requireAPIError[*types.CodeDeliveryFailureException](t, err, "")
	u, err := c.AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("nell")})
	if err != nil || u.UserStatus != types.UserStatusTypeUnconfirmed {
		t.Fatalf("the user must stay, unconfirmed: %+v %v", u, err)
	}
	if log := m.log.String(); !strings.Contains(log, "could not be delivered") || !strings.Contains(log, down) {
		t.Fatalf("the log does not say why the code was not delivered:\n%s", m.log.tail(20))
	}
}

// TestRevokeTokenRefusesAccessTokens: RevokeToken revokes refresh tokens;
// given an access token it answers UnsupportedTokenTypeException.
func TestRevokeTokenRefusesAccessTokens(t *testing.T) {
	m := startMoat(t, moatOptions{})
	c := m.cognito(t)
	poolID, clientID := lifecyclePool(t, c, types.PreventUserExistenceErrorTypesLegacy)
	createUserIn(t, c, poolID, "olga")
	tokens, err := signInWith(t, c, clientID, "olga", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.RevokeToken(t.Context(), &cip.RevokeTokenInput{ClientId: &clientID, Token: tokens.AccessToken})
	requireAPIError[*types.UnsupportedTokenTypeException](t, err, "")
	if _, err := c.RevokeToken(t.Context(), &cip.RevokeTokenInput{ClientId: &clientID, Token: tokens.RefreshToken}); err != nil {
		t.Fatalf("a refresh token: %v", err)
	}
}
