package integration_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// connCounter counts the connections a backend accepts.
type connCounter struct {
	mu  sync.Mutex
	new int
}

func (c *connCounter) track(_ net.Conn, s http.ConnState) {
	if s == http.StateNew {
		c.mu.Lock()
		c.new++
		c.mu.Unlock()
	}
}

func (c *connCounter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.new
}

func get(t *testing.T, url string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for name, vv := range header {
		req.Header[name] = vv
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

// Requests one after another share one backend connection, and one the
// backend closed while it was idle costs the next request nothing: it is
// sent again on a new connection.
func TestLeanPathReusesConnectionsAndSurvivesStaleOnes(t *testing.T) {
	var conns connCounter
	backend := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "item "+r.PathValue("id")+r.URL.Path)
	}))
	backend.Config.ConnState = conns.track
	backend.Start()
	defer backend.Close()
	url := serveGateway(t, proxyRoute("GET", "/items/{id}", backend.URL+"/items/{id}"))

	for range 20 {
		if res, body := get(t, url+"/items/42", nil); res.StatusCode != 200 || body != "item /items/42" {
			t.Fatalf("%d %q", res.StatusCode, body)
		}
	}
	if n := conns.count(); n != 1 {
		t.Errorf("20 sequential requests opened %d backend connections, want 1", n)
	}
	backend.CloseClientConnections() // the idle connection the gateway holds
	if res, body := get(t, url+"/items/7", nil); res.StatusCode != 200 || body != "item /items/7" {
		t.Fatalf("after the backend closed the idle connection: %d %q", res.StatusCode, body)
	}
	if n := conns.count(); n != 2 {
		t.Errorf("%d backend connections, want 2", n)
	}
}

// Hop-by-hop headers stay on their own connection both ways, those a
// Connection header names too; trailers pass; a client without a
// User-Agent gets no Go default in its stead.
func TestLeanPathHopByHopHeadersAndTrailers(t *testing.T) {
	var seen http.Header
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.Header.Clone()
		w.Header().Set("Connection", "X-Backend-Hop")
		w.Header().Set("X-Backend-Hop", "1")
		w.Header().Set("Keep-Alive", "timeout=5")
		w.Header().Set("Trailer", "X-Checksum")
		w.Header().Set("X-End", "2")
		w.WriteHeader(200)
		w.(http.Flusher).Flush() // chunked, so the trailer can follow
		io.WriteString(w, "body")
		w.Header().Set("X-Checksum", "abc")
	}))
	defer backend.Close()
	url := serveGateway(t, proxyRoute("GET", "/h", backend.URL))

	req, _ := http.NewRequest("GET", url+"/h", nil)
	req.Header["User-Agent"] = nil // Go's client then sends none
	req.Header.Set("Connection", "X-Client-Hop")
	req.Header.Set("X-Client-Hop", "1")
	req.Header.Set("Proxy-Authorization", "Basic eDp5")
	req.Header.Set("Te", "trailers")
	req.Header.Set("X-Kept", "yes")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()

	for _, name := range []string{"X-Client-Hop", "Proxy-Authorization", "User-Agent", "Connection"} {
		if v, ok := seen[name]; ok {
			t.Errorf("backend got %s: %q", name, v)
		}
	}
	if seen.Get("X-Kept") != "yes" || seen.Get("Te") != "trailers" || seen.Get("X-Forwarded-Proto") != "http" || seen.Get("X-Forwarded-Host") == "" {
		t.Errorf("backend headers %v", seen)
	}
	if string(body) != "body" || res.Header.Get("X-End") != "2" || res.Trailer.Get("X-Checksum") != "abc" {
		t.Errorf("client got %q, headers %v, trailers %v", body, res.Header, res.Trailer)
	}
	for _, name := range []string{"X-Backend-Hop", "Keep-Alive"} {
		if v, ok := res.Header[name]; ok {
			t.Errorf("client got %s: %q", name, v)
		}
	}
}

// A client that leaves while the backend thinks frees the backend at once:
// the gateway closes the backend connection rather than wait out the
// integration timeout.
func TestLeanPathClientLeavingReleasesTheBackend(t *testing.T) {
	released := make(chan struct{})
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
			close(released)
		case <-time.After(10 * time.Second):
		}
	}))
	defer backend.Close()
	url := serveGateway(t, proxyRoute("GET", "/slow", backend.URL))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", url+"/slow", nil)
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("the slow backend answered %d", res.StatusCode)
	}
	waitFor(t, released, "the backend's request to end after the client left")
}
