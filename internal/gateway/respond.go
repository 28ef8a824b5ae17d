package gateway

import (
	"cmp"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
)

// respond turns a pipeline failure into API Gateway's answer: the type's
// status, or the API's gateway response for the type, or its DEFAULT_4XX /
// DEFAULT_5XX as the fallback; body {"message":…} unless a template is set.
// A failure that is not an *Error is our fault: 500, cause logged.
func (g *Gateway) respond(x *exchange, err error) {
	if tooLarge := (*PayloadTooLarge)(nil); errors.As(err, &tooLarge) && x.w.status == 0 {
		g.answerTooLarge(x, tooLarge)
		return
	}
	var gwErr *Error
	if !errors.As(err, &gwErr) {
		gwErr = &Error{Type: Default5XX, Status: http.StatusInternalServerError, Message: "Internal server error", Cause: err}
	}
	if x.w.status != 0 {
		// The integration already answered (a stream broke mid-way); all
		// that is left is to say so in the log.
		g.log.Warn("response interrupted", "requestId", x.req.RequestID, "error", gwErr.Error())
		return
	}
	x.errorType, x.reason = string(gwErr.Type), cmp.Or(gwErr.Reason, gwErr.Message)
	status := gwErr.Status
	if status == 0 {
		status = DefaultStatus(gwErr.Type)
	}
	if gwErr.Raw {
		writeWhole(x, status, gwErr.ContentType, gwErr.Headers, gwErr.Body)
		return
	}
	custom, hasCustom := x.customResponse(gwErr.Type, status)
	if hasCustom && custom.StatusCode != 0 {
		status = custom.StatusCode
	}
	if status >= 500 {
		cause := gwErr.Cause
		if cause == nil {
			cause = gwErr
		}
		g.log.Error("gateway error", "requestId", x.req.RequestID, "type", string(gwErr.Type), "error", cause.Error())
	}
	if (status == http.StatusUnauthorized || status == http.StatusForbidden) && g.log.Enabled(x.req.HTTP.Context(), slog.LevelDebug) {
		g.log.Debug("gateway refused", "requestId", x.req.RequestID, "status", status, "type", string(gwErr.Type),
			"reason", cmp.Or(gwErr.Reason, gwErr.Message))
	}
	h := x.w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-Errortype", errorTypeName(gwErr.Type, status))
	for name, values := range gwErr.Headers {
		h[name] = values
	}
	for name, value := range custom.Headers {
		h.Set(name, value)
	}
	body := cmp.Or(gwErr.Template, `{"message":$context.error.messageString}`)
	if custom.Body != "" {
		body = custom.Body
	}
	body = renderErrorTemplate(body, gwErr)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	x.w.WriteHeader(status)
	if x.req.HTTP.Method != http.MethodHead {
		_, _ = x.w.Write([]byte(body))
	}
}

// writeWhole answers with a body of its own.
func writeWhole(x *exchange, status int, contentType string, headers http.Header, body string) {
	h := x.w.Header()
	for name, values := range headers {
		h[name] = values
	}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	x.w.WriteHeader(status)
	if x.req.HTTP.Method != http.MethodHead {
		_, _ = x.w.Write([]byte(body))
	}
}

// customResponse is the API's gateway response for t, else for its class.
func (x *exchange) customResponse(t ResponseType, status int) (GatewayResponse, bool) {
	if x.api == nil {
		return GatewayResponse{}, false
	}
	responses := x.api.api.GatewayResponses
	if r, ok := responses[t]; ok {
		return r, true
	}
	class := Default4XX
	if status >= 500 {
		class = Default5XX
	}
	r, ok := responses[class]
	return r, ok
}

// renderErrorTemplate substitutes API Gateway's $context.error variables.
func renderErrorTemplate(tmpl string, e *Error) string {
	if !strings.Contains(tmpl, "$context.error.") {
		return tmpl
	}
	quoted, _ := json.Marshal(e.Message)
	return strings.NewReplacer(
		"$context.error.messageString", string(quoted),
		"$context.error.message", e.Message,
		"$context.error.responseType", string(e.Type),
	).Replace(tmpl)
}
