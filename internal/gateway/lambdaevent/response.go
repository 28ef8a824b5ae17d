package lambdaevent

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/net/http/httpguts"
)

// Response is a function's proxy answer, ready to write.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// ErrMalformed is a function answer API Gateway cannot use: it answers 502
// (REST) or 500 (HTTP APIs) instead.
var ErrMalformed = errors.New("malformed Lambda proxy response")

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// hopByHop are headers the gateway sets itself; a function's are dropped.
var hopByHop = map[string]bool{
	"Connection": true, "Content-Length": true, "Keep-Alive": true, "Transfer-Encoding": true,
	"Te": true, "Trailer": true, "Upgrade": true, "Proxy-Connection": true,
}

// proxyAnswer is a function's proxy answer as both payload formats write
// it (aws-lambda-go's APIGatewayProxyResponse and
// APIGatewayV2HTTPResponse), decoded in one pass. statusCode stays raw to
// tell an answer without one, and cookies (2.0's alone) until 2.0 reads them.
type proxyAnswer struct {
	StatusCode        json.RawMessage     `json:"statusCode"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Body              string              `json:"body"`
	IsBase64Encoded   bool                `json:"isBase64Encoded"`
	Cookies           json.RawMessage     `json:"cookies"`
}

// status is statusCode as an int, as the events types read it.
func (a *proxyAnswer) status() (int, error) {
	if a.StatusCode == nil || string(a.StatusCode) == "null" {
		return 0, malformed("statusCode is missing")
	}
	n, err := strconv.Atoi(string(a.StatusCode))
	if err != nil {
		return 0, malformed("statusCode %.40s is not an integer", a.StatusCode)
	}
	return n, nil
}

// ParseV1 reads a payload 1.0 answer: {statusCode, headers,
// multiValueHeaders, body, isBase64Encoded}; a header in both maps keeps
// only its multiValueHeaders values. decode says whether a base64 body of
// this content type is decoded (REST: a binary media type); otherwise its
// text is sent as it is.
func ParseV1(result []byte, decode func(contentType string) bool) (Response, error) {
	if !isObject(result) {
		return Response{}, malformed("the answer is not a JSON object")
	}
	var a proxyAnswer
	if err := json.Unmarshal(result, &a); err != nil {
		return Response{}, malformed("%v", err)
	}
	status, err := a.status()
	if err != nil {
		return Response{}, err
	}
	h := http.Header{}
	if err := addHeaders(h, a.Headers); err != nil {
		return Response{}, err
	}
	for name, values := range a.MultiValueHeaders {
		if err := checkHeader(name, values...); err != nil {
			return Response{}, err
		}
		if hopByHop[http.CanonicalHeaderKey(name)] {
			continue
		}
		h[http.CanonicalHeaderKey(name)] = append([]string(nil), values...)
	}
	return finish(status, h, a.Body, a.IsBase64Encoded, decode)
}

// ParseV2 reads a payload 2.0 answer. An object with statusCode is
// {statusCode, headers, cookies, body, isBase64Encoded}; any other valid
// JSON is the body of a 200 application/json answer (a JSON string: its
// text), as API Gateway infers.
func ParseV2(result []byte) (Response, error) {
	if !isObject(result) {
		if !json.Valid(result) {
			return Response{}, malformed("the answer is not JSON")
		}
		return inferred(result), nil
	}
	var a proxyAnswer
	err := json.Unmarshal(result, &a)
	var syntax *json.SyntaxError
	switch {
	case errors.As(err, &syntax):
		return Response{}, malformed("the answer is not JSON")
	case a.StatusCode == nil: // whatever its other fields hold
		return inferred(result), nil
	case err != nil:
		return Response{}, malformed("%v", err)
	}
	status, err := a.status()
	if err != nil {
		return Response{}, err
	}
	var cookies []string
	if a.Cookies != nil {
		if err := json.Unmarshal(a.Cookies, &cookies); err != nil {
			return Response{}, malformed("%v", err)
		}
	}
	h := http.Header{}
	if err := addHeaders(h, a.Headers); err != nil {
		return Response{}, err
	}
	if err := checkHeader("Set-Cookie", cookies...); err != nil {
		return Response{}, err
	}
	h["Set-Cookie"] = append(h["Set-Cookie"], cookies...)
	if len(h["Set-Cookie"]) == 0 {
		delete(h, "Set-Cookie")
	}
	return finish(status, h, a.Body, a.IsBase64Encoded, func(string) bool { return true })
}

// inferred is 2.0's answer to valid JSON without a statusCode.
func inferred(result []byte) Response {
	body := bytes.TrimSpace(result)
	var s string
	if len(body) > 0 && body[0] == '"' && json.Unmarshal(body, &s) == nil {
		body = []byte(s)
	}
	return Response{Status: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Body: body}
}

func isObject(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && b[0] == '{'
}

func addHeaders(h http.Header, headers map[string]string) error {
	for name, value := range headers {
		if err := checkHeader(name, value); err != nil {
			return err
		}
		if !hopByHop[http.CanonicalHeaderKey(name)] {
			h[http.CanonicalHeaderKey(name)] = []string{value}
		}
	}
	return nil
}

// checkHeader refuses a header the gateway could not send as it is.
func checkHeader(name string, values ...string) error {
	if !httpguts.ValidHeaderFieldName(name) {
		return malformed("header name %q is not valid", name)
	}
	for _, v := range values {
		if !httpguts.ValidHeaderFieldValue(v) {
			return malformed("header %s has a value HTTP cannot carry", name)
		}
	}
	return nil
}

func finish(status int, h http.Header, body string, isBase64 bool, decode func(string) bool) (Response, error) {
	if status < 200 || status > 599 {
		return Response{}, malformed("statusCode %d is not an HTTP status", status)
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	out := Response{Status: status, Header: h, Body: []byte(body)}
	if isBase64 && decode(h.Get("Content-Type")) {
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(body))
		if err != nil {
			return Response{}, malformed("isBase64Encoded, but the body is not base64")
		}
		out.Body = b
	}
	return out, nil
}
