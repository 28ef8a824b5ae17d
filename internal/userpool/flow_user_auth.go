package userpool

import (
	"context"
	"slices"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// USER_AUTH signs a user in with the first factor chosen per sign-in: a
// password (PASSWORD, or PASSWORD_SRP's proof), a code by email or SMS
// (EMAIL_OTP, SMS_OTP) or a passkey (WEB_AUTHN). PREFERRED_CHALLENGE names
// it at once; without one, or when the user cannot use it, SELECT_CHALLENGE
// lists what the user has (AvailableChallenges) and its ANSWER picks.
// Passwords are followed by the pool's MFA; passwordless factors are not,
// as Cognito documents.

func init() {
	registerFlow(signin.UserAuth, flowHandler{entries: publicEntry | adminEntry, start: (*Service).userAuth})
	registerChallenge(signin.SelectChallenge, challengeHandler{respond: (*Service).completeSelectChallenge})
}

// choice is SELECT_CHALLENGE's payload: whom the choice is for (no user
// key: a user that does not exist) and what was offered.
type choice struct {
	Username  string   `json:"n"`
	Available []string `json:"a"`
}

// firstFactorChallenges are USER_AUTH's challenges in the order Cognito
// lists them, each with the sign-in policy factor that allows it.
var firstFactorChallenges = []struct {
	challenge, factor string
}{
	{"PASSWORD", "PASSWORD"}, {"PASSWORD_SRP", "PASSWORD"}, {"WEB_AUTHN", "WEB_AUTHN"},
	{"EMAIL_OTP", "EMAIL_OTP"}, {"SMS_OTP", "SMS_OTP"},
}

func (s *Service) userAuth(ctx context.Context, a *attempt) (*AuthOutput, error) {
	if !a.client.allowsFlow("ALLOW_USER_AUTH") {
		return nil, invalidParameter("USER_AUTH flow not enabled for this client")
	}
	username := a.params["USERNAME"]
	if username == "" {
		return nil, invalidParameter("Missing required parameter USERNAME")
	}
	preferred := a.params["PREFERRED_CHALLENGE"]
	if preferred != "" && !slices.ContainsFunc(firstFactorChallenges, func(f struct{ challenge, factor string }) bool { return f.challenge == preferred }) {
		return nil, invalidParameter("PREFERRED_CHALLENGE must be one of PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP or WEB_AUTHN.")
	}
	// The password factors have their own checks for users that do not exist.
	switch {
	case preferred == "PASSWORD" && a.pool.allowsFirstFactor("PASSWORD"):
		return s.passwordAuth(ctx, a)
	case preferred == "PASSWORD_SRP" && a.pool.allowsFirstFactor("PASSWORD"):
		return s.srpStart(ctx, a)
	}
	if err := s.limiter.SignIn(ctx, a.call.Caller, a.pool.ID, a.pool.userKey(username)); err != nil {
		return nil, err
	}
	u, err := s.lookupUser(ctx, a.pool, username)
	if err == errUserNotFound {
		if err := a.client.checkSecretHash(a.params["SECRET_HASH"], username); err != nil {
			return nil, err
		}
		if !a.client.preventsUserExistenceErrors() {
			return nil, errUserNotFound
		}
		// What a user with a password and nothing else would be offered.
		return s.offerChallenges(a, store.User{Username: username}, s.passwordChallenges(a.pool)), nil
	}
	if err != nil {
		return nil, err
	}
	if err := a.client.checkSecretHash(a.params["SECRET_HASH"], username, u.Username, u.Sub); err != nil {
		return nil, err
	}
	available, err := s.availableChallenges(ctx, a.pool, u)
	if err != nil {
		return nil, err
	}
	if slices.Contains(available, preferred) {
		return s.passwordlessStart(ctx, a, u, preferred)
	}
	return s.offerChallenges(a, u, available), nil
}

// passwordChallenges are the password factors the pool allows.
func (s *Service) passwordChallenges(p *pool) []string {
	if p.allowsFirstFactor("PASSWORD") {
		return []string{"PASSWORD", "PASSWORD_SRP"}
	}
	return []string{}
}

// availableChallenges are the first factors the pool allows that the user
// has: a password, a passkey, a verified email address or phone number.
func (s *Service) availableChallenges(ctx context.Context, p *pool, u store.User) ([]string, error) {
	has := map[string]bool{
		"PASSWORD":     u.PasswordHash != "",
		"PASSWORD_SRP": u.PasswordHash != "",
		"EMAIL_OTP":    u.Attributes["email_verified"] == "true" && u.Attributes["email"] != "",
		"SMS_OTP":      u.Attributes["phone_number_verified"] == "true" && u.Attributes["phone_number"] != "",
	}
	if p.allowsFirstFactor("WEB_AUTHN") {
		keys, err := s.store.ListPasskeys(ctx, p.ID, u.Key)
		if err != nil {
			return nil, storeErr(err, errUserNotFound)
		}
		has["WEB_AUTHN"] = len(keys) > 0
	}
	out := []string{}
	for _, f := range firstFactorChallenges {
		if has[f.challenge] && p.allowsFirstFactor(f.factor) {
			out = append(out, f.challenge)
		}
	}
	return out, nil
}

// offerChallenges answers with SELECT_CHALLENGE; u.Key is empty for a user
// that does not exist.
func (s *Service) offerChallenges(a *attempt, u store.User, available []string) *AuthOutput {
	out := s.challenge(a, u, signin.SelectChallenge, choice{Username: u.Username, Available: available},
		map[string]string{"USERNAME": u.Username})
	out.AvailableChallenges = available
	return out
}

// passwordlessStart begins a passwordless first factor for a user who has
// it, once their status and the before-authentication hook allow.
func (s *Service) passwordlessStart(ctx context.Context, a *attempt, u store.User, name string) (*AuthOutput, error) {
	if err := statusRefusal(u); err != nil {
		return nil, err
	}
	if signin.UserStatus(u.Status) == signin.ForceChangePassword {
		return nil, errIncorrectCredentials // a temporary password is the only way in
	}
	if !u.Enabled {
		return nil, errUserDisabled
	}
	if err := s.preAuthentication(ctx, a, u, false); err != nil {
		return nil, err
	}
	return s.issueChallenge(ctx, name, a, u, nextStep{Source: signin.TokensForAuthentication})
}

// completeSelectChallenge takes the ANSWER and, for a password, the
// password or SRP_A that came with it.
func (s *Service) completeSelectChallenge(ctx context.Context, a *attempt, cs challengeSession, _ []byte) (*AuthOutput, error) {
	var c choice
	if !cs.payload(&c) {
		return nil, errInvalidSession
	}
	answer, err := requireResponse(a.params, "ANSWER")
	if err != nil {
		return nil, err
	}
	if !slices.Contains(c.Available, answer) {
		return nil, invalidParameter("ANSWER must be one of %s.", jsonList(c.Available))
	}
	a.flow = signin.UserAuth
	if answer == "PASSWORD" || answer == "PASSWORD_SRP" {
		a.params["USERNAME"] = c.Username
		if answer == "PASSWORD" {
			return s.passwordAuth(ctx, a)
		}
		return s.srpStart(ctx, a)
	}
	u, err := s.factorUser(ctx, a, cs, &c)
	if err != nil {
		return nil, err
	}
	return s.passwordlessStart(ctx, a, u, answer)
}
