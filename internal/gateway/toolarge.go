package gateway

import (
	"net/http"
	"strconv"
)

// PayloadTooLarge refuses a request body over the API's limit. API Gateway's
// front door answers it before any gateway response applies — a plain-text
// 413 "HTTP content length exceeded 10485760 bytes." without CORS headers,
// which REQUEST_TOO_LARGE customizations do not change — and moat answers
// the same way.
type PayloadTooLarge struct{ Limit int64 }

func (e *PayloadTooLarge) Error() string {
	return "HTTP content length exceeded " + strconv.FormatInt(e.Limit, 10) + " bytes."
}

func (g *Gateway) answerTooLarge(x *exchange, e *PayloadTooLarge) {
	x.w.cors = nil
	h := x.w.Header()
	msg := e.Error()
	h.Set("Content-Type", "text; charset=utf-8") // sic: what API Gateway sends
	h.Set("Content-Length", strconv.Itoa(len(msg)))
	h.Set("Connection", "close") // the rest of the body is not worth reading
	x.w.WriteHeader(http.StatusRequestEntityTooLarge)
	if x.req.HTTP.Method != http.MethodHead {
		_, _ = x.w.Write([]byte(msg))
	}
}
