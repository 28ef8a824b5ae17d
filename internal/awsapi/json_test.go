package awsapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/prometheus/client_golang/prometheus"
)

type echoReq struct {
	Name  string
	Count int
	Tags  []string
}

type echoResp struct {
	Greeting  string
	RequestID string
}

// headerAuth admits requests carrying the one expected Authorization value; the
// real SigV4 authenticator is exercised in internal/admin and internal/server.
type headerAuth struct{ gotSigningName string }

func (a *headerAuth) Authenticate(_ context.Context, r *http.Request, _ []byte, signingName string) error {
	a.gotSigningName = signingName
	if r.Header.Get("Authorization") != "let-me-in" {
		return awserr.New(awserr.UnrecognizedClient, "The security token included in the request is invalid.")
	}
	return nil
}

type fixture struct {
	handler *JSONAPI
	auth    *headerAuth
	metrics *prometheus.Registry
	logs    *bytes.Buffer
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{auth: &headerAuth{}, logs: &bytes.Buffer{}}
	f.metrics = prometheus.NewRegistry()
	svc := Service{
		TargetPrefix: "TestService",
		SigningName:  "test-svc",
		Operations: []Operation{
			Op("Echo", false, func(ctx context.Context, req *echoReq) (*echoResp, error) {
				return &echoResp{Greeting: "hello " + req.Name, RequestID: RequestFrom(ctx).ID}, nil
			}),
			Op("Nothing", false, func(context.Context, *echoReq) (*echoResp, error) { return nil, nil }),
			Op("AdminOnly", true, func(context.Context, *echoReq) (*echoResp, error) {
				return &echoResp{Greeting: "admin"}, nil
			}),
			Op("Refuse", false, func(context.Context, *echoReq) (*echoResp, error) {
				return nil, awserr.New(awserr.NotAuthorized, "Incorrect username or password.")
			}),
			Op("Break", false, func(context.Context, *echoReq) (*echoResp, error) {
				return nil, errors.New("database on fire: secret detail")
			}),
			Op("Panic", false, func(context.Context, *echoReq) (*echoResp, error) { panic("boom") }),
			Op("Detailed", false, func(context.Context, *echoReq) (*echoResp, error) {
				return nil, &awserr.Error{Code: "WAFInvalidParameterException", Message: "bad", Members: map[string]string{"Field": "RULE", "Reason": "why", "__type": "forged"}}
			}),
		},
	}
	frame := NewFrame(Config{Logger: slog.New(slog.NewJSONHandler(f.logs, nil)), Metrics: NewMetrics(f.metrics)})
	f.handler = frame.JSON(svc, f.auth)
	return f
}

func (f *fixture) do(t testing.TB, method, target, contentType, body string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, "/", strings.NewReader(body))
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	return rec
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func decodeBody(t testing.TB, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", rec.Body.String(), err)
	}
	return m
}

// wantError checks AWS JSON 1.1's error shape: status, headers and body agree.
func wantError(t testing.TB, rec *httptest.ResponseRecorder, status int, code string) map[string]any {
	t.Helper()
	if rec.Code != status {
		t.Errorf("status %d, want %d (body %s)", rec.Code, status, rec.Body)
	}
	if got := rec.Header().Get("x-amzn-ErrorType"); got != code {
		t.Errorf("x-amzn-ErrorType %q, want %q", got, code)
	}
	if got := rec.Header().Get("Content-Type"); got != jsonContentType {
		t.Errorf("Content-Type %q", got)
	}
	if !uuidPattern.MatchString(rec.Header().Get("x-amzn-RequestId")) {
		t.Errorf("x-amzn-RequestId %q is not a UUID", rec.Header().Get("x-amzn-RequestId"))
	}
	body := decodeBody(t, rec)
	if body["__type"] != code {
		t.Errorf("__type %v, want %s", body["__type"], code)
	}
	msg, ok := body["message"].(string)
	if !ok || msg == "" {
		t.Errorf("message %v is not a non-empty string", body["message"])
	}
	if rec.Header().Get("x-amzn-ErrorMessage") != msg {
		t.Errorf("x-amzn-ErrorMessage %q differs from body message %q", rec.Header().Get("x-amzn-ErrorMessage"), msg)
	}
	return body
}

func TestSuccessAnswersJSONWithRequestID(t *testing.T) {
	f := newFixture(t)
	rec := f.do(t, "POST", "TestService.Echo", "application/x-amz-json-1.1", `{"Name":"ada","Unknown":{"x":[1]}}`)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if got := rec.Header().Get("Content-Type"); got != jsonContentType {
		t.Errorf("Content-Type %q", got)
	}
	id := rec.Header().Get("x-amzn-RequestId")
	if !uuidPattern.MatchString(id) {
		t.Errorf("x-amzn-RequestId %q is not a UUID", id)
	}
	body := decodeBody(t, rec)
	if body["Greeting"] != "hello ada" {
		t.Errorf("Greeting %v", body["Greeting"])
	}
	if body["RequestID"] != id {
		t.Errorf("RequestFrom gave %v, header says %s", body["RequestID"], id)
	}
}

func TestJSON10AndParametersAccepted(t *testing.T) {
	f := newFixture(t)
	for _, ct := range []string{"application/x-amz-json-1.0", "application/x-amz-json-1.1; charset=utf-8"} {
		if rec := f.do(t, "POST", "TestService.Echo", ct, `{}`); rec.Code != 200 {
			t.Errorf("Content-Type %q: status %d %s", ct, rec.Code, rec.Body)
		}
	}
}

func TestEmptyBodyAndNilResponse(t *testing.T) {
	f := newFixture(t)
	rec := f.do(t, "POST", "TestService.Nothing", "application/x-amz-json-1.1", "")
	if rec.Code != 200 || strings.TrimSpace(rec.Body.String()) != "{}" {
		t.Fatalf("got %d %q, want 200 {}", rec.Code, rec.Body)
	}
}

func TestSerializationErrors(t *testing.T) {
	f := newFixture(t)
	cases := map[string]struct{ body, mentions string }{
		"type mismatch":  {`{"Name":5}`, "Name"},
		"array mismatch": {`{"Tags":"x"}`, "Tags"},
		"not an object":  {`[1,2]`, "object"},
		"malformed":      {`{"Name":`, "JSON"},
		"syntax":         {`{"Name" "x"}`, "JSON"},
		"trailing data":  {`{} {}`, "after"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			rec := f.do(t, "POST", "TestService.Echo", "application/x-amz-json-1.1", c.body)
			body := wantError(t, rec, 400, awserr.Serialization)
			if !strings.Contains(body["message"].(string), c.mentions) {
				t.Errorf("message %q does not mention %q", body["message"], c.mentions)
			}
		})
	}
}

func TestRoutingErrors(t *testing.T) {
	f := newFixture(t)
	wantError(t, f.do(t, "POST", "TestService.Nope", "application/x-amz-json-1.1", `{}`), 400, awserr.UnknownOperation)
	wantError(t, f.do(t, "POST", "OtherService.Echo", "application/x-amz-json-1.1", `{}`), 400, awserr.UnknownOperation)
	wantError(t, f.do(t, "POST", "TestService", "application/x-amz-json-1.1", `{}`), 400, awserr.UnknownOperation)
	wantError(t, f.do(t, "POST", "", "application/x-amz-json-1.1", `{}`), 400, awserr.UnknownOperation)
	wantError(t, f.do(t, "GET", "TestService.Echo", "", ""), 404, awserr.UnknownOperation)
	wantError(t, f.do(t, "POST", "TestService.Echo", "text/plain", `{}`), 400, awserr.Serialization)
}

func TestOversizeBody(t *testing.T) {
	f := newFixture(t)
	big := `{"Name":"` + strings.Repeat("a", jsonMaxBody) + `"}`
	body := wantError(t, f.do(t, "POST", "TestService.Echo", "application/x-amz-json-1.1", big), 400, awserr.Serialization)
	if !strings.Contains(body["message"].(string), "larger") {
		t.Errorf("message %q does not say the body is too large", body["message"])
	}
}

func TestDomainErrorPassesThrough(t *testing.T) {
	f := newFixture(t)
	body := wantError(t, f.do(t, "POST", "TestService.Refuse", "application/x-amz-json-1.1", `{}`), 400, awserr.NotAuthorized)
	if body["message"] != "Incorrect username or password." {
		t.Errorf("message %v", body["message"])
	}
}

func TestErrorMembersJoinTheBody(t *testing.T) {
	f := newFixture(t)
	body := wantError(t, f.do(t, "POST", "TestService.Detailed", "application/x-amz-json-1.1", `{}`), 400, "WAFInvalidParameterException")
	if body["Field"] != "RULE" || body["Reason"] != "why" || body["message"] != "bad" {
		t.Errorf("body %v lacks the error's members", body)
	}
}

func TestInternalFaultsAre500WithoutDetail(t *testing.T) {
	for _, op := range []string{"Break", "Panic"} {
		t.Run(op, func(t *testing.T) {
			f := newFixture(t)
			rec := f.do(t, "POST", "TestService."+op, "application/x-amz-json-1.1", `{}`)
			wantError(t, rec, 500, awserr.InternalError)
			if strings.Contains(rec.Body.String(), "secret detail") || strings.Contains(rec.Body.String(), "boom") {
				t.Errorf("internal detail leaked to the client: %s", rec.Body)
			}
			if !strings.Contains(f.logs.String(), rec.Header().Get("x-amzn-RequestId")) || !strings.Contains(f.logs.String(), `"level":"ERROR"`) {
				t.Errorf("fault not logged at error level with the request id: %s", f.logs)
			}
		})
	}
}

func TestSignedOperationsNeedTheAuthenticator(t *testing.T) {
	f := newFixture(t)
	wantError(t, f.do(t, "POST", "TestService.AdminOnly", "application/x-amz-json-1.1", `{}`), 400, awserr.UnrecognizedClient)
	rec := f.do(t, "POST", "TestService.AdminOnly", "application/x-amz-json-1.1", `{}`, "Authorization", "let-me-in")
	if rec.Code != 200 {
		t.Fatalf("authenticated call: %d %s", rec.Code, rec.Body)
	}
	if f.auth.gotSigningName != "test-svc" {
		t.Errorf("authenticator asked about %q, want the service's signing name", f.auth.gotSigningName)
	}
	// A public operation still works when the client signs it, even badly.
	if rec := f.do(t, "POST", "TestService.Echo", "application/x-amz-json-1.1", `{}`, "Authorization", "AWS4-HMAC-SHA256 garbage"); rec.Code != 200 {
		t.Errorf("signed public call: %d %s", rec.Code, rec.Body)
	}
}

func TestAccessLogHasNoBody(t *testing.T) {
	f := newFixture(t)
	rec := f.do(t, "POST", "TestService.Refuse", "application/x-amz-json-1.1", `{"Name":"hunter2-password"}`)
	logs := f.logs.String()
	if strings.Contains(logs, "hunter2") {
		t.Errorf("request body leaked into the log: %s", logs)
	}
	for _, want := range []string{rec.Header().Get("x-amzn-RequestId"), `"service":"test-svc"`, `"operation":"Refuse"`, `"status":400`, awserr.NotAuthorized, "source_ip", "latency_ms"} {
		if !strings.Contains(logs, want) {
			t.Errorf("access log lacks %q: %s", want, logs)
		}
	}
}

func TestMetricsCountRequestsAndErrors(t *testing.T) {
	f := newFixture(t)
	f.do(t, "POST", "TestService.Echo", "application/x-amz-json-1.1", `{}`)
	f.do(t, "POST", "TestService.Refuse", "application/x-amz-json-1.1", `{}`)
	f.do(t, "POST", "TestService.Whatever", "application/x-amz-json-1.1", `{}`)
	wantSeries(t, f.metrics, map[string]float64{
		"moat_aws_requests_total Echo test-svc 200":                        1,
		"moat_aws_errors_total NotAuthorizedException Refuse test-svc":     1,
		"moat_aws_errors_total UnknownOperationException unknown test-svc": 1,
		"moat_aws_request_duration_seconds Echo test-svc":                  1,
		"moat_aws_request_duration_seconds unknown test-svc":               1,
	})
}

// wantSeries checks counts of series named "family label-values…".
func wantSeries(t testing.TB, reg *prometheus.Registry, series map[string]float64) {
	t.Helper()
	got := gather(t, reg)
	for name, want := range series {
		if got[name] != want {
			t.Errorf("%s = %v, want %v (all: %v)", name, got[name], want, got)
		}
	}
}

// gather flattens a registry to "family label-values…" → count.
func gather(t testing.TB, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	got := map[string]float64{}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, fam := range families {
		for _, m := range fam.GetMetric() {
			key := fam.GetName()
			for _, l := range m.GetLabel() {
				key += " " + l.GetValue()
			}
			got[key] = m.GetCounter().GetValue() + float64(m.GetHistogram().GetSampleCount())
		}
	}
	return got
}

func TestGuardRunsFirstOnPublicOperationsOnly(t *testing.T) {
	var guarded []string
	svc := Service{
		TargetPrefix: "TestService",
		SigningName:  "test-svc",
		Operations: []Operation{
			Op("Echo", false, func(ctx context.Context, req *echoReq) (*echoResp, error) {
				return &echoResp{Greeting: "hello " + req.Name}, nil
			}),
			Op("AdminOnly", true, func(context.Context, *echoReq) (*echoResp, error) { return &echoResp{Greeting: "admin"}, nil }),
		},
		Guard: func(_ context.Context, w http.ResponseWriter, _ *http.Request, op string, body []byte) (bool, error) {
			guarded = append(guarded, op)
			switch {
			case strings.Contains(string(body), "refuse"):
				return false, &awserr.Error{Code: "ForbiddenException", Message: "Request not allowed due to WAF block.", Status: http.StatusForbidden}
			case strings.Contains(string(body), "teapot"):
				w.WriteHeader(http.StatusTeapot)
				return true, nil
			}
			return false, nil
		},
	}
	auth := &headerAuth{}
	h := NewFrame(Config{Logger: slog.New(slog.DiscardHandler)}).JSON(svc, auth)
	do := func(target, body string, headers ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/", strings.NewReader(body))
		req.Header.Set("X-Amz-Target", target)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := do("TestService.Echo", `{"Name":"ok"}`); rec.Code != 200 {
		t.Fatalf("a request the guard lets on: %d %s", rec.Code, rec.Body)
	}
	wantError(t, do("TestService.Echo", `{"Name":"refuse"}`), 403, "ForbiddenException")
	if rec := do("TestService.Echo", `{"Name":"teapot"}`); rec.Code != http.StatusTeapot {
		t.Fatalf("the guard's own answer: %d", rec.Code)
	}
	if rec := do("TestService.AdminOnly", `{"Name":"refuse"}`, "Authorization", "let-me-in"); rec.Code != 200 {
		t.Fatalf("a signed call was guarded: %d %s", rec.Code, rec.Body)
	}
	if strings.Join(guarded, ",") != "Echo,Echo,Echo" {
		t.Fatalf("guarded %v", guarded)
	}
}
