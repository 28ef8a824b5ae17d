package waf

import "fmt"

// InvalidParameterError is a web ACL (or set) WAFv2 would refuse, with
// WAFInvalidParameterException's members: Field is one of WAFv2's
// ParameterExceptionField values (RULE, FIELD_TO_MATCH, …), Parameter the
// offending value, Reason what is wrong and what to do instead.
type InvalidParameterError struct {
	Field     string
	Parameter string
	Reason    string
}

func (e *InvalidParameterError) Error() string {
	return fmt.Sprintf("Error reason: %s, field: %s, parameter: %s", e.Reason, e.Field, e.Parameter)
}

func invalid(field, parameter, format string, args ...any) error {
	return &InvalidParameterError{Field: field, Parameter: parameter, Reason: fmt.Sprintf(format, args...)}
}

// UnavailableError refuses something AWS offers and moat cannot:
// AWSManagedRulesAmazonIpReputationList needs Amazon's threat feed. WAFv2
// answers it as WAFUnavailableEntityException.
type UnavailableError struct {
	Reason string
}

func (e *UnavailableError) Error() string { return e.Reason }

// NonexistentError is a reference to an IP set or regex pattern set that
// does not exist (WAFNonexistentItemException).
type NonexistentError struct {
	ARN string
}

func (e *NonexistentError) Error() string {
	return fmt.Sprintf("AWS WAF couldn’t perform the operation because your resource doesn’t exist: %s", e.ARN)
}
