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

func lockoutFor(failures int) time.Duration {
	if failures < lockoutThreshold {
		return 0
	}
	shift := min(failures-lockoutThreshold, 10)
	return min(time.Second<<shift, lockoutMax)
}

// verifyPassword checks a user's password under the lockout rule; a wrong
// one is the failure change records.
func (s *Service) verifyPassword(ctx context.Context, u store.User, pw string, failure change) error {
	var ok bool
	var hashErr error
	err := s.checkOnWorker(ctx, func() error { return s.reserveAttempt(ctx, u, nil) },
		func() { ok, hashErr = password.Verify(u.PasswordHash, pw) })
	if err != nil {
		return err
	}
	if hashErr != nil && u.PasswordHash != "" {
		return awserr.Internal(hashErr)
	}
	return s.settleAttempt(ctx, u, ok, failure)
}

// checkOnWorker runs a credential check on a hashing worker after its
// bookkeeping (reserving the attempt, see reserveAttempt). The worker is
// taken before anything is counted, so a request the pool turns away costs
// the user nothing.
func (s *Service) checkOnWorker(ctx context.Context, bookkeeping func() error, check func()) error {
	var bookErr error
	if err := s.hasher.Do(ctx, func() {
		if bookErr = bookkeeping(); bookErr == nil {
			check()
		}
	}); err != nil {
		return hashingFailed(err)
	}
	return bookErr
}

// reserveAttempt counts a credential check as failed before it runs, in one
// atomic update that also refuses it while the user is locked out. Parallel
// attempts therefore each take their own place in the count, and no more
// than the threshold can ever be checked: the check that reaches it sets
// the lockout for every one after it. settleAttempt clears the count when
// the credential was right. also, when set, changes the state in the same
// update (or refuses the attempt).
func (s *Service) reserveAttempt(ctx context.Context, u store.User, also func(*userState) error) error {
	err := s.updateUserTimed(ctx, u, s.unlessLockedOut(func(_ *store.User, st *userState, now time.Time) error {
		if also != nil {
			if err := also(st); err != nil {
				return err
			}
		}
		st.countFailure(now)
		return nil
	}))
	return storeErr(err, errUserNotFound)
}

// unlessLockedOut is an updater of a user that refuses while they are
// locked out and otherwise applies apply to them and their state; the
// change is bookkeeping, which emits no event.
func (s *Service) unlessLockedOut(apply func(u *store.User, st *userState, now time.Time) error) func(store.User) (store.User, change, error) {
	return func(old store.User) (store.User, change, error) {
		st, err := decodeState(old)
		if err != nil {
			return old, change{}, err
		}
		now := s.now()
		if now.UnixMilli() < st.LockedUntilMillis {
			return old, change{}, errPasswordAttemptsExceeded
		}
		if err := apply(&old, &st, now); err != nil {
			return old, change{}, err
		}
		old.State = encodeState(st)
		return old, change{kind: bookkeeping}, nil
	}
}

// countFailure counts a wrong credential, locking the user out once the
// count reaches the threshold.
func (st *userState) countFailure(now time.Time) {
	st.FailedSignIns++
	if wait := lockoutFor(st.FailedSignIns); wait > 0 {
		st.LockedUntilMillis = now.Add(wait).UnixMilli()
	}
}

// settleAttempt ends a reserved check: a right credential clears the count
// and any lockout, a wrong one stays counted, records failure and is
// Cognito's error.
func (s *Service) settleAttempt(ctx context.Context, u store.User, ok bool, failure change) error {
	if !ok {
		if failure.reason == "" {
			failure.reason = "IncorrectCredentials"
		}
		if err := s.users.note(ctx, u, failure); err != nil {
			return storeErr(err, nil)
		}
		return errIncorrectCredentials
	}
	_, err := s.users.update(ctx, u.PoolID, u.Key, func(old store.User) (store.User, change, error) {
		st, err := decodeState(old)
		if err != nil {
			return old, change{}, err
		}
		st.FailedSignIns, st.LockedUntilMillis = 0, 0
		old.State = encodeState(st)
		return old, change{kind: bookkeeping}, nil
	})
	return storeErr(err, errUserNotFound)
}

// proveFactor checks a second factor (or a one-time code signing in) under
// the same lockout as passwords, in one atomic update of the user: refused
// while locked out, a wrong answer counted, a right one clearing the count.
// check may change the state it is given (a code spent, a time step used)
// and returns the error a wrong answer gets. users writes through the
// store, or in a transaction the check is part of (s.users.in(tx)).
func (s *Service) proveFactor(ctx context.Context, users *userWrites, u store.User, check func(*store.User, *userState) error) error {
	var wrong error
	_, err := users.update(ctx, u.PoolID, u.Key, s.unlessLockedOut(func(old *store.User, st *userState, now time.Time) error {
		if wrong = check(old, st); wrong == nil {
			st.FailedSignIns, st.LockedUntilMillis = 0, 0
		} else {
			st.countFailure(now)
		}
		return nil
	}))
	if err != nil {
		return storeErr(err, errUserNotFound)
	}
	return wrong
}
