package identitypool

import (
	"github.com/google/uuid"
)

const maxIDLength = 55

// newID mints <region>:<uuid>, the shape of both identity pool and identity IDs.
func newID(region string) string { return region + ":" + uuid.NewString() }

func validID(id string) bool { return identityPoolIDMember.check(id, "", true) == nil }

func checkPoolID(id string) error { return identityPoolIDMember.check(id, "", true) }

func checkIdentityID(id string) error { return identityIDMember.check(id, "", true) }
