package userpool

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// Software tokens (TOTP, RFC 6238 as Cognito uses it: SHA-1, six digits,
// 30-second steps, one step of skew either way). AssociateSoftwareToken
// keeps a new secret as pending; VerifySoftwareToken's right code makes it
// the user's token, replacing any other. Secrets are user secrets, sealed
// at rest.

const (
	totpSecret        = "totp"
	totpPendingSecret = "totp.pending"
	totpPeriod        = 30
)

var totpOptions = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

var (
	errTOTPNotOffered  = awserr.New("SoftwareTokenMFANotFoundException", "Software Token MFA has not been enabled by the userPool.")
	errTOTPMismatch    = awserr.New("EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")
	errTOTPNotAssoc    = awserr.New("EnableSoftwareTokenMFAException", "The user has no software token to verify: call AssociateSoftwareToken first.")
	errMFACodeMismatch = awserr.New(awserr.CodeMismatch, "Invalid code received for user")
	errAccessXorSess   = invalidParameter("AccessToken or Session must be given, and not both.")
	errMFANotSetUp     = awserr.New("MFAMethodNotFoundException", "The pool requires MFA and the user has no factor, and the pool offers none the user can set up while signing in: an administrator must set one up (AdminSetUserMFAPreference).")
)

// newTOTPSecret is 160 random bits in unpadded base32, RFC 4226's size.
func newTOTPSecret() string {
	raw := make([]byte, 20)
	if _, err := rand.Read(raw); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw)
}

// totpStep is the time step a code for secret matches at now (one step of
// skew either way), if it is later than after: a code is good once.
func totpStep(secret, code string, now time.Time, after int64) (int64, bool) {
	if len(code) != 6 {
		return 0, false
	}
	current := now.Unix() / totpPeriod
	for _, step := range []int64{current - 1, current, current + 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0), totpOptions)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && step > after {
			return step, true
		}
	}
	return 0, false
}

type AssociateSoftwareTokenInput struct {
	AccessToken string `json:"AccessToken,omitempty"`
	Session     string `json:"Session,omitempty"`
}

type AssociateSoftwareTokenOutput struct {
	SecretCode string `json:"SecretCode"`
	Session    string `json:"Session,omitempty"`
}

// tokenOwner is the user a software-token call is for: the access token's,
// or, during sign-in, the MFA_SETUP session's.
type tokenOwner struct {
	pool    *pool
	user    store.User
	session *challengeSession // nil with an access token
}

func (s *Service) softwareTokenOwner(ctx context.Context, accessToken, session string) (*tokenOwner, error) {
	if (accessToken == "") == (session == "") {
		return nil, errAccessXorSess
	}
	if accessToken != "" {
		p, u, _, err := s.accessTokenUser(ctx, accessToken)
		if err != nil {
			return nil, err
		}
		return &tokenOwner{pool: p, user: u}, nil
	}
	cs, _, ok := s.session.openText(session)
	if !ok || cs.Challenge != signin.MFASetup || s.clock() > cs.ExpiresAt {
		return nil, errInvalidSession
	}
	p, err := s.loadPool(ctx, cs.PoolID)
	if err != nil {
		return nil, err
	}
	u, err := s.store.GetUser(ctx, p.ID, cs.UserKey)
	if err != nil {
		return nil, storeErr(err, errInvalidSession)
	}
	return &tokenOwner{pool: p, user: u, session: &cs}, nil
}

func (s *Service) AssociateSoftwareToken(ctx context.Context, in *AssociateSoftwareTokenInput) (*AssociateSoftwareTokenOutput, error) {
	o, err := s.softwareTokenOwner(ctx, in.AccessToken, in.Session)
	if err != nil {
		return nil, err
	}
	if !o.pool.offersFactor(factorTOTP) {
		return nil, errTOTPNotOffered
	}
	secret := newTOTPSecret()
	if err := s.store.PutUserSecret(ctx, store.UserSecret{PoolID: o.pool.ID, UserKey: o.user.Key, Name: totpPendingSecret,
		Value: secret, UpdatedAt: s.clock()}); err != nil {
		return nil, storeErr(err, errUserNotFound)
	}
	out := &AssociateSoftwareTokenOutput{SecretCode: secret}
	if o.session != nil {
		out.Session = s.session.seal(*o.session)
	}
	return out, nil
}

type VerifySoftwareTokenInput struct {
	AccessToken        string `json:"AccessToken,omitempty"`
	Session            string `json:"Session,omitempty"`
	UserCode           string `json:"UserCode"`
	FriendlyDeviceName string `json:"FriendlyDeviceName,omitempty"`
}

type VerifySoftwareTokenOutput struct {
	Status  string `json:"Status"`
	Session string `json:"Session,omitempty"`
}

// VerifySoftwareToken makes the pending secret the user's software token
// when the code is right. During sign-in (the Session form) the token is
// also turned on and preferred, and the session it returns lets MFA_SETUP
// finish; with an access token, SetUserMFAPreference turns it on.
func (s *Service) VerifySoftwareToken(ctx context.Context, in *VerifySoftwareTokenInput) (*VerifySoftwareTokenOutput, error) {
	o, err := s.softwareTokenOwner(ctx, in.AccessToken, in.Session)
	if err != nil {
		return nil, err
	}
	if in.UserCode == "" {
		return nil, invalidParameter("1 validation error detected: Value null at 'userCode' failed to satisfy constraint: Member must not be null")
	}
	pending, err := s.store.GetUserSecret(ctx, o.pool.ID, o.user.Key, totpPendingSecret)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errTOTPNotAssoc
	}
	if err != nil {
		return nil, awserr.Internal(err)
	}
	// The code's check is counted even when it fails; only a right code
	// replaces the token, in the same transaction.
	var wrong error
	err = s.store.Atomic(ctx, func(tx store.Store) error {
		wrong = s.proveFactor(ctx, s.users.in(tx), o.user, func(_ *store.User, st *userState) error {
			step, ok := totpStep(pending.Value, in.UserCode, s.now(), 0)
			if !ok {
				return errTOTPMismatch
			}
			st.MFA.TOTP, st.MFA.TOTPName, st.MFA.TOTPStep = true, in.FriendlyDeviceName, step
			if o.session != nil {
				st.MFA.enable(factorTOTP, true)
			}
			return nil
		})
		if wrong != nil {
			return nil
		}
		if err := tx.PutUserSecret(ctx, store.UserSecret{PoolID: o.pool.ID, UserKey: o.user.Key, Name: totpSecret,
			Value: pending.Value, UpdatedAt: s.clock()}); err != nil {
			return err
		}
		return tx.DeleteUserSecret(ctx, o.pool.ID, o.user.Key, totpPendingSecret)
	})
	if err == nil {
		err = wrong
	}
	if err != nil {
		return nil, storeErr(err, errUserNotFound)
	}
	out := &VerifySoftwareTokenOutput{Status: "SUCCESS"}
	if o.session != nil {
		var setup mfaSetup
		o.session.payload(&setup)
		setup.SetUp = true
		out.Session = s.session.seal(o.session.withPayload(setup))
	}
	return out, nil
}

// AdminDeleteSoftwareToken removes a user's software token and their
// preference for it, for a user who lost the device; their next sign-in
// falls back to another factor, or to MFA_SETUP when the pool requires MFA.
func (s *Service) AdminDeleteSoftwareToken(ctx context.Context, in *UserRef) (*Empty, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	err = s.store.Atomic(ctx, func(tx store.Store) error {
		for _, name := range []string{totpSecret, totpPendingSecret} {
			if err := tx.DeleteUserSecret(ctx, p.ID, u.Key, name); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		return tx.UpdateUser(ctx, p.ID, u.Key, func(old store.User) (store.User, error) {
			st, err := decodeState(old)
			if err != nil {
				return old, err
			}
			st.MFA.disable(factorTOTP)
			st.MFA.TOTP, st.MFA.TOTPName = false, ""
			old.State = encodeState(st)
			old.UpdatedAt = s.clock()
			return old, nil
		})
	})
	return &Empty{}, storeErr(err, errUserNotFound)
}
