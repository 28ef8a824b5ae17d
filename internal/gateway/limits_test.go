package gateway_test

import (
	"crypto/rand"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/gateway"
)

// countingBackend answers with the number of body bytes it read.
func countingBackend(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := io.Copy(io.Discard, r.Body)
		if err != nil {
			http.Error(w, err.Error(), 499)
			return
		}
		io.WriteString(w, strings.Repeat("x", int(n%7))+"read")
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func uploadRoute(backend string) gateway.Route {
	return gateway.Route{Method: "POST", Path: "/up", Integration: gateway.IntegrationConfig{Type: "http_proxy", URI: backend}}
}

// post sends n bytes, declared (Content-Length) or streamed (chunked).
var expectContinueClient = &http.Client{Transport: &http.Transport{ExpectContinueTimeout: 10 * time.Second}}

func post(t *testing.T, url string, n int64, declared bool) (*http.Response, string) {
	t.Helper()
	var body io.Reader = io.LimitReader(rand.Reader, n)
	req, _ := http.NewRequest("POST", url, body)
	req.ContentLength = -1
	if declared {
		// As curl does for large bodies: a declared body waits for 100
		// Continue, so a refusal is read rather than lost to the reset of a
		// connection closed while the client still writes.
		req.ContentLength = n
		req.Header.Set("Expect", "100-continue")
	}
	res, err := expectContinueClient.Do(req)
	if err != nil {
		t.Fatalf("POST %d bytes: %v", n, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// Issue 10, item 4: bodies over API Gateway's 10 MB get its 413 — a plain
// text answer no gateway response changes — whether declared or streamed;
// an API may set its own limit.
func TestBodyLimit(t *testing.T) {
	backend := countingBackend(t)
	s := serveAPIs(t,
		gateway.API{Name: "default", BasePath: "/d", Routes: []gateway.Route{uploadRoute(backend)},
			GatewayResponses: map[gateway.ResponseType]gateway.GatewayResponse{gateway.RequestTooLarge: {Body: `{"custom":true}`}}},
		gateway.API{Name: "small", BasePath: "/s", MaxBodyBytes: 1000, Routes: []gateway.Route{uploadRoute(backend)}},
		gateway.API{Name: "large", BasePath: "/l", MaxBodyBytes: 20 << 20, Routes: []gateway.Route{uploadRoute(backend)}},
	)
	for _, c := range []struct {
		path     string
		size     int64
		declared bool
		limit    string // "": admitted
	}{
		{"/d/up", gateway.DefaultMaxBodyBytes, true, ""},
		{"/d/up", gateway.DefaultMaxBodyBytes + 1, true, "10485760"},
		{"/d/up", gateway.DefaultMaxBodyBytes, false, ""},
		{"/d/up", gateway.DefaultMaxBodyBytes + 1, false, "10485760"},
		{"/s/up", 1000, true, ""},
		{"/s/up", 1001, true, "1000"},
		{"/s/up", 1001, false, "1000"},
		{"/l/up", 15 << 20, true, ""},
		{"/l/up", 15 << 20, false, ""},
	} {
		res, body := post(t, s.URL+c.path, c.size, c.declared)
		if c.limit == "" {
			if res.StatusCode != 200 || !strings.HasSuffix(body, "read") {
				t.Errorf("%s, %d bytes (declared %v): %d %s, want it admitted", c.path, c.size, c.declared, res.StatusCode, body)
			}
			continue
		}
		if res.StatusCode != 413 || body != "HTTP content length exceeded "+c.limit+" bytes." ||
			res.Header.Get("Content-Type") != "text; charset=utf-8" {
			t.Errorf("%s, %d bytes (declared %v): %d %q %v, want API Gateway's 413", c.path, c.size, c.declared, res.StatusCode, body, res.Header)
		}
	}
	if strings.Contains(s.log.String(), `"level":"ERROR"`) {
		t.Errorf("a client's oversized body was logged as an error: %s", s.log.String())
	}
}

// A chunked body the client breaks, or stops sending, is the client's 4xx
// — not a 502, and nothing logged as an error.
func TestBrokenBodyIsTheClientsFault(t *testing.T) {
	s := serveAPIs(t, gateway.API{Name: "api", Routes: []gateway.Route{uploadRoute(countingBackend(t))}})
	for name, raw := range map[string]string{
		"bad chunk size":      "5\r\nhello\r\nzz\r\nworld\r\n0\r\n\r\n",
		"chunk longer":        "2\r\nhello\r\n0\r\n\r\n",
		"no CRLF after chunk": "5\r\nhelloXX3\r\nabc\r\n0\r\n\r\n",
	} {
		res, body := rawRequest(t, s.URL, "POST", "/up", http.Header{"Transfer-Encoding": {"chunked"}}, raw)
		if res.StatusCode != 400 || body != `{"message":"Could not read the request body"}` {
			t.Errorf("%s: %d %s, want 400", name, res.StatusCode, body)
		}
	}
	if log := s.log.String(); strings.Contains(log, `"level":"ERROR"`) {
		t.Errorf("a client's broken body was logged as an error: %s", log)
	}
}

// No client can make the gateway send a huge header by sending one: what it
// echoes (an allowed origin, a preflight's method and headers) is bounded.
func TestEchoedHeadersAreBounded(t *testing.T) {
	s := serveAPIs(t, gateway.API{Name: "api", CORS: &gateway.CORS{AllowOrigins: []string{"*"}, AllowMethods: []string{"*"},
		AllowHeaders: []string{"*"}, AllowCredentials: true}, Routes: []gateway.Route{mockRoute("GET", "/a", "ok")}})
	huge := "https://" + strings.Repeat("a", 100<<10) + ".example.com"
	for _, h := range []http.Header{
		{"Origin": {huge}, "Access-Control-Request-Method": {"GET"}},
		{"Origin": {"https://app.example.com"}, "Access-Control-Request-Method": {strings.Repeat("G", 4096)}},
		{"Origin": {"https://app.example.com"}, "Access-Control-Request-Method": {"GET"}, "Access-Control-Request-Headers": {strings.Repeat("x-a,", 4096)}},
	} {
		res, _ := do(t, "OPTIONS", s.URL+"/a", h)
		for name, values := range res.Header {
			for _, v := range values {
				if len(v) > 1024 {
					t.Errorf("the gateway sent a %d-byte %s header", len(v), name)
				}
			}
		}
	}
	res, _ := do(t, "GET", s.URL+"/a", http.Header{"Origin": {huge}})
	if v := res.Header.Get("Access-Control-Allow-Origin"); len(v) > 1024 {
		t.Errorf("the gateway echoed a %d-byte origin", len(v))
	}
	res, _ = do(t, "OPTIONS", s.URL+"/a", http.Header{"Origin": {"https://app.example.com"}, "Access-Control-Request-Method": {"PATCH"},
		"Access-Control-Request-Headers": {"x-a"}})
	if res.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" || res.Header.Get("Access-Control-Allow-Headers") != "x-a" {
		t.Errorf("an ordinary preflight lost its echo: %v", res.Header)
	}
}
