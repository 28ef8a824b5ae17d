package identitypool

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
)

// The identity-pool issuer's discovery document advertises only what is
// served: its issuer and keys, not an authorization flow it does not have.
func TestDiscoveryAdvertisesOnlyWhatIsServed(t *testing.T) {
	f := newFixture(t)
	rec := httptest.NewRecorder()
	f.WellKnown(http.NotFoundHandler()).ServeHTTP(rec, httptest.NewRequest("GET", IssuerPath+"/.well-known/openid-configuration", nil))
	var got map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &got); rec.Code != 200 || err != nil {
		t.Fatalf("discovery: %d %s", rec.Code, rec.Body)
	}
	want := map[string]any{
		"issuer": testURL + IssuerPath, "jwks_uri": testURL + IssuerPath + "/.well-known/jwks.json",
		"subject_types_supported": []any{"public"}, "id_token_signing_alg_values_supported": []any{"RS256"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("discovery =\n%v\nwant\n%v", got, want)
	}
}
