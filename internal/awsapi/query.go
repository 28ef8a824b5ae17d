package awsapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/moat-dev/moat/internal/awserr"
)

// queryMaxBody bounds a query-protocol request body. IAM's largest requests
// (a 10,240-character policy document, percent-encoded, with tags) stay
// below it.
const queryMaxBody = 256 << 10

// QueryAPI is one API in AWS's query protocol, as IAM speaks it: a form POST
// (or a GET) naming an Action, answered in XML. Every action needs the
// admin signature.
type QueryAPI struct {
	SigningName string // e.g. iam
	Version     string // the API version clients send, e.g. 2010-05-08
	Namespace   string // the XML namespace of every answer
	// InternalErrorCode is the code of the 500 sent for our own faults
	// (IAM: ServiceFailure).
	InternalErrorCode string
	Actions           []Action
}

// Action is one operation of a query API. Handle returns the XML Result
// element's content, or nil for actions whose answer has none.
type Action struct {
	Name   string
	Handle func(ctx context.Context, q *Query) (any, error)
}

// QueryHandler serves a QueryAPI.
type QueryHandler struct{ api }

// Query serves q through the frame, every action checked by auth.
// Duplicate action names are programming errors and panic.
func (f *Frame) Query(q QueryAPI, auth Authenticator) *QueryHandler {
	actions := map[string]Action{}
	for _, a := range q.Actions {
		if _, dup := actions[a.Name]; dup {
			panic("awsapi: duplicate action " + a.Name)
		}
		actions[a.Name] = a
	}
	route := func(r *http.Request, body []byte) (operation, error) {
		form := r.URL.RawQuery
		if r.Method == http.MethodPost {
			form = string(body)
		}
		params, err := DecodeQuery(form)
		if err != nil {
			return operation{}, err
		}
		act, ok := actions[params.Action]
		if !ok {
			// The name is the client's: it is not used as a metric label.
			return operation{}, awserr.Newf("InvalidAction", "Could not find operation %s for version %s", printable(params.Action), q.Version)
		}
		return operation{name: act.Name, signed: true, serve: func(ctx context.Context, w http.ResponseWriter, _ *http.Request, _ []byte) error {
			result, err := act.Handle(ctx, params)
			if err != nil {
				return err
			}
			return writeQueryResult(w, q.Namespace, act.Name, result, RequestFrom(ctx).ID)
		}}, nil
	}
	wire := protocol{
		service: q.SigningName,
		maxBody: queryMaxBody,
		route:   route,
		refused: querySignatureError,
		writeError: func(w http.ResponseWriter, e *awserr.Error, requestID string) {
			writeQueryError(w, q.Namespace, e, requestID)
		},
		unreadable: malformedQuery("The request body could not be read."),
		tooLarge:   &awserr.Error{Code: "RequestEntityTooLarge", Message: "The request body is too large.", Status: http.StatusRequestEntityTooLarge},
		throttled:  awserr.New("Throttling", "Rate exceeded"),
		fault:      &awserr.Error{Code: q.InternalErrorCode, Message: "Request processing has failed because of an unknown error, exception or failure.", Status: http.StatusInternalServerError},
	}
	return &QueryHandler{api{frame: f, auth: auth, wire: wire}}
}

// Matches tells the query protocol's requests apart from the other
// protocols on the identity listener: a form POST to the root, or a GET of
// the root naming an Action.
func (h *QueryHandler) Matches(r *http.Request) bool {
	if r.URL.Path != "/" {
		return false
	}
	switch r.Method {
	case http.MethodPost:
		mediaType, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
		return strings.EqualFold(strings.TrimSpace(mediaType), "application/x-www-form-urlencoded")
	case http.MethodGet:
		return r.URL.Query().Has("Action")
	}
	return false
}

// querySignatureError renames the SigV4 verifier's JSON-protocol codes to
// the names and statuses query-protocol services such as IAM use.
func querySignatureError(err error) error {
	e, ok := awserr.As(err)
	if !ok {
		return err
	}
	if renamed, ok := querySignatureCodes[e.Code]; ok {
		return &awserr.Error{Code: renamed.code, Message: e.Message, Status: renamed.status}
	}
	return e
}

var querySignatureCodes = map[string]struct {
	code   string
	status int
}{
	awserr.MissingAuthToken:    {"MissingAuthenticationToken", http.StatusForbidden},
	awserr.UnrecognizedClient:  {"InvalidClientTokenId", http.StatusForbidden},
	awserr.InvalidSignature:    {"SignatureDoesNotMatch", http.StatusForbidden},
	awserr.IncompleteSignature: {"IncompleteSignature", http.StatusBadRequest},
}
