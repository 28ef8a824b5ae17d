package userpool

import (
	"errors"
	"fmt"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

// Cognito's own wording for the errors several operations share.
var (
	errIncorrectCredentials = awserr.New(awserr.NotAuthorized, "Incorrect username or password.")
	errUserNotFound         = awserr.New(awserr.UserNotFound, "User does not exist.")
	errUserDisabled         = awserr.New(awserr.NotAuthorized, "User is disabled.")
	errUserNotConfirmed     = awserr.New(awserr.UserNotConfirmed, "User is not confirmed.")
	errPasswordResetNeeded  = awserr.New(awserr.PasswordResetNeeded, "Password reset required for the user")
	errInvalidAccessToken   = awserr.New(awserr.NotAuthorized, "Invalid Access Token")
	errExpiredAccessToken   = awserr.New(awserr.NotAuthorized, "Access Token has expired")
	errRevokedAccessToken   = awserr.New(awserr.NotAuthorized, "Access Token has been revoked")
	errInvalidRefreshToken  = awserr.New(awserr.NotAuthorized, "Invalid Refresh Token")
	errExpiredRefreshToken  = awserr.New(awserr.NotAuthorized, "Refresh Token has expired")
	errRevokedRefreshToken  = awserr.New(awserr.NotAuthorized, "Refresh Token has been revoked")
	errUsernameExists       = awserr.New(awserr.UsernameExists, "User account already exists")
	errInvalidSession       = awserr.New(awserr.NotAuthorized, "Invalid session for the user, session is expired.")
)

func poolNotFound(id string) error {
	return awserr.Newf(awserr.ResourceNotFound, "User pool %s does not exist.", id)
}

func clientNotFound(id string) error {
	return awserr.Newf(awserr.ResourceNotFound, "User pool client %s does not exist.", id)
}

func groupNotFound() error { return awserr.New(awserr.ResourceNotFound, "Group not found.") }

func invalidParameter(format string, args ...any) error {
	return awserr.New(awserr.InvalidParameter, fmt.Sprintf(format, args...))
}

// storeErr turns a store failure into the wire's error: a not-found becomes
// notFound (the operation knows what was missing), anything else is our fault.
func storeErr(err error, notFound error) error {
	if err == nil {
		return nil
	}
	if _, ok := awserr.As(err); ok {
		return err
	}
	if errors.Is(err, store.ErrNotFound) && notFound != nil {
		return notFound
	}
	return awserr.Internal(err)
}
