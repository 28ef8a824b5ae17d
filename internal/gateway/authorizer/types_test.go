package authorizer

import (
	"testing"

	"github.com/moat-dev/moat/internal/gateway"
)

// New builds exactly the authorizer types the gateway names.
func TestBuildsEveryAuthorizerType(t *testing.T) {
	names := gateway.AuthorizerTypes()
	for _, name := range names {
		if types[name] == nil {
			t.Errorf("authorizer type %s has no builder", name)
		}
	}
	if len(types) != len(names) {
		t.Errorf("%d builders for the %d authorizer types %v", len(types), len(names), names)
	}
}
