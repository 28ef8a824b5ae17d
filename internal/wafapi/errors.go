package wafapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/waf"
)

// wafError turns the waf package's errors into WAFv2's exceptions; other
// errors are moat's own faults and pass on to become a 500.
func wafError(err error) error {
	var (
		invalid     *waf.InvalidParameterError
		missing     *waf.NonexistentError
		unavailable *waf.UnavailableError
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &invalid):
		return invalidParameter(invalid.Field, invalid.Parameter, invalid.Reason)
	case errors.As(err, &missing), errors.Is(err, waf.ErrNotFound):
		return awserr.New("WAFNonexistentItemException", waf.ErrNotFound.Error())
	case errors.Is(err, waf.ErrDuplicate):
		return awserr.New("WAFDuplicateItemException", err.Error())
	case errors.Is(err, waf.ErrStale):
		return awserr.New("WAFOptimisticLockException", err.Error())
	case errors.Is(err, waf.ErrInUse):
		return awserr.New("WAFAssociatedItemException", err.Error())
	case errors.As(err, &unavailable):
		return awserr.New("WAFUnavailableEntityException", unavailable.Reason)
	}
	return err
}

// invalidParameter is WAFInvalidParameterException, whose message reads
// as AWS's do and whose members say what to fix.
func invalidParameter(field, parameter, reason string) *awserr.Error {
	return &awserr.Error{
		Code:    "WAFInvalidParameterException",
		Message: "Error reason: " + reason + ", field: " + field + ", parameter: " + parameter,
		Status:  http.StatusBadRequest,
		Members: map[string]string{"Field": field, "Parameter": parameter, "Reason": reason},
	}
}

// regional is the only scope moat serves.
const regional = "REGIONAL"

func checkScope(scope string) error {
	if scope != regional {
		return invalidParameter("SCOPE_VALUE", scope, "moat serves only Scope REGIONAL (web ACLs for API Gateway stages and Cognito user pools); CLOUDFRONT is not available")
	}
	return nil
}

// scoped is the Scope member of the inputs that name one.
type scoped struct {
	Scope string `json:"Scope"`
}

func (s scoped) scope() string { return s.Scope }

// regionalOnly is op for inputs naming a scope: any but REGIONAL is refused
// before op runs.
func regionalOnly[In interface{ scope() string }, Out any](op func(context.Context, In) (*Out, error)) func(context.Context, In) (*Out, error) {
	return func(ctx context.Context, in In) (*Out, error) {
		if err := checkScope(in.scope()); err != nil {
			return nil, err
		}
		return op(ctx, in)
	}
}

// refuse is WAFInvalidParameterException for a member moat does not offer.
func refuse(member, why string) error {
	return invalidParameter("WEB_ACL", member, "moat does not support "+member+": "+why)
}
