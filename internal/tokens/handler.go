package tokens

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/moat-dev/moat/internal/store"
)

// jwksCacheControl lets verifiers keep the JWKS a while; a rotated key is
// still fetched in time because verifiers refetch on an unknown kid.
const jwksCacheControl = "public, max-age=300"

// Handler serves each pool's /{poolId}/.well-known/jwks.json and
// /{poolId}/.well-known/openid-configuration (GET and HEAD).
func (s *Service) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{poolId}/.well-known/jwks.json", s.serveJWKS)
	mux.HandleFunc("GET /{poolId}/.well-known/openid-configuration", s.serveDiscovery)
	return mux
}

func (s *Service) serveJWKS(w http.ResponseWriter, r *http.Request) {
	poolID := r.PathValue("poolId")
	body, err := s.JWKS(r.Context(), poolID)
	if err != nil {
		writeLookupError(w, r, poolID, err)
		return
	}
	w.Header().Set("Cache-Control", jwksCacheControl)
	writeJSON(w, http.StatusOK, body)
}

func (s *Service) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	poolID := r.PathValue("poolId")
	if !validPoolID(poolID) {
		writeLookupError(w, r, poolID, store.ErrNotFound)
		return
	}
	if _, err := s.st.GetUserPool(r.Context(), poolID); err != nil {
		writeLookupError(w, r, poolID, err)
		return
	}
	writeJSON(w, http.StatusOK, s.Discovery(r.Context(), poolID))
}

// writeLookupError answers 404 for a pool that does not exist, and 500,
// logged, when the store failed.
func writeLookupError(w http.ResponseWriter, r *http.Request, poolID string, err error) {
	status, message := http.StatusNotFound, "User pool "+poolID+" does not exist."
	if !errors.Is(err, store.ErrNotFound) {
		slog.ErrorContext(r.Context(), "tokens: serving well-known document", "pool", poolID, "err", err)
		status, message = http.StatusInternalServerError, "Internal server error."
	}
	body, _ := json.Marshal(map[string]string{"message": message}) // a string map always encodes
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body) //nolint:errcheck // the client went away; nothing to do
}
