package awsapi

import (
	"bytes"
	"context"
	"encoding/xml"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/awserr"
)

const testNamespace = "https://test.amazonaws.com/doc/2024-01-01/"

type queryFixture struct {
	handler *QueryHandler
	logs    *bytes.Buffer
}

func newQueryFixture(t testing.TB) *queryFixture {
	t.Helper()
	f := &queryFixture{logs: &bytes.Buffer{}}
	api := QueryAPI{
		SigningName: "test-query", Version: "2024-01-01", Namespace: testNamespace, InternalErrorCode: "ServiceFailure",
		Actions: []Action{
			{Name: "Echo", Handle: func(_ context.Context, q *Query) (any, error) {
				name, err := q.Required("Name", "name")
				if err != nil {
					return nil, err
				}
				return struct{ Name string }{name}, nil
			}},
			{Name: "Nothing", Handle: func(context.Context, *Query) (any, error) { return nil, nil }},
			{Name: "Panic", Handle: func(context.Context, *Query) (any, error) { panic("boom") }},
		},
	}
	frame := NewFrame(Config{Logger: slog.New(slog.NewJSONHandler(f.logs, nil))})
	f.handler = frame.Query(api, &headerAuth{})
	return f
}

func (f *queryFixture) post(t testing.TB, form string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(form))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	r.Header.Set("Authorization", "let-me-in")
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, r)
	return rec
}

// wantQueryError checks the query protocol's error document and request id.
func wantQueryError(t testing.TB, rec *httptest.ResponseRecorder, status int, typ, code string) {
	t.Helper()
	var doc queryErrorResponse
	if err := xml.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("error body %q: %v", rec.Body, err)
	}
	if rec.Code != status || doc.XMLName.Space != testNamespace || doc.Type != typ || doc.Code != code || doc.Message == "" {
		t.Fatalf("got %d %s, want %d %s %s", rec.Code, rec.Body, status, typ, code)
	}
	if !uuidPattern.MatchString(doc.RequestID) || doc.RequestID != rec.Header().Get("x-amzn-RequestId") {
		t.Fatalf("RequestId %q, header %q", doc.RequestID, rec.Header().Get("x-amzn-RequestId"))
	}
}

func TestQueryAnswers(t *testing.T) {
	f := newQueryFixture(t)
	rec := f.post(t, "Action=Echo&Version=2024-01-01&Name=ada")
	id := rec.Header().Get("x-amzn-RequestId")
	want := `<EchoResponse xmlns="` + testNamespace + `"><EchoResult><Name>ada</Name></EchoResult><ResponseMetadata><RequestId>` + id + `</RequestId></ResponseMetadata></EchoResponse>`
	if rec.Code != 200 || rec.Body.String() != want || rec.Header().Get("Content-Type") != "text/xml" {
		t.Fatalf("Echo: %d %s", rec.Code, rec.Body)
	}
	if rec := f.post(t, "Action=Nothing"); rec.Code != 200 || strings.Contains(rec.Body.String(), "NothingResult") {
		t.Fatalf("Nothing: %d %s", rec.Code, rec.Body)
	}
}

func TestQueryErrors(t *testing.T) {
	f := newQueryFixture(t)
	wantQueryError(t, f.post(t, "Action=Echo"), 400, "Sender", "ValidationError")
	wantQueryError(t, f.post(t, "Action=Nope"), 400, "Sender", "InvalidAction")
	wantQueryError(t, f.post(t, "Version=1"), 400, "Sender", "MissingAction")
	wantQueryError(t, f.post(t, "Action=%ZZ"), 400, "Sender", "MalformedQueryString")
	wantQueryError(t, f.post(t, "Action=Echo&Name=a", "Authorization", ""), 403, "Sender", "InvalidClientTokenId")
	wantQueryError(t, f.post(t, "Action=Echo&Name="+strings.Repeat("a", queryMaxBody)), 413, "Sender", "RequestEntityTooLarge")
	rec := f.post(t, "Action=Panic")
	wantQueryError(t, rec, 500, "Receiver", "ServiceFailure")
	if strings.Contains(rec.Body.String(), "boom") || !strings.Contains(f.logs.String(), "boom") {
		t.Errorf("the panic must be logged, not sent: %s\nlog: %s", rec.Body, f.logs)
	}
}

// The SigV4 verifier's codes are the JSON protocol's; query services name them otherwise.
func TestQuerySignatureCodes(t *testing.T) {
	for jsonCode, want := range map[string]struct {
		code   string
		status int
	}{
		awserr.MissingAuthToken:     {"MissingAuthenticationToken", 403},
		awserr.UnrecognizedClient:   {"InvalidClientTokenId", 403},
		awserr.InvalidSignature:     {"SignatureDoesNotMatch", 403},
		awserr.IncompleteSignature:  {"IncompleteSignature", 400},
		"XAmzContentSHA256Mismatch": {"XAmzContentSHA256Mismatch", 400},
	} {
		e, _ := awserr.As(querySignatureError(awserr.New(jsonCode, "m")))
		if e.Code != want.code || e.HTTPStatus() != want.status || e.Message != "m" {
			t.Errorf("%s became %s %d", jsonCode, e.Code, e.HTTPStatus())
		}
	}
}

func TestQueryMatches(t *testing.T) {
	h := newQueryFixture(t).handler
	for _, tc := range []struct {
		method, target, contentType string
		want                        bool
	}{
		{"POST", "/", "application/x-www-form-urlencoded; charset=utf-8", true},
		{"POST", "/", "application/x-amz-json-1.1", false},
		{"POST", "/oauth2/token", "application/x-www-form-urlencoded", false},
		{"GET", "/?Action=GetRole&RoleName=x", "", true},
		{"GET", "/", "", false},
		{"DELETE", "/?Action=GetRole", "", false},
	} {
		r := httptest.NewRequest(tc.method, tc.target, nil)
		if tc.contentType != "" {
			r.Header.Set("Content-Type", tc.contentType)
		}
		if got := h.Matches(r); got != tc.want {
			t.Errorf("Matches(%s %s %s) = %v", tc.method, tc.target, tc.contentType, got)
		}
	}
}
