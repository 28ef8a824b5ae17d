package integration_test

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/gateway"
)

// waitFor fails the test if ch is not closed within a few seconds.
func waitFor(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}

// The client must see each event as the backend flushes it, not when the
// backend finishes: the backend does not send its second event until the
// client has read the first.
func TestProxyStreamsResponse(t *testing.T) {
	clientGotFirst := make(chan struct{})
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: first\n\n")
		w.(http.Flusher).Flush()
		select {
		case <-clientGotFirst:
		case <-time.After(5 * time.Second):
			return // the test fails on the client side
		}
		io.WriteString(w, "data: second\n\n")
	}))
	defer backend.Close()
	url := serveGateway(t, proxyRoute("GET", "/events", backend.URL))

	res, err := http.Get(url + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("%d %v", res.StatusCode, res.Header)
	}
	lines := bufio.NewReader(res.Body)
	first := make(chan string, 1)
	go func() { line, _ := lines.ReadString('\n'); first <- line }()
	select {
	case line := <-first:
		if line != "data: first\n" {
			t.Fatalf("first line %q", line)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the first event did not reach the client while the backend was still streaming")
	}
	close(clientGotFirst)
	rest, _ := io.ReadAll(lines)
	if string(rest) != "\ndata: second\n\n" {
		t.Fatalf("rest of stream %q", rest)
	}
}

// The backend must get the first part of an upload while the client is
// still holding back the rest.
func TestProxyStreamsRequest(t *testing.T) {
	backendGotFirst := make(chan struct{})
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf := make([]byte, len("part one;"))
		if _, err := io.ReadFull(r.Body, buf); err != nil || string(buf) != "part one;" {
			http.Error(w, fmt.Sprintf("first part %q, %v", buf, err), 400)
			return
		}
		close(backendGotFirst)
		rest, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s%s", buf, rest)
	}))
	defer backend.Close()
	url := serveGateway(t, proxyRoute("POST", "/upload", backend.URL))

	body, send := io.Pipe()
	type result struct {
		status int
		body   string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		res, err := http.Post(url+"/upload", "application/octet-stream", body)
		if err != nil {
			done <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		done <- result{res.StatusCode, string(b), nil}
	}()
	io.WriteString(send, "part one;")
	waitFor(t, backendGotFirst, "the backend to read the first part of the upload")
	io.WriteString(send, "part two")
	send.Close()
	r := <-done
	if r.err != nil || r.status != 200 || r.body != "part one;part two" {
		t.Fatalf("%d %q %v", r.status, r.body, r.err)
	}
}

// patternReader yields n bytes of a repeating pattern without holding them.
type patternReader struct {
	left int64
	read atomic.Int64
}

func (p *patternReader) Read(b []byte) (int, error) {
	if p.left == 0 {
		return 0, io.EOF
	}
	n := min(int64(len(b)), p.left)
	for i := range b[:n] {
		b[i] = byte(p.read.Load()+int64(i)) % 251
	}
	p.left -= n
	p.read.Add(n)
	return int(n), nil
}

// A 64 MiB upload passes through without the gateway holding it: the
// backend starts reading long before the client has sent it all, and the
// whole process allocates a fraction of the body's size.
func TestProxyLargeUploadIsNotBuffered(t *testing.T) {
	const size = 64 << 20
	src := &patternReader{left: size}
	var sentAtFirstByte atomic.Int64
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		first := make([]byte, 1)
		if _, err := io.ReadFull(r.Body, first); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		sentAtFirstByte.Store(src.read.Load())
		h := sha256.New()
		h.Write(first)
		n, _ := io.Copy(h, r.Body)
		fmt.Fprintf(w, "%d %x", n+1, h.Sum(nil))
	}))
	defer backend.Close()
	url := serveAPI(t, gateway.API{Name: "api", MaxBodyBytes: 2 * size, Routes: []gateway.Route{proxyRoute("PUT", "/blob", backend.URL)}})

	want := sha256.New()
	io.Copy(want, &patternReader{left: size})

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	req, _ := http.NewRequest("PUT", url+"/blob", src)
	req.ContentLength = size
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	runtime.ReadMemStats(&after)

	if res.StatusCode != 200 || string(body) != fmt.Sprintf("%d %x", size, want.Sum(nil)) {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
	if sent := sentAtFirstByte.Load(); sent > size/4 {
		t.Errorf("the backend saw its first byte only after the client had sent %d of %d bytes", sent, size)
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("backend's first byte after %d bytes sent; %d bytes allocated in all", sentAtFirstByte.Load(), allocated)
	if allocated > size/4 {
		t.Errorf("the upload allocated %d bytes for a %d-byte body", allocated, size)
	}
}

// The 504 for a slow backend must not depend on the body: the timeout
// covers only the wait for response headers.
func TestProxySlowStreamOutlivesTimeout(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.(http.Flusher).Flush()
		for i := range 3 {
			time.Sleep(60 * time.Millisecond)
			fmt.Fprintf(w, "data: %d\n\n", i)
			w.(http.Flusher).Flush()
		}
	}))
	defer backend.Close()
	r := proxyRoute("GET", "/events", backend.URL)
	r.Integration.TimeoutMillis = 100
	url := serveGateway(t, r)
	res, err := http.Get(url + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || strings.Count(string(b), "data: ") != 3 {
		t.Fatalf("%d %q", res.StatusCode, b)
	}
}
