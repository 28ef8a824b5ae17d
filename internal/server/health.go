package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/moat-dev/moat/internal/store"
)

// healthProbeSetting is never written: reading it proves the store answers,
// and its absence (ErrNotFound) is the healthy answer.
const healthProbeSetting = "moat.health-probe"

func healthHandler(st store.Store, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if _, err := st.GetSetting(ctx, healthProbeSetting); err != nil && !errors.Is(err, store.ErrNotFound) {
			logger.Error("health check: store unavailable", "error", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"status":"unavailable"}`))
			return
		}
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	})
}
