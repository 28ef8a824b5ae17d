package server

import "net/http"

// gatewayHandler serves /healthz beside whatever the gateway answers.
func gatewayHandler(cfg Config) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /healthz", healthHandler(cfg.Store, cfg.Logger))
	mux.Handle("/", cfg.Gateway)
	return mux
}

// gatewayNotFound is API Gateway's answer for a path no API serves.
func gatewayNotFound(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-amzn-ErrorType", "NotFoundException")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte(`{"message":"Not Found"}`))
}
