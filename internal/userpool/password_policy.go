package userpool

import (
	"strings"
	"unicode"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/password"
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

// hashNewPassword checks a password a user is about to get against the
// pool's policy, and hashes it; newPassword.setOn stores it on the user.
func (p *pool) hashNewPassword(pw string) (newPassword, error) {
	if err := checkPassword(p.passwordPolicy(), pw); err != nil {
		return newPassword{}, err
	}
	hash, err := password.Hash(pw)
	if err != nil {
		return newPassword{}, awserr.Internal(err)
	}
	return newPassword{hash: hash, plain: pw}, nil
}

// hashTemporaryPassword returns the temporary password an administrator
// gave, or a generated one, with its hash.
func (p *pool) hashTemporaryPassword(given string) (plain string, np newPassword, err error) {
	if given == "" {
		given = temporaryPassword(p.passwordPolicy())
	}
	np, err = p.hashNewPassword(given)
	return given, np, err
}
