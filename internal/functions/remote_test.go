package functions

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A function with an endpoint URL gets each event POSTed with the Runtime
// API's headers; its answers, failures and silences end as Lambda reports
// a function's.
func TestRemoteFunction(t *testing.T) {
	type seen struct {
		body                  string
		requestID, arn        string
		deadline, contentType string
	}
	got := make(chan seen, 1)
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		got <- seen{string(body), req.Header.Get("Lambda-Runtime-Aws-Request-Id"), req.Header.Get("Lambda-Runtime-Invoked-Function-Arn"),
			req.Header.Get("Lambda-Runtime-Deadline-Ms"), req.Header.Get("Content-Type")}
		var event struct{ Mode string }
		_ = json.Unmarshal(body, &event)
		switch event.Mode {
		case "fail":
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			_, _ = w.Write([]byte(`{"errorMessage":"remote failed","errorType":"Error"}`))
		case "broken":
			http.Error(w, "down", http.StatusServiceUnavailable)
		case "slow":
			time.Sleep(1500 * time.Millisecond)
		default:
			_, _ = w.Write([]byte(`{"remote":true}`))
		}
	}))
	t.Cleanup(endpoint.Close)

	r, _ := newTestRuntime(t, nil)
	ctx := context.Background()
	if _, err := r.Create(ctx, "remote", Definition{Role: testRole, URL: endpoint.URL, Timeout: 1}, nil); err != nil {
		t.Fatal(err)
	}
	invoke := func(event string) (*Response, seen) {
		t.Helper()
		res, err := r.Invoke(ctx, Request{Function: "remote", Payload: []byte(event)})
		if err != nil {
			t.Fatalf("%s: %v", event, err)
		}
		return res, <-got
	}
	errorOf := func(res *Response) (string, string) {
		t.Helper()
		var e struct{ ErrorType, ErrorMessage string }
		if err := json.Unmarshal(res.Payload, &e); err != nil {
			t.Fatalf("%s: %v", res.Payload, err)
		}
		return e.ErrorType, e.ErrorMessage
	}

	before := time.Now()
	res, s := invoke(`{"hello":"remote"}`)
	deadline, _ := strconv.ParseInt(s.deadline, 10, 64)
	if res.FunctionError != "" || string(res.Payload) != `{"remote":true}` {
		t.Fatalf("success: %q %s", res.FunctionError, res.Payload)
	}
	if s.body != `{"hello":"remote"}` || s.requestID == "" || s.arn != "arn:aws:lambda:us-east-1:000000000000:function:remote" ||
		s.contentType != "application/json" || deadline < before.Add(time.Second).UnixMilli()-5 || deadline > time.Now().Add(time.Second).UnixMilli() {
		t.Fatalf("the endpoint saw %+v", s)
	}

	res, _ = invoke(`{"mode":"fail"}`)
	if kind, msg := errorOf(res); res.FunctionError != FunctionErrorUnhandled || kind != "Error" || msg != "remote failed" {
		t.Fatalf("handler error: %q %s", res.FunctionError, res.Payload)
	}
	res, s = invoke(`{"mode":"broken"}`)
	if kind, msg := errorOf(res); res.FunctionError != FunctionErrorUnhandled || kind != "Runtime.ExitError" ||
		msg != "RequestId: "+s.requestID+" Error: the endpoint answered 503 Service Unavailable" {
		t.Fatalf("endpoint failing: %q %s", res.FunctionError, res.Payload)
	}
	res, s = invoke(`{"mode":"slow"}`)
	if kind, msg := errorOf(res); res.FunctionError != FunctionErrorUnhandled || kind != "Sandbox.Timedout" ||
		msg != "RequestId: "+s.requestID+" Error: Task timed out after 1.00 seconds" {
		t.Fatalf("endpoint past the timeout: %q %s", res.FunctionError, res.Payload)
	}

	endpoint.Close()
	res, err := r.Invoke(ctx, Request{Function: "remote"})
	if err != nil {
		t.Fatal(err)
	}
	if kind, msg := errorOf(res); kind != "Runtime.ExitError" || !strings.HasSuffix(msg, "Error: the endpoint could not be reached") {
		t.Fatalf("endpoint gone: %s", res.Payload)
	}
	// Code cannot be given to a function that runs at its endpoint.
	if _, err := r.UpdateCode(ctx, "remote", zipOf(t, map[string]string{"lambda_function.py": echoPython}), nil, ""); err == nil {
		t.Fatal("UpdateCode gave a remote function a package")
	}
}
