package usage

import (
	"fmt"
	"net/http"
	"time"
)

// Kind names a refusal as API Gateway's gateway response types do.
type Kind string

const (
	InvalidAPIKey Kind = "INVALID_API_KEY"
	Throttled     Kind = "THROTTLED"
	QuotaExceeded Kind = "QUOTA_EXCEEDED"
)

// Error is Check's refusal; the gateway maps it to its gateway response.
// Status and Message are API Gateway's defaults for the kind.
type Error struct {
	Kind       Kind
	Status     int
	Message    string
	RetryAfter time.Duration // 0: no Retry-After
	PlanID     string
	KeyID      string
}

func (e *Error) Error() string {
	return fmt.Sprintf("usage: %s (%d %s)", e.Kind, e.Status, e.Message)
}

func invalidKey() *Error {
	return &Error{Kind: InvalidAPIKey, Status: http.StatusForbidden, Message: "Forbidden"}
}

func throttled(retryAfter time.Duration, planID, keyID string) *Error {
	return &Error{Kind: Throttled, Status: http.StatusTooManyRequests, Message: "Too Many Requests", RetryAfter: retryAfter, PlanID: planID, KeyID: keyID}
}

func quotaExceeded(retryAfter time.Duration, planID, keyID string) *Error {
	return &Error{Kind: QuotaExceeded, Status: http.StatusTooManyRequests, Message: "Limit Exceeded", RetryAfter: retryAfter, PlanID: planID, KeyID: keyID}
}
