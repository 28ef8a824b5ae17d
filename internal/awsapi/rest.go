package awsapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/moat-dev/moat/internal/awserr"
)

const restContentType = "application/json"

// restMaxBody bounds a REST-JSON request body; API Gateway's management
// requests (keys, usage plans and their patches) are small.
const restMaxBody = 64 << 10

// RESTAPI is one API in AWS's REST-JSON protocol, as API Gateway's
// management API speaks it: the method and path name the operation, bodies
// and answers are JSON, errors are {"message": …} with the code in
// x-amzn-ErrorType. Every operation needs the admin signature, checked
// before the path is even looked up, so an unsigned caller learns nothing
// about which paths exist.
type RESTAPI struct {
	SigningName string // e.g. apigateway
	// Prefixes are the paths the API claims: "/apikeys" claims /apikeys
	// and everything under /apikeys/.
	Prefixes []string
	Routes   []Route
	// MaxBody bounds a request body; 0 means 64 KiB, enough for API
	// Gateway's management requests (Lambda's packages need more).
	MaxBody int64
	// ErrorBody is an error's JSON body; nil means {"message": …}.
	ErrorBody func(e *awserr.Error) any
}

// RawAnswer is a route's answer written as it is: its headers, and a body
// that is not JSON-encoded again (Lambda's Invoke answers the function's
// own bytes).
type RawAnswer struct {
	Header http.Header
	Body   []byte
}

// Route is one operation of a REST API.
type Route struct {
	Name    string // the AWS operation name, e.g. CreateApiKey
	Pattern string // its net/http.ServeMux pattern, e.g. "GET /apikeys/{id}"
	// Handle returns the status and the value answered as JSON, or nil
	// for an answer without a body.
	Handle func(ctx context.Context, c *RESTCall) (status int, out any, err error)
}

// RESTCall is one request to a route, its body read and its signature checked.
type RESTCall struct {
	Request *http.Request // PathValue gives the pattern's wildcards
	Body    []byte
}

// Decode reads the JSON body into into: an empty body is {}, unknown
// members are ignored, anything else wrong is a BadRequestException.
func (c *RESTCall) Decode(into any) error {
	if err := decodeJSON(c.Body, into); err != nil {
		e, _ := awserr.As(err)
		return restBadRequest(e.Message)
	}
	return nil
}

func restBadRequest(message string) *awserr.Error {
	return awserr.New("BadRequestException", message)
}

// RESTHandler serves a RESTAPI.
type RESTHandler struct {
	api
	prefixes []string
}

// REST serves a through the frame, every route checked by auth.
func (f *Frame) REST(a RESTAPI, auth Authenticator) *RESTHandler {
	mux := http.NewServeMux()
	for _, rt := range a.Routes {
		mux.Handle(rt.Pattern, matched{rt})
	}
	route := func(r *http.Request, _ []byte) (operation, error) {
		rt, r := match(mux, r)
		if rt == nil {
			return operation{signed: true, serve: func(context.Context, http.ResponseWriter, *http.Request, []byte) error {
				return &awserr.Error{Code: "NotFoundException", Message: "Invalid resource path " + r.Method + " " + r.URL.Path, Status: http.StatusNotFound}
			}}, nil
		}
		return operation{name: rt.Name, signed: true, serve: func(ctx context.Context, w http.ResponseWriter, _ *http.Request, body []byte) error {
			status, out, err := rt.Handle(ctx, &RESTCall{Request: r.WithContext(ctx), Body: body})
			if err != nil {
				return err
			}
			return writeRESTResult(w, rt.Name, status, out)
		}}, nil
	}
	maxBody := a.MaxBody
	if maxBody == 0 {
		maxBody = restMaxBody
	}
	errorBody := a.ErrorBody
	if errorBody == nil {
		errorBody = func(e *awserr.Error) any { return map[string]string{"message": e.Message} }
	}
	wire := protocol{
		service: a.SigningName,
		maxBody: maxBody,
		route:   route,
		refused: restSignatureError,
		writeError: func(w http.ResponseWriter, e *awserr.Error, _ string) {
			writeRESTError(w, e, errorBody(e))
		},
		unreadable: restBadRequest("Could not read the request body"),
		tooLarge:   restBadRequest(fmt.Sprintf("Request body is larger than %d bytes, the most this API accepts", maxBody)),
		throttled:  &awserr.Error{Code: awserr.TooManyRequests, Message: "Too Many Requests", Status: http.StatusTooManyRequests},
		fault:      &awserr.Error{Code: "InternalFailureException", Message: "Internal server error", Status: http.StatusInternalServerError},
	}
	return &RESTHandler{api: api{frame: f, auth: auth, wire: wire}, prefixes: a.Prefixes}
}

// Matches claims the paths under the API's prefixes.
func (h *RESTHandler) Matches(r *http.Request) bool {
	for _, p := range h.prefixes {
		if r.URL.Path == p || strings.HasPrefix(r.URL.Path, p+"/") {
			return true
		}
	}
	return false
}

// matched is a route as the ServeMux holds it; serving it only reports
// which route matched, with the request the mux filled the path values of.
type matched struct{ route Route }

type matchKey struct{}

type found struct {
	route   *Route
	request *http.Request
}

func (m matched) ServeHTTP(_ http.ResponseWriter, r *http.Request) {
	if f, ok := r.Context().Value(matchKey{}).(*found); ok {
		f.route, f.request = &m.route, r
	}
}

// match finds the route for r with ServeMux's own precedence, and returns
// r with the route's path values set; nil when no route matches the path
// and method (the mux's redirects and 405s count as no match).
func match(mux *http.ServeMux, r *http.Request) (*Route, *http.Request) {
	f := &found{}
	mux.ServeHTTP(discard{}, r.WithContext(context.WithValue(r.Context(), matchKey{}, f)))
	if f.route == nil {
		return nil, r
	}
	return f.route, f.request
}

// discard is a ResponseWriter for the mux's own answers, which are not sent.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}

func writeRESTResult(w http.ResponseWriter, name string, status int, out any) error {
	if raw, ok := out.(*RawAnswer); ok {
		for k, v := range raw.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		_, _ = w.Write(raw.Body)
		return nil
	}
	if out == nil {
		w.WriteHeader(status)
		return nil
	}
	body, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("encode %s response: %w", name, err)
	}
	writeBody(w, status, restContentType, body)
	return nil
}

// writeRESTError answers with e in REST-JSON's error shape: the code in
// x-amzn-ErrorType and the API's body for it.
func writeRESTError(w http.ResponseWriter, e *awserr.Error, shape any) {
	body, _ := json.Marshal(shape) // the APIs' error bodies are maps of strings
	w.Header().Set("x-amzn-ErrorType", e.Code)
	writeBody(w, e.HTTPStatus(), restContentType, body)
}

// restSignatureError answers a refused signature as API Gateway's
// management API does: 403 with the SigV4 error's name.
func restSignatureError(err error) error {
	if e, ok := awserr.As(err); ok && e.HTTPStatus() < 500 {
		return &awserr.Error{Code: e.Code, Message: e.Message, Status: http.StatusForbidden}
	}
	return err
}
