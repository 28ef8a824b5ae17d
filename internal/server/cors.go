package server

import (
	"net/http"
	"strings"
)

// Browsers call the identity APIs from web pages (amazon-cognito-identity-js),
// so the listener answers CORS as Cognito does: any origin, no cookies.
var (
	corsAllowHeaders = strings.Join([]string{
		"content-type", "x-amz-target", "x-amz-user-agent", "authorization", "x-amz-date",
		"x-amz-security-token", "x-amz-content-sha256", "amz-sdk-invocation-id", "amz-sdk-request", "cache-control",
	}, ", ")
	corsExposeHeaders = "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date"
)

const corsMaxAge = "86400" // seconds; browsers cap it lower themselves

func cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
		if r.Method != http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		h.Set("Access-Control-Allow-Methods", "POST")
		h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
		h.Set("Access-Control-Max-Age", corsMaxAge)
		w.WriteHeader(http.StatusOK)
	})
}
