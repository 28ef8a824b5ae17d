package lambdaapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/awsapi"
	"github.com/moat-dev/moat/internal/awserr"
)

// FuzzRequestDecoding: whatever body, query and headers a caller sends to
// any operation, the answer is a success or a 4xx error of Lambda's, never
// a panic or a 5xx.
func FuzzRequestDecoding(f *testing.F) {
	h := &Handler{runtime: newRuntime(f)}
	routes := h.routes()
	mux := http.NewServeMux()
	for _, route := range routes {
		mux.HandleFunc(route.Pattern, func(w http.ResponseWriter, r *http.Request) {
			call := r.Context().Value(callKey{}).(*fuzzCall)
			_, _, call.err = route.Handle(r.Context(), &awsapi.RESTCall{Request: r, Body: call.body})
		})
	}
	zip := createBody(f, "fuzzed", "")
	for i, body := range []string{"", "{}", "null", "[]", `{"FunctionName":7}`, zip, `{"Timeout":-1,"MemorySize":99999}`,
		`{"Environment":{"Variables":{"AWS_REGION":"x"}}}`, `{"StatementId":"s","Action":"lambda:*","Principal":"*"}`,
		`{"ReservedConcurrentExecutions":1e99}`, `{"ZipFile":"UEsDBA=="}`, `{"Code":{"ZipFile":"!!"}}`} {
		f.Add(uint8(i), "fuzzed", "Qualifier=$LATEST", "Event", []byte(body))
	}
	f.Fuzz(func(t *testing.T, route uint8, name, query, invocationType string, body []byte) {
		r := routes[int(route)%len(routes)]
		method, path, _ := strings.Cut(r.Pattern, " ")
		path = strings.ReplaceAll(strings.ReplaceAll(strings.TrimSuffix(path, "{$}"), "{FunctionName}", pathSegment(name)), "{StatementId}", "s")
		req := httptest.NewRequest(method, "http://lambda"+path, nil)
		req.URL.RawQuery = query
		req.Header.Set("X-Amz-Invocation-Type", invocationType)
		if invocationType == "RequestResponse" || invocationType == "" {
			req.Header.Set("X-Amz-Invocation-Type", "DryRun") // running the function is not decoding
		}
		call := &fuzzCall{body: body}
		mux.ServeHTTP(httptest.NewRecorder(), req.WithContext(context.WithValue(req.Context(), callKey{}, call)))
		if call.err == nil {
			return
		}
		e, ok := awserr.As(call.err)
		if !ok || e.HTTPStatus() >= 500 {
			t.Fatalf("%s %s %q: %v; want a 4xx error of Lambda's", method, path, body, call.err)
		}
	})
}

// fuzzCall carries one input's body to the route and its error back.
type fuzzCall struct {
	body []byte
	err  error
}

type callKey struct{}

// pathSegment keeps a fuzzed name one path segment, as a URL path carries it.
func pathSegment(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '/' || r == '?' || r == '#' || r == '%' || r <= ' ' || r > '~' {
			return -1
		}
		return r
	}, s)
	if s == "" || s == "." || s == ".." {
		return "x"
	}
	return s
}
