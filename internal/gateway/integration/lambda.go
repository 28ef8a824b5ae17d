package integration

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/gateway/lambdaevent"
)

// lambdaProxy is a lambda_proxy (aws_proxy) integration: the request goes
// to a function as API Gateway's proxy event, and the function's answer is
// the response.
type lambdaProxy struct {
	functions gateway.FunctionInvoker
	function  functionName
	v2        bool // payload 2.0, else 1.0
	rest      bool // REST API: errors and binary bodies as REST answers them
	binary    []string
	timeout   time.Duration
}

func (b *Builder) newLambdaProxy(api *gateway.API, c gateway.IntegrationConfig) (*lambdaProxy, error) {
	s, err := c.LambdaProxy()
	if err != nil {
		return nil, err
	}
	if b.Functions == nil {
		return nil, errors.New("type lambda_proxy: this moat runs no functions")
	}
	l := &lambdaProxy{functions: b.Functions, rest: api.Type == "REST", binary: api.BinaryMediaTypes}
	switch s.PayloadFormatVersion {
	case "":
		l.v2 = !l.rest
	case "1.0":
	case "2.0":
		if l.rest {
			return nil, errors.New("payloadFormatVersion 2.0 is for HTTP APIs; REST APIs send 1.0")
		}
		l.v2 = true
	default:
		return nil, fmt.Errorf("payloadFormatVersion %q is not 1.0 or 2.0", s.PayloadFormatVersion)
	}
	if l.timeout, err = integrationTimeout(s.TimeoutMillis); err != nil {
		return nil, err
	}
	if l.function, err = parseFunctionName(s.Function); err != nil {
		return nil, err
	}
	return l, nil
}

// Serve invokes the function with the request's event and writes its answer.
func (l *lambdaProxy) Serve(w http.ResponseWriter, req *gateway.Request) error {
	var body []byte
	if req.HTTP.Body != nil && req.HTTP.Body != http.NoBody {
		var err error
		if body, err = io.ReadAll(req.HTTP.Body); err != nil {
			return err // the body guard's error: the gateway answers it
		}
	}
	payload, err := l.event(req, body)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(req.HTTP.Context(), l.timeout)
	defer cancel()
	result, functionError, err := l.functions.InvokeFunction(ctx, gateway.GatewayPrincipal, l.function.expand(req), req.MethodARN, payload)
	switch {
	case err != nil || ctx.Err() != nil:
		return l.invokeFailed(req, ctx, cmp.Or(err, ctx.Err()))
	case functionError != "":
		return l.failed(fmt.Errorf("function error %s: %s", functionError, lambdaevent.ErrorMessage(result)))
	}
	res, err := l.parse(req, result)
	if err != nil {
		return l.failed(err)
	}
	h := w.Header()
	for name, values := range res.Header {
		h[name] = values
	}
	h.Set("Content-Length", strconv.Itoa(len(res.Body)))
	w.WriteHeader(res.Status)
	if req.HTTP.Method != http.MethodHead {
		_, _ = w.Write(res.Body)
	}
	return nil
}

func (l *lambdaProxy) event(req *gateway.Request, body []byte) ([]byte, error) {
	contentType := req.HTTP.Header.Get("Content-Type")
	if l.v2 {
		ev := lambdaevent.ProxyV2(req, body, !lambdaevent.IsText(contentType))
		return lambdaevent.AppendV2(make([]byte, 0, 1536+len(ev.Body)), &ev)
	}
	if !l.rest {
		return json.Marshal(lambdaevent.HTTPProxyV1{Version: "1.0",
			APIGatewayProxyRequest: lambdaevent.ProxyV1(req, body, !lambdaevent.IsText(contentType))})
	}
	return json.Marshal(lambdaevent.ProxyV1(req, body, lambdaevent.MatchesMediaType(l.binary, contentType)))
}

func (l *lambdaProxy) parse(req *gateway.Request, result []byte) (lambdaevent.Response, error) {
	if l.v2 {
		return lambdaevent.ParseV2(result)
	}
	decode := func(string) bool { return true }
	if l.rest {
		// REST decodes a base64 body only for a binary media type, of the
		// answer or of what the client accepts; else the text goes as is.
		accept := req.HTTP.Header.Get("Accept")
		decode = func(contentType string) bool {
			return lambdaevent.MatchesMediaType(l.binary, contentType) || lambdaevent.MatchesMediaType(l.binary, accept)
		}
	}
	return lambdaevent.ParseV1(result, decode)
}

// failed is API Gateway's answer to a function that failed or answered out
// of shape: REST 502 {"message": "Internal server error"}, HTTP APIs 500
// {"message":"Internal Server Error"}.
func (l *lambdaProxy) failed(cause error) error {
	if l.rest {
		return &gateway.Error{Type: gateway.IntegrationFailure, Status: http.StatusBadGateway, Message: "Internal server error", Cause: cause}
	}
	return &gateway.Error{Type: gateway.IntegrationFailure, Status: http.StatusInternalServerError, Message: "Internal Server Error", Cause: cause}
}

// invokeFailed answers a function that could not be run. The integration's
// own timeout is 504 Endpoint request timed out; a client gone is 499; any
// other (not found, no permission, throttled) is what API Gateway answers
// when Lambda refuses the invoke: 500 Internal server error.
func (l *lambdaProxy) invokeFailed(req *gateway.Request, ctx context.Context, err error) error {
	var timeout interface{ Timeout() bool }
	switch {
	case req.HTTP.Context().Err() != nil:
		return &gateway.Error{Type: gateway.IntegrationFailure, Status: 499, Message: "Client closed request"}
	case errors.Is(ctx.Err(), context.DeadlineExceeded), errors.As(err, &timeout) && timeout.Timeout():
		return &gateway.Error{Type: gateway.IntegrationTimeout, Message: "Endpoint request timed out", Cause: err}
	}
	message := "Internal server error"
	if !l.rest {
		message = "Internal Server Error"
	}
	return &gateway.Error{Type: gateway.IntegrationFailure, Status: http.StatusInternalServerError, Message: message,
		Cause: fmt.Errorf("invoking %s: %w", l.function.raw, err)}
}

// functionName is the function a route names, with any
// ${stageVariables.x} filled in per request.
type functionName struct {
	raw   string
	parts []uriPart // literal and stage-variable parts
}

func parseFunctionName(raw string) (functionName, error) {
	f := functionName{raw: raw}
	rest := raw
	for rest != "" {
		i := strings.Index(rest, "${stageVariables.")
		if i < 0 {
			f.parts = append(f.parts, uriPart{kind: literalPart, text: rest})
			break
		}
		if i > 0 {
			f.parts = append(f.parts, uriPart{kind: literalPart, text: rest[:i]})
		}
		end := strings.IndexByte(rest[i:], '}')
		if end < 0 {
			return f, fmt.Errorf("function %q: unclosed ${stageVariables.", raw)
		}
		name := rest[i+len("${stageVariables.") : i+end]
		if name == "" {
			return f, fmt.Errorf("function %q: ${stageVariables.} names no variable", raw)
		}
		f.parts = append(f.parts, uriPart{kind: stageVarPart, text: name})
		rest = rest[i+end+1:]
	}
	return f, nil
}

func (f functionName) expand(req *gateway.Request) string {
	if len(f.parts) == 1 && f.parts[0].kind == literalPart {
		return f.raw
	}
	var b strings.Builder
	for _, p := range f.parts {
		if p.kind == stageVarPart {
			b.WriteString(req.Stage.Variables[p.text])
		} else {
			b.WriteString(p.text)
		}
	}
	return b.String()
}
