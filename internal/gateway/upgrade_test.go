package gateway_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/gateway/integration"
	"github.com/moat-dev/moat/internal/testenv"
)

// Issue 10, item 3: a backend that answers any upgrade with 101 would make
// the client's connection a raw tunnel past routing, authorization and the
// access log. Only a websocket: true route upgrades, to WebSocket only,
// after its pipeline has passed the handshake.
func TestUpgradesOnlyOnWebSocketRoutes(t *testing.T) {
	var tunnels atomic.Int32
	tunnel := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, rw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		tunnels.Add(1)
		rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: " + r.Header.Get("Upgrade") + "\r\n\r\n")
		rw.Flush()
		line, _ := rw.ReadString('\n') // whatever comes next goes around the gateway
		rw.WriteString("tunnelled " + line)
		rw.Flush()
	}))
	defer tunnel.Close()
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		for {
			typ, msg, err := c.Read(r.Context())
			if err != nil {
				return
			}
			c.Write(r.Context(), typ, []byte(r.Header.Get("X-User-Id")+":"+string(msg)))
		}
	}))
	defer echo.Close()
	headers := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("upgrade=" + r.Header.Get("Upgrade") + ";settings=" + r.Header.Get("Http2-Settings")))
	}))
	defer headers.Close()

	auth := idAuthorizer(func(r *gateway.Request) (*gateway.Identity, error) {
		if r.HTTP.Header.Get("Authorization") != "Bearer good" {
			return nil, &gateway.Error{Type: gateway.Unauthorized, Message: "Unauthorized"}
		}
		return &gateway.Identity{Principal: "user-1", Claims: map[string]any{"sub": "user-1"}}, nil
	})
	proxy := func(path, uri string, ws bool) gateway.Route {
		return gateway.Route{Method: "GET", Path: path, Authorizer: "jwt", WebSocket: ws,
			Integration: gateway.IntegrationConfig{Type: "http_proxy", URI: uri}}
	}
	var log testenv.LogBuffer
	b := integration.NewBuilder()
	t.Cleanup(b.Close)
	g, err := gateway.New(gateway.Config{NewIntegration: b.New, Logger: slog.New(slog.NewJSONHandler(&log, nil)),
		NewAuthorizer: func(*gateway.API, gateway.AuthorizerConfig) (gateway.Authorizer, error) { return auth, nil },
		APIs: []gateway.API{{Name: "api", Authorizers: []gateway.AuthorizerConfig{{Name: "jwt", Type: "JWT", ClaimHeaders: map[string]string{"sub": "X-User-Id"}}},
			Routes: []gateway.Route{proxy("/plain", tunnel.URL, false), proxy("/ws", echo.URL, true), proxy("/ws-tunnel", tunnel.URL, true), proxy("/h2c", headers.URL, false)}}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g)
	defer srv.Close()

	for _, c := range []struct{ path, upgrade string }{
		{"/plain", "websocket"}, {"/plain", "tcp"}, {"/ws-tunnel", "tcp"},
	} {
		res, body := rawRequest(t, srv.URL, "GET", c.path, http.Header{
			"Connection": {"Upgrade"}, "Upgrade": {c.upgrade}, "Authorization": {"Bearer good"},
			"Sec-Websocket-Key": {"dGhlIHNhbXBsZSBub25jZQ=="}, "Sec-Websocket-Version": {"13"}})
		if res.StatusCode != 400 || !strings.Contains(body, "upgrade") {
			t.Errorf("Upgrade: %s on %s: %d %s, want 400", c.upgrade, c.path, res.StatusCode, body)
		}
	}
	if n := tunnels.Load(); n != 0 {
		t.Fatalf("%d tunnels were opened through the gateway", n)
	}
	// An h2c offer is answered over HTTP/1.1 and never forwarded.
	res, body := rawRequest(t, srv.URL, "GET", "/h2c", http.Header{
		"Connection": {"Upgrade, HTTP2-Settings"}, "Upgrade": {"h2c"}, "Http2-Settings": {"AAMAAABkAARAAAAAAAIAAAAA"},
		"Authorization": {"Bearer good"}})
	if res.StatusCode != 200 || body != "upgrade=;settings=" {
		t.Fatalf("h2c offer: %d %q, want 200 and no upgrade at the backend", res.StatusCode, body)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	wsURL := "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"
	_, res, err = websocket.Dial(ctx, wsURL, nil)
	if err == nil || res == nil || res.StatusCode != 401 {
		t.Fatalf("handshake without a token: %v %v; want 401", res, err)
	}
	conn, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{HTTPHeader: http.Header{
		"Authorization": {"Bearer good"}, "X-User-Id": {"forged"}}})
	if err != nil {
		t.Fatalf("authorized handshake: %v", err)
	}
	for _, msg := range []string{"hello", "again"} {
		if err := conn.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		_, got, err := conn.Read(ctx)
		if err != nil || string(got) != "user-1:"+msg {
			t.Fatalf("echo of %q: %q %v", msg, got, err)
		}
	}
	conn.Close(websocket.StatusNormalClosure, "")

	// The handshake is logged as the 101 it was, once the tunnel closes.
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(log.String(), `"route":"GET /ws","method":"GET","path":"/ws","status":101`) {
		if time.Now().After(deadline) {
			t.Fatalf("no access-log line for the WebSocket: %s", log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestWebSocketRouteNeedsAProxy(t *testing.T) {
	err := gateway.Validate([]gateway.API{{Name: "api", Routes: []gateway.Route{
		{Method: "GET", Path: "/ws", WebSocket: true, Integration: gateway.IntegrationConfig{Type: "mock"}},
		{Method: "POST", Path: "/ws2", WebSocket: true, Integration: gateway.IntegrationConfig{Type: "http_proxy", URI: "http://b"}},
	}}})
	if err == nil || strings.Count(err.Error(), "websocket:") != 2 {
		t.Fatalf("err = %v", err)
	}
}
