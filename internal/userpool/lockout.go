package userpool

import (
	"context"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/password"
	"github.com/moat-dev/moat/internal/store"
)

// Cognito locks a user out after five consecutive wrong passwords, for a
// time that doubles with each further failure, up to about 15 minutes.
const (
	lockoutThreshold = 5
	lockoutMax       = 15 * time.Minute
)

var errPasswordAttemptsExceeded = awserr.New(awserr.NotAuthorized, "Password attempts exceeded")

// authenticatePassword checks a user's password under the lockout rule.
func (s *Service) authenticatePassword(ctx context.Context, u store.User, pw string) error {
	locked, err := s.lockedOut(u)
	if err != nil {
		return err
	}
	if locked {
		password.Burn(pw)
		return errPasswordAttemptsExceeded
	}
	ok, err := password.Verify(u.PasswordHash, pw)
	if err != nil && u.PasswordHash != "" {
		return awserr.Internal(err)
	}
	return s.countSignIn(ctx, u, ok)
}

// countSignIn records the outcome of a credential check that ran while the
// user was not locked out, and turns a wrong one into Cognito's error.
func (s *Service) countSignIn(ctx context.Context, u store.User, ok bool) error {
	if err := s.recordSignIn(ctx, u, ok); err != nil {
		return err
	}
	if !ok {
		return errIncorrectCredentials
	}
	return nil
}

func lockoutFor(failures int) time.Duration {
	if failures < lockoutThreshold {
		return 0
	}
	shift := min(failures-lockoutThreshold, 10)
	return min(time.Second<<shift, lockoutMax)
}

// lockedOut reports whether the user must wait before trying a password.
func (s *Service) lockedOut(u store.User) (bool, error) {
	st, err := decodeState(u)
	if err != nil {
		return false, err
	}
	return s.now().UnixMilli() < st.LockedUntilMillis, nil
}

// recordSignIn counts a wrong password, or clears the count after a right one
// (writing only when there is something to clear).
func (s *Service) recordSignIn(ctx context.Context, u store.User, ok bool) error {
	st, err := decodeState(u)
	if err != nil {
		return err
	}
	if ok && st.FailedSignIns == 0 && st.LockedUntilMillis == 0 {
		return nil
	}
	err = s.store.UpdateUser(ctx, u.PoolID, u.Key, func(old store.User) (store.User, error) {
		st, err := decodeState(old)
		if err != nil {
			return old, err
		}
		if ok {
			st.FailedSignIns, st.LockedUntilMillis = 0, 0
		} else {
			st.FailedSignIns++
			if wait := lockoutFor(st.FailedSignIns); wait > 0 {
				st.LockedUntilMillis = s.now().Add(wait).UnixMilli()
			}
		}
		old.State = encodeState(st)
		return old, nil
	})
	return storeErr(err, errUserNotFound)
}
