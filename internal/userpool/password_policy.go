package userpool

import (
	"context"
	"errors"
	"strings"
	"unicode"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/password"
	"github.com/moat-dev/moat/internal/srp"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/throttle"
)

// cognitoSymbols are the characters Cognito counts as symbols.
const cognitoSymbols = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-"

// checkPassword applies the pool's policy, failing with Cognito's message
// for the first rule the password breaks.
func checkPassword(pp PasswordPolicy, pw string) error {
	fail := func(why string) error {
		return awserr.New(awserr.InvalidPassword, "Password did not conform with policy: "+why)
	}
	if len([]rune(pw)) < pp.MinimumLength {
		return fail("Password not long enough")
	}
	if len(pw) > 256 {
		return fail("Password must have length less than or equal to 256")
	}
	if strings.TrimSpace(pw) != pw {
		return fail("Password cannot begin or end with whitespace")
	}
	has := func(pred func(rune) bool) bool { return strings.IndexFunc(pw, pred) >= 0 }
	if pp.RequireLowercase && !has(unicode.IsLower) {
		return fail("Password must have lowercase characters")
	}
	if pp.RequireUppercase && !has(unicode.IsUpper) {
		return fail("Password must have uppercase characters")
	}
	if pp.RequireNumbers && !has(unicode.IsDigit) {
		return fail("Password must have numeric characters")
	}
	if pp.RequireSymbols && !has(func(r rune) bool { return strings.ContainsRune(cognitoSymbols, r) || r == ' ' }) {
		return fail("Password must have symbol characters")
	}
	return nil
}

// temporaryPassword makes a password that satisfies the policy, for
// AdminCreateUser calls that give none.
func temporaryPassword(pp PasswordPolicy) string {
	n := max(pp.MinimumLength, 12)
	return randomString("ABCDEFGHJKLMNPQRSTUVWXYZ", 2) + randomString("abcdefghijkmnpqrstuvwxyz", 2) +
		randomString("23456789", 2) + randomString("!#%+=", 2) + randomString(alnum, n-8)
}

// temporaryPasswordLife is how long, in seconds, a temporary password works.
func (pp PasswordPolicy) temporaryPasswordLife() int64 {
	return int64(pp.TemporaryPasswordValidityDays) * 24 * 60 * 60
}

// newPassword is a password that passed the pool's policy: its argon2id
// hash for USER_PASSWORD_AUTH and its SRP verifier for USER_SRP_AUTH,
// which depends on the username it is made for.
type newPassword struct {
	hash string
	srp  srp.Verifier
}

// newPasswordFor checks a password a user is about to get against the
// pool's policy, and derives what the user keeps of it.
func (s *Service) newPasswordFor(ctx context.Context, p *pool, username, pw string) (newPassword, error) {
	if err := checkPassword(p.passwordPolicy(), pw); err != nil {
		return newPassword{}, err
	}
	return s.derivePassword(ctx, p, username, pw)
}

// derivePassword hashes a password and makes its SRP verifier, on the
// hashing pool.
func (s *Service) derivePassword(ctx context.Context, p *pool, username, pw string) (newPassword, error) {
	var np newPassword
	var hashErr error
	if err := s.hasher.Do(ctx, func() {
		np.hash, hashErr = password.Hash(pw)
		np.srp = srp.NewVerifier(srp.PoolName(p.ID), username, pw)
	}); err != nil {
		return newPassword{}, hashingFailed(err)
	}
	if hashErr != nil {
		return newPassword{}, awserr.Internal(hashErr)
	}
	return np, nil
}

// temporaryPasswordFor returns the temporary password an administrator
// gave, or a generated one, with what the user keeps of it.
func (s *Service) temporaryPasswordFor(ctx context.Context, p *pool, username, given string) (plain string, np newPassword, err error) {
	if given == "" {
		given = temporaryPassword(p.passwordPolicy())
	}
	np, err = s.newPasswordFor(ctx, p, username, given)
	return given, np, err
}

// setOn gives u this password.
func (np newPassword) setOn(u *store.User, st *userState) {
	u.PasswordHash = np.hash
	st.SRPSalt, st.SRPVerifier = np.srp.Salt, np.srp.V
}

// setOnState is setOn for callers that have not decoded u's state.
func (np newPassword) setOnState(u *store.User) error {
	st, err := decodeState(*u)
	if err != nil {
		return err
	}
	np.setOn(u, &st)
	u.State = encodeState(st)
	return nil
}

// hashingFailed turns a hashing pool's refusal into Cognito's throttling
// answer: moat is busier than it can serve now.
func hashingFailed(err error) error {
	if errors.Is(err, password.ErrBusy) {
		return throttle.ErrTooManyRequests
	}
	return awserr.Internal(err)
}
