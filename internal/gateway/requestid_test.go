package gateway

import (
	"testing"

	"github.com/google/uuid"
)

func TestRequestIDsAreVersion4UUIDs(t *testing.T) {
	seen := map[string]bool{}
	for range 100000 {
		id := newRequestID()
		u, err := uuid.Parse(id)
		if err != nil || u.Version() != 4 || u.Variant() != uuid.RFC4122 || u.String() != id {
			t.Fatalf("%q: %v, version %d, variant %v", id, err, u.Version(), u.Variant())
		}
		if seen[id] {
			t.Fatalf("%q twice", id)
		}
		seen[id] = true
	}
}
