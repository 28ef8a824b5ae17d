package integration

import (
	"testing"

	"github.com/moat-dev/moat/internal/gateway"
)

// The builder builds exactly the integration types the gateway names.
func TestBuildsEveryIntegrationType(t *testing.T) {
	names := gateway.IntegrationTypes()
	for _, name := range names {
		if types[name] == nil {
			t.Errorf("integration type %s has no builder", name)
		}
	}
	if len(types) != len(names) {
		t.Errorf("%d builders for the %d integration types %v", len(types), len(names), names)
	}
}
