package identitypool

import (
	"encoding/json"
	"net/http"
)

// WellKnown serves the identity-pool token issuer's JWKS and OpenID discovery
// document under IssuerPath, and hands every other request to next (the
// user pools' well-known documents). The document names no response types:
// its tokens come from GetOpenIdToken, not from an authorization endpoint.
func (s *Service) WellKnown(next http.Handler) http.Handler {
	discovery, _ := json.Marshal(map[string]any{ // strings and string slices always encode
		"issuer":                                s.openID.issuer,
		"jwks_uri":                              s.openID.issuer + "/.well-known/jwks.json",
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
	})
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+IssuerPath+"/.well-known/jwks.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=300")
		writeJSON(w, s.openID.jwks)
	})
	mux.HandleFunc("GET "+IssuerPath+"/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, discovery)
	})
	mux.Handle("/", next)
	return mux
}

func writeJSON(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(body) //nolint:errcheck // the client went away; nothing to do
}
