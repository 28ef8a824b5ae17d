package identitypool

import (
	"errors"
	"fmt"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

// Cognito Identity's own error codes.
const (
	ResourceConflict               = "ResourceConflictException"
	InvalidIdentityPoolConfig      = "InvalidIdentityPoolConfigurationException"
	DeveloperUserAlreadyRegistered = "DeveloperUserAlreadyRegisteredException"
	// Validation is what AWS's JSON services, Cognito Identity among them,
	// answer when a request breaks a constraint of the service's model
	// (user pools answer InvalidParameterException instead).
	Validation = "ValidationException"
)

// Messages clients match on (reference §3.8 and AWS's traces).
var (
	errGuestsOff       = awserr.New(awserr.NotAuthorized, "Unauthenticated access is not supported for this identity pool.")
	errLoginsMismatch  = awserr.New(awserr.NotAuthorized, "Logins don't match. Please include at least one valid login for this identity or identity pool.")
	errIssuerMismatch  = awserr.New(awserr.NotAuthorized, "Invalid login token. Issuer doesn't match providerName")
	errMissingAud      = awserr.New(awserr.NotAuthorized, "Invalid login token. Missing a required claim: aud")
	errUnsupported     = awserr.New(awserr.NotAuthorized, "Token is not from a supported provider of this identity pool.")
	errTokenExpired    = awserr.New(awserr.NotAuthorized, "Invalid login token. Token expired.")
	errTokenInvalid    = awserr.New(awserr.NotAuthorized, "Invalid login token. Not a valid OpenId Connect identity token.")
	errTokenRevoked    = awserr.New(awserr.NotAuthorized, "Invalid login token. Token has been revoked.")
	errNoRole          = awserr.New(InvalidIdentityPoolConfig, "Invalid identity pool configuration. Check assigned IAM roles for this pool.")
	errAmbiguousDenied = awserr.New(awserr.NotAuthorized, "No role matched this login and the identity pool's AmbiguousRoleResolution is Deny.")
)

// constraintViolated: the request breaks a constraint of the model (a
// pattern, a length, a range, a required member).
func constraintViolated(format string, args ...any) error {
	return awserr.Newf(Validation, "1 validation error detected: "+format, args...)
}

// invalidParameter: the request is well-formed but its values do not fit
// together or with the pool.
func invalidParameter(format string, args ...any) error {
	return awserr.Newf(awserr.InvalidParameter, format, args...)
}

func poolNotFound(id string) error {
	return awserr.Newf(awserr.ResourceNotFound, "IdentityPool '%s' not found.", id)
}

func identityNotFound(id string) error {
	return awserr.Newf(awserr.ResourceNotFound, "Identity '%s' not found.", id)
}

func identityDisabled(id string) error {
	return awserr.Newf(awserr.NotAuthorized, "Identity '%s' is disabled.", id)
}

// untrusted: the role's trust policy does not let this identity assume it,
// which Cognito reports as a pool misconfiguration.
func untrusted(roleARN string) error {
	return awserr.Newf(InvalidIdentityPoolConfig, "Invalid identity pool configuration. Check assigned IAM roles for this pool. (Not authorized to perform sts:AssumeRoleWithWebIdentity on %s)", roleARN)
}

// storeErr maps a store failure: ErrNotFound becomes notFound, anything else
// is our own fault.
func storeErr(err error, notFound error) error {
	if errors.Is(err, store.ErrNotFound) && notFound != nil {
		return notFound
	}
	if _, ok := awserr.As(err); ok {
		return err
	}
	return awserr.Internal(fmt.Errorf("identitypool: %w", err))
}
