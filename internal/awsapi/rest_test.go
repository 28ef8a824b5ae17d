package awsapi

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/prometheus/client_golang/prometheus"
)

type widget struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Count int    `json:"count"`
}

type restFixture struct {
	handler *RESTHandler
	logs    *bytes.Buffer
	metrics *prometheus.Registry
}

func newRESTFixture(t testing.TB) *restFixture {
	t.Helper()
	f := &restFixture{logs: &bytes.Buffer{}, metrics: prometheus.NewRegistry()}
	api := RESTAPI{
		SigningName: "test-rest",
		Prefixes:    []string{"/widgets"},
		Routes: []Route{
			{Name: "CreateWidget", Pattern: "POST /widgets", Handle: func(_ context.Context, c *RESTCall) (int, any, error) {
				var in widget
				if err := c.Decode(&in); err != nil {
					return 0, nil, err
				}
				return http.StatusCreated, widget{ID: "w1", Name: in.Name, Count: in.Count}, nil
			}},
			{Name: "GetWidget", Pattern: "GET /widgets/{id}", Handle: func(_ context.Context, c *RESTCall) (int, any, error) {
				return http.StatusOK, widget{ID: c.Request.PathValue("id"), Name: c.Request.URL.Query().Get("name")}, nil
			}},
			{Name: "DeleteWidget", Pattern: "DELETE /widgets/{id}", Handle: func(context.Context, *RESTCall) (int, any, error) {
				return http.StatusAccepted, nil, nil
			}},
			{Name: "BreakWidget", Pattern: "POST /widgets/{id}/break", Handle: func(context.Context, *RESTCall) (int, any, error) {
				panic("widget on fire")
			}},
		},
	}
	frame := NewFrame(Config{Logger: slog.New(slog.NewJSONHandler(f.logs, nil)), Metrics: NewMetrics(f.metrics)})
	f.handler = frame.REST(api, &headerAuth{})
	return f
}

func (f *restFixture) do(t testing.TB, method, target, body string, signed bool) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if signed {
		r.Header.Set("Authorization", "let-me-in")
	}
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, r)
	return rec
}

// wantRESTError checks REST-JSON's error shape: status, x-amzn-ErrorType, {"message"}.
func wantRESTError(t testing.TB, rec *httptest.ResponseRecorder, status int, code string) string {
	t.Helper()
	var body struct{ Message *string }
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Message == nil || *body.Message == "" {
		t.Fatalf("error body %q: %v", rec.Body, err)
	}
	if rec.Code != status || rec.Header().Get("x-amzn-ErrorType") != code || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("got %d %s %s, want %d %s", rec.Code, rec.Header().Get("x-amzn-ErrorType"), rec.Body, status, code)
	}
	if !uuidPattern.MatchString(rec.Header().Get("x-amzn-RequestId")) {
		t.Fatalf("x-amzn-RequestId %q", rec.Header().Get("x-amzn-RequestId"))
	}
	return *body.Message
}

func TestRESTRoutes(t *testing.T) {
	f := newRESTFixture(t)
	rec := f.do(t, "POST", "/widgets", `{"name":"gear","count":2,"extra":[1]}`, true)
	if rec.Code != 201 || strings.TrimSpace(rec.Body.String()) != `{"id":"w1","name":"gear","count":2}` || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("CreateWidget: %d %s", rec.Code, rec.Body)
	}
	rec = f.do(t, "GET", "/widgets/w%2F7?name=x", "", true)
	if rec.Code != 200 || strings.TrimSpace(rec.Body.String()) != `{"id":"w/7","name":"x","count":0}` {
		t.Fatalf("GetWidget: %d %s", rec.Code, rec.Body)
	}
	if rec := f.do(t, "DELETE", "/widgets/w1", "", true); rec.Code != 202 || rec.Body.Len() != 0 {
		t.Fatalf("DeleteWidget: %d %s", rec.Code, rec.Body)
	}
}

func TestRESTErrors(t *testing.T) {
	f := newRESTFixture(t)
	if msg := wantRESTError(t, f.do(t, "POST", "/widgets", `{"count":"two"}`, true), 400, "BadRequestException"); !strings.Contains(msg, "count") {
		t.Errorf("message %q does not name the member", msg)
	}
	wantRESTError(t, f.do(t, "POST", "/widgets", `[`, true), 400, "BadRequestException")
	wantRESTError(t, f.do(t, "POST", "/widgets", `{"name":"a\u0000"}`, true), 400, "BadRequestException")
	wantRESTError(t, f.do(t, "POST", "/widgets", `{"name":"`+strings.Repeat("a", restMaxBody)+`"}`, true), 400, "BadRequestException")
	if msg := wantRESTError(t, f.do(t, "GET", "/widgets/w1/nothing", "", true), 404, "NotFoundException"); msg != "Invalid resource path GET /widgets/w1/nothing" {
		t.Errorf("not found message %q", msg)
	}
	wantRESTError(t, f.do(t, "PUT", "/widgets/w1", "", true), 404, "NotFoundException")
	// Unsigned callers learn nothing about which paths exist.
	wantRESTError(t, f.do(t, "GET", "/widgets/w1/nothing", "", false), 403, awserr.UnrecognizedClient)
	wantRESTError(t, f.do(t, "GET", "/widgets/w1", "", false), 403, awserr.UnrecognizedClient)
}

// API Gateway's management API had no panic recovery, access log or
// metrics of its own; through the frame it has all three.
func TestRESTPanicLogAndMetrics(t *testing.T) {
	f := newRESTFixture(t)
	rec := f.do(t, "POST", "/widgets/w1/break", "", true)
	if msg := wantRESTError(t, rec, 500, "InternalFailureException"); strings.Contains(msg, "fire") {
		t.Errorf("panic detail sent to the client: %q", msg)
	}
	f.do(t, "GET", "/widgets/w1", "", true)
	f.do(t, "GET", "/widgets/w1/nothing", "", true)
	logs := f.logs.String()
	for _, want := range []string{`"level":"ERROR"`, "widget on fire", rec.Header().Get("x-amzn-RequestId"), `"service":"test-rest"`, `"operation":"BreakWidget"`, `"operation":"GetWidget"`, `"status":500`} {
		if !strings.Contains(logs, want) {
			t.Errorf("access log lacks %s:\n%s", want, logs)
		}
	}
	wantSeries(t, f.metrics, map[string]float64{
		"moat_aws_requests_total BreakWidget test-rest 500":                    1,
		"moat_aws_errors_total InternalFailureException BreakWidget test-rest": 1,
		"moat_aws_requests_total GetWidget test-rest 200":                      1,
		"moat_aws_errors_total NotFoundException unknown test-rest":            1,
		"moat_aws_request_duration_seconds GetWidget test-rest":                1,
	})
}

func TestRESTMatches(t *testing.T) {
	h := newRESTFixture(t).handler
	for path, want := range map[string]bool{"/widgets": true, "/widgets/w1/x": true, "/widgetsx": false, "/": false, "/other/widgets": false} {
		if got := h.Matches(httptest.NewRequest("GET", path, nil)); got != want {
			t.Errorf("Matches(%s) = %v", path, got)
		}
	}
}

// FuzzREST drives arbitrary methods, paths and bodies through a REST API:
// the answer is a route's or a well-formed 4xx, never a 500.
func FuzzREST(f *testing.F) {
	f.Add("POST", "/widgets", `{"name":"gear","count":2}`)
	f.Add("POST", "/widgets", `{"count":1e400}`)
	f.Add("POST", "/widgets", `{"name":"\ud800"}`)
	f.Add("GET", "/widgets/%2e%2e/x", ``)
	f.Add("GET", "/widgets//w1", ``)
	f.Add("PATCH", "/widgets/w1", `null`)
	f.Add("POST", "/widgets", `{"name":"x"} trailing`)
	fx := newRESTFixture(f)
	f.Fuzz(func(t *testing.T, method, path, body string) {
		if strings.HasSuffix(path, "/break") || strings.ContainsAny(method, " \t\r\n") || method == "" {
			return
		}
		r, err := http.NewRequest(method, "http://moat"+path, strings.NewReader(body))
		if err != nil || r.URL.Path == "" {
			return
		}
		r.RequestURI = r.URL.RequestURI()
		r.Header.Set("Authorization", "let-me-in")
		rec := httptest.NewRecorder()
		fx.handler.ServeHTTP(rec, r)
		if rec.Code >= 500 {
			t.Fatalf("%s %q %q: %d %s", method, path, body, rec.Code, rec.Body)
		}
		if rec.Code >= 400 {
			wantRESTError(t, rec, rec.Code, rec.Header().Get("x-amzn-ErrorType"))
		}
		fx.logs.Reset()
	})
}
