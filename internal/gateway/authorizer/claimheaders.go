package authorizer

import "fmt"

// validateClaimHeaders checks an authorizer's claimHeaders mapping.
func validateClaimHeaders(mapping map[string]string) error {
	for claim, header := range mapping {
		if claim == "" {
			return fmt.Errorf("claimHeaders: empty claim name (header %q)", header)
		}
		if !validHeaderName(header) {
			return fmt.Errorf("claimHeaders[%q]: %q is not a valid header name", claim, header)
		}
	}
	return nil
}
