package identitypool

import (
	"regexp"

	"github.com/google/uuid"
)

// idPattern is the model's pattern for IdentityPoolId and IdentityId.
var idPattern = regexp.MustCompile(`^[\w-]+:[0-9a-f-]+$`)

const maxIDLength = 55

// newID mints <region>:<uuid>, the shape of both identity pool and identity IDs.
func newID(region string) string { return region + ":" + uuid.NewString() }

func validID(id string) bool { return len(id) <= maxIDLength && idPattern.MatchString(id) }

func checkPoolID(id string) error {
	if !validID(id) {
		return invalidParameter("1 validation error detected: Value '%s' at 'identityPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+", id)
	}
	return nil
}

func checkIdentityID(id string) error {
	if !validID(id) {
		return invalidParameter("1 validation error detected: Value '%s' at 'identityId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+", id)
	}
	return nil
}
