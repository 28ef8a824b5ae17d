package e2e

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/moat-dev/moat/internal/srp/srptest"
)

// generousLimits keep the per-address, per-user and code budgets out of
// the way of tests that make many calls from 127.0.0.1.
const generousLimits = "user-pool-limits:\n" +
	"  signInPerIp: {perMinute: 100000, burst: 100000}\n" +
	"  signInPerUser: {perMinute: 100000, burst: 100000}\n" +
	"  signUpPerIp: {perMinute: 100000, burst: 100000}\n" +
	"  codesPerUser: {perMinute: 100000, burst: 100000}\n"

// existenceSamples is how many timings each side of a pair gets.
const existenceSamples = 30

// sample is one timed call: how long the part under test took, and what
// it answered.
type sample func(i int) (time.Duration, error)

// requireIndistinguishable runs a call about a real user and the same call
// about one that does not exist, interleaved so the machine's load falls on
// both alike. Every answer must be the same (error code and message, or
// the same success), and the medians within 10%. The machine is shared, so
// a round whose medians differ is measured again, up to three rounds: a
// real difference (a skipped hash, a skipped write) fails them all.
func requireIndistinguishable(t *testing.T, name string, real, unknown sample, sameSuccess func(i int) bool) {
	t.Helper()
	next := 0
	var lastReal, lastUnknown time.Duration
	for round := range 3 {
		var known, ghost []time.Duration
		for range existenceSamples {
			i := next
			next++
			// Alternate which goes first, so neither pays for going first.
			var dk, du time.Duration
			var errKnown, errUnknown error
			if i%2 == 0 {
				dk, errKnown = real(i)
				du, errUnknown = unknown(i)
			} else {
				du, errUnknown = unknown(i)
				dk, errKnown = real(i)
			}
			if apiErrorText(errKnown) != apiErrorText(errUnknown) || (errKnown == nil && !sameSuccess(i)) {
				t.Fatalf("%s, sample %d: a real user answers %v, an unknown one %v", name, i, errKnown, errUnknown)
			}
			known, ghost = append(known, dk), append(ghost, du)
		}
		lastReal, lastUnknown = median(known), median(ghost)
		ratio := float64(lastUnknown) / float64(lastReal)
		t.Logf("%s, round %d: median %s for a real user, %s for an unknown one (ratio %.3f)", name, round+1, lastReal, lastUnknown, ratio)
		if ratio >= 1/1.1 && ratio <= 1.1 {
			return
		}
	}
	t.Errorf("%s: an unknown user answers in %s, a real one in %s: the difference tells them apart", name, lastUnknown, lastReal)
}

// timed measures one call.
func timed(call func() error) (time.Duration, error) {
	start := time.Now()
	err := call()
	return time.Since(start), err
}

// TestUserExistenceStaysHidden: with PreventUserExistenceErrors=ENABLED,
// each call a prober can make about a username answers the same, in the
// same time, whether or not the user exists (and whether or not it is
// disabled).
func TestUserExistenceStaysHidden(t *testing.T) {
	m, sink := startMoatWithMail(t, moatOptions{Config: generousLimits})
	c := m.cognito(t)
	poolID, clientID := lifecyclePool(t, c, types.PreventUserExistenceErrorTypesEnabled)
	srpClient, err := c.CreateUserPoolClient(t.Context(), &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("srp"),
		PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled,
		ExplicitAuthFlows:          []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	if err != nil {
		t.Fatal(err)
	}
	srpClientID := aws.ToString(srpClient.UserPoolClient.ClientId)
	// A code tolerates four wrong tries and a user four wrong passwords
	// before a lockout, so each real sample takes a user of its own quarter.
	const perUser = 4
	users := func(prefix string, confirmed bool) func(i int) string {
		n := 3 * existenceSamples / perUser
		for k := range n + 1 {
			name := fmt.Sprintf("%s%d", prefix, k)
			if confirmed {
				createUserIn(t, c, poolID, name)
				if _, err := c.AdminUpdateUserAttributes(t.Context(), &cip.AdminUpdateUserAttributesInput{UserPoolId: &poolID, Username: &name,
					UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(name + "@example.com")},
						{Name: aws.String("email_verified"), Value: aws.String("true")}}}); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if _, err := c.SignUp(t.Context(), &cip.SignUpInput{ClientId: &clientID, Username: &name, Password: aws.String("First-Pass-1"),
				UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(name + "@example.com")}}}); err != nil {
				t.Fatal(err)
			}
			codeFrom(t, sink, name+"@example.com")
		}
		return func(i int) string { return fmt.Sprintf("%s%d", prefix, i/perUser) }
	}
	ghost := func(what string) func(i int) string {
		return func(i int) string { return fmt.Sprintf("ghost-%s-%d", what, i) }
	}
	wrongCode := aws.String("000000")

	t.Run("ConfirmSignUp", func(t *testing.T) {
		pending := users("pending", false)
		confirm := func(name func(int) string) sample {
			return func(i int) (time.Duration, error) {
				return timed(func() error {
					_, err := c.ConfirmSignUp(t.Context(), &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String(name(i)), ConfirmationCode: wrongCode})
					return err
				})
			}
		}
		requireIndistinguishable(t, "ConfirmSignUp", confirm(pending), confirm(ghost("confirm")), nil)
	})

	t.Run("ConfirmForgotPassword", func(t *testing.T) {
		resetting := users("resetting", true)
		for k := 0; k <= 3*existenceSamples/perUser; k++ {
			name := fmt.Sprintf("resetting%d", k)
			if _, err := c.ForgotPassword(t.Context(), &cip.ForgotPasswordInput{ClientId: &clientID, Username: &name}); err != nil {
				t.Fatal(err)
			}
			codeFrom(t, sink, name+"@example.com")
		}
		confirm := func(name func(int) string) sample {
			return func(i int) (time.Duration, error) {
				return timed(func() error {
					_, err := c.ConfirmForgotPassword(t.Context(), &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: aws.String(name(i)),
						ConfirmationCode: wrongCode, Password: aws.String("Next-Pass-2")})
					return err
				})
			}
		}
		requireIndistinguishable(t, "ConfirmForgotPassword", confirm(resetting), confirm(ghost("reset")), nil)
	})

	t.Run("ResendConfirmationCode", func(t *testing.T) {
		const waiting = "waiting"
		if _, err := c.SignUp(t.Context(), &cip.SignUpInput{ClientId: &clientID, Username: aws.String(waiting), Password: aws.String("First-Pass-1"),
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("waiting@example.com")}}}); err != nil {
			t.Fatal(err)
		}
		masked := regexp.MustCompile(`^[a-z]\*\*\*@[a-z]\*\*\*$`)
		var answers [2][]*types.CodeDeliveryDetailsType
		resend := func(side int, name func(int) string) sample {
			return func(i int) (time.Duration, error) {
				return timed(func() error {
					out, err := c.ResendConfirmationCode(t.Context(), &cip.ResendConfirmationCodeInput{ClientId: &clientID, Username: aws.String(name(i))})
					if err == nil {
						answers[side] = append(answers[side], out.CodeDeliveryDetails)
					}
					return err
				})
			}
		}
		alike := func(i int) bool {
			real, fake := answers[0][len(answers[0])-1], answers[1][len(answers[1])-1]
			return real.DeliveryMedium == fake.DeliveryMedium && aws.ToString(real.AttributeName) == aws.ToString(fake.AttributeName) &&
				masked.MatchString(aws.ToString(real.Destination)) && masked.MatchString(aws.ToString(fake.Destination))
		}
		requireIndistinguishable(t, "ResendConfirmationCode", resend(0, func(int) string { return waiting }), resend(1, ghost("resend")), alike)
	})

	t.Run("SRP PASSWORD_VERIFIER", func(t *testing.T) {
		provers := users("prover", true)
		verify := func(name func(int) string) sample {
			return func(i int) (time.Duration, error) {
				client := srptest.NewClient()
				ch, err := c.InitiateAuth(t.Context(), &cip.InitiateAuthInput{ClientId: &srpClientID, AuthFlow: types.AuthFlowTypeUserSrpAuth,
					AuthParameters: map[string]string{"USERNAME": name(i), "SRP_A": client.A()}})
				if err != nil {
					return 0, err
				}
				ts := time.Now().UTC().Format("Mon Jan 2 15:04:05 UTC 2006")
				responses := map[string]string{
					"USERNAME": ch.ChallengeParameters["USER_ID_FOR_SRP"], "TIMESTAMP": ts,
					"PASSWORD_CLAIM_SECRET_BLOCK": ch.ChallengeParameters["SECRET_BLOCK"],
					"PASSWORD_CLAIM_SIGNATURE":    client.Sign(t, poolID, "Wrong-Pass-1", ch.ChallengeParameters, ts),
				}
				return timed(func() error {
					_, err := c.RespondToAuthChallenge(t.Context(), &cip.RespondToAuthChallengeInput{ClientId: &srpClientID,
						ChallengeName: types.ChallengeNameTypePasswordVerifier, ChallengeResponses: responses})
					return err
				})
			}
		}
		requireIndistinguishable(t, "SRP PASSWORD_VERIFIER", verify(provers), verify(ghost("srp")), nil)
	})

	wrong := func(name func(int) string) sample {
		return func(i int) (time.Duration, error) {
			return timed(func() error {
				_, err := signInWith(t, c, clientID, name(i), "Wrong-Pass-1")
				return err
			})
		}
	}

	t.Run("wrong password, unknown user", func(t *testing.T) {
		requireIndistinguishable(t, "wrong password, unknown user", wrong(users("wrong", true)), wrong(ghost("password")), nil)
	})

	t.Run("disabled user", func(t *testing.T) {
		enabled, disabled := users("enabled", true), users("disabled", true)
		for k := 0; k <= 3*existenceSamples/perUser; k++ {
			if _, err := c.AdminDisableUser(t.Context(), &cip.AdminDisableUserInput{UserPoolId: &poolID, Username: aws.String(fmt.Sprintf("disabled%d", k))}); err != nil {
				t.Fatal(err)
			}
		}
		requireIndistinguishable(t, "wrong password, disabled user", wrong(enabled), wrong(disabled), nil)
	})
}
