package gateway

import "time"

// AccessRecord is one finished request as the access log tells it, with
// the refusal a 4xx or 5xx was answered for: what the console's live tail
// shows. Like the log line it holds no token, header value or query.
type AccessRecord struct {
	Time      time.Time `json:"time"`
	RequestID string    `json:"requestId"`
	API       string    `json:"api"`
	Stage     string    `json:"stage"`
	Route     string    `json:"route"`
	Method    string    `json:"method"`
	Path      string    `json:"path"`
	Status    int       `json:"status"`
	LatencyMS float64   `json:"latencyMs"`
	Principal string    `json:"principal"`
	APIKeyID  string    `json:"apiKeyId"`
	// ErrorType is the gateway response type refused or failed with
	// (ACCESS_DENIED, UNAUTHORIZED, …); Reason says why, as the debug log does.
	ErrorType string `json:"errorType,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// Watch sends the records of the API named api to ch (without blocking,
// dropping what ch has no room for) until stop is called.
func (g *Gateway) Watch(api string, ch chan<- AccessRecord) (stop func()) {
	return g.tail.Watch(api, ch)
}
