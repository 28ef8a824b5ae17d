package awsapi

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/moat-dev/moat/internal/awserr"
)

// jsonMaxBody bounds an AWS JSON 1.1 request body. Cognito's largest
// requests (a user pool with every message template) stay far below it.
const jsonMaxBody = 256 << 10

// JSONAPI serves one AWS JSON 1.1 service: a POST whose X-Amz-Target
// header names the service and an operation.
type JSONAPI struct {
	api
	prefix string
}

// JSON serves svc through the frame; auth checks its Signed operations and
// may be nil only when there are none. Duplicate operation names, or signed
// operations without auth, are programming errors and panic.
func (f *Frame) JSON(svc Service, auth Authenticator) *JSONAPI {
	ops := map[string]operation{}
	for _, op := range svc.Operations {
		if _, dup := ops[op.Name]; dup {
			panic("awsapi: duplicate operation " + svc.TargetPrefix + "." + op.Name)
		}
		if op.Signed && auth == nil {
			panic("awsapi: signed operation " + op.Name + " needs an Authenticator")
		}
		serve := serveJSON(op, svc.ValidationCode)
		if !op.Signed && svc.Guard != nil {
			serve = guarded(svc.Guard, op.Name, serve)
		}
		ops[op.Name] = operation{name: op.Name, signed: op.Signed, serve: serve}
	}
	route := func(r *http.Request, _ []byte) (operation, error) {
		if r.Method != http.MethodPost {
			return operation{}, &awserr.Error{Code: awserr.UnknownOperation, Message: "Only POST is supported.", Status: http.StatusNotFound}
		}
		prefix, name, ok := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
		if !ok || prefix != svc.TargetPrefix {
			return operation{}, errNoService
		}
		op, ok := ops[name]
		if !ok {
			return operation{}, awserr.New(awserr.UnknownOperation, "The X-Amz-Target header names no known operation.")
		}
		if err := checkContentType(r.Header.Get("Content-Type")); err != nil {
			return operation{name: op.name}, err
		}
		return op, nil
	}
	return &JSONAPI{api: api{frame: f, auth: auth, wire: jsonProtocol(svc.SigningName, route)}, prefix: svc.TargetPrefix}
}

// Matches claims requests whose X-Amz-Target names this service.
func (a *JSONAPI) Matches(r *http.Request) bool {
	prefix, _, ok := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
	return ok && prefix == a.prefix
}

var errNoService = awserr.New(awserr.UnknownOperation, "The X-Amz-Target header names no known service.")

func jsonProtocol(service string, route func(*http.Request, []byte) (operation, error)) protocol {
	return protocol{
		service:    service,
		maxBody:    jsonMaxBody,
		route:      route,
		refused:    func(err error) error { return err },
		writeError: writeJSONError,
		unreadable: awserr.New(awserr.Serialization, "The request body could not be read."),
		tooLarge:   awserr.Newf(awserr.Serialization, "The request body is larger than %d bytes, the most this API accepts.", jsonMaxBody),
		throttled:  awserr.New(awserr.TooManyRequests, "Too many requests are being read at once; retry with backoff."),
		fault:      awserr.Internal(nil),
	}
}

func checkContentType(header string) error {
	mediaType, _, err := mime.ParseMediaType(header)
	if err == nil && (mediaType == "application/x-amz-json-1.1" || mediaType == "application/x-amz-json-1.0") {
		return nil
	}
	return awserr.New(awserr.Serialization, "The Content-Type must be application/x-amz-json-1.1.")
}

// guarded runs guard before serve.
func guarded(guard Guard, name string, serve func(context.Context, http.ResponseWriter, *http.Request, []byte) error) func(context.Context, http.ResponseWriter, *http.Request, []byte) error {
	return func(ctx context.Context, w http.ResponseWriter, r *http.Request, body []byte) error {
		answered, err := guard(ctx, w, r, name, body)
		if err != nil || answered {
			return err
		}
		return serve(ctx, w, r, body)
	}
}

func serveJSON(op Operation, validationCode string) func(context.Context, http.ResponseWriter, *http.Request, []byte) error {
	return func(ctx context.Context, w http.ResponseWriter, _ *http.Request, body []byte) error {
		resp, err := op.Handle(ctx, body)
		if err == errNUL && validationCode != "" {
			return awserr.New(validationCode, errNUL.Message)
		}
		if err != nil {
			return err
		}
		encoded, err := json.Marshal(resp)
		if err != nil {
			return fmt.Errorf("encode %s response: %w", op.Name, err)
		}
		writeBody(w, http.StatusOK, jsonContentType, encoded)
		return nil
	}
}
