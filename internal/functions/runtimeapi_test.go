package functions

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The Runtime API as clients use it: a next answered with the event handed
// over (before or after it asks), the answer taken once, curl's Expect:
// 100-continue, an unanswered event served again to a next on a new
// connection, and AWS's refusals.
func TestRuntimeAPI(t *testing.T) {
	a, err := startRuntimeAPI()
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	base := "http://" + a.address() + "/2018-06-01/runtime/"
	client := &http.Client{Timeout: 5 * time.Second}
	newInvocation := func(id string) *invocation {
		return &invocation{id: id, payload: []byte(`{"n":"` + id + `"}`), deadline: time.Now().Add(time.Minute),
			functionARN: "arn:aws:lambda:us-east-1:000000000000:function:f", clientContext: "{\n\"a\":1}", done: make(chan answer, 1)}
	}
	next := func(c *http.Client) (string, string) {
		t.Helper()
		res, err := c.Get(base + "invocation/next")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 || res.Header.Get("Lambda-Runtime-Client-Context") != `{ "a":1}` || res.Header.Get("Lambda-Runtime-Deadline-Ms") == "" {
			t.Fatalf("next: %d %v", res.StatusCode, res.Header)
		}
		return res.Header.Get("Lambda-Runtime-Aws-Request-Id"), string(body)
	}
	post := func(path, body string) int {
		t.Helper()
		res, err := client.Post(base+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}

	first := newInvocation("r1") // handed over before the runtime asks
	a.hand(first)
	if id, body := next(client); id != "r1" || body != `{"n":"r1"}` {
		t.Fatalf("next = %s %s", id, body)
	}
	select {
	case <-a.ready:
	default:
		t.Fatal("the first next did not end init")
	}
	if status := post("invocation/other/response", `1`); status != 400 {
		t.Fatalf("an answer to another id: %d", status)
	}
	if status := post("invocation/r1/response", `{"ok":1}`); status != 202 {
		t.Fatalf("response: %d", status)
	}
	if ans := <-first.done; string(ans.payload) != `{"ok":1}` || ans.failed {
		t.Fatalf("answer %+v", ans)
	}
	if status := post("invocation/r1/response", `2`); status != 400 {
		t.Fatalf("a second answer: %d", status)
	}
	if status := post("init/error", `{}`); status != 403 {
		t.Fatalf("init error after init: %d", status)
	}
	if status := post("invocation/r1/nonsense", `{}`); status != 404 {
		t.Fatalf("unknown path: %d", status)
	}

	// Handed over while a next waits; answered with curl's Expect, as an error.
	second := newInvocation("r2")
	got := make(chan string, 1)
	go func() { id, _ := next(client); got <- id }()
	for a.waitingNext() == nil {
		time.Sleep(time.Millisecond)
	}
	a.hand(second)
	if id := <-got; id != "r2" {
		t.Fatalf("next = %s", id)
	}
	conn, err := net.Dial("tcp", a.address())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"errorMessage":"boom","errorType":"Function.Unhandled"}`
	if _, err := io.WriteString(conn, "POST /2018-06-01/runtime/invocation/r2/error HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 56\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(conn)
	if line, _ := r.ReadString('\n'); line != "HTTP/1.1 100 Continue\r\n" {
		t.Fatalf("before the body: %q", line)
	}
	r.ReadString('\n')
	io.WriteString(conn, body)
	if res, err := http.ReadResponse(r, nil); err != nil || res.StatusCode != 202 {
		t.Fatalf("error post: %v %v", res, err)
	}
	if ans := <-second.done; string(ans.payload) != body || !ans.failed {
		t.Fatalf("error answer %+v", ans)
	}

	// Unanswered, then a next on a fresh connection: the same event again.
	third := newInvocation("r3")
	a.hand(third)
	next(client)
	if id, _ := next(&http.Client{Transport: &http.Transport{}}); id != "r3" {
		t.Fatalf("served again: %s", id)
	}
}

// waitingNext is the connection whose next waits, for tests.
func (a *runtimeAPI) waitingNext() *runtimeConn {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.waiting
}

// A next that asks to close its connection (Python's urllib, HTTP/1.0)
// still waits for its event, which comes with Connection: close before the
// connection ends.
func TestRuntimeAPIClosingNextWaits(t *testing.T) {
	for _, request := range []string{
		"GET /2018-06-01/runtime/invocation/next HTTP/1.0\r\n\r\n",
		"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	} {
		a := newRuntimeAPI(t)
		conn := dialRuntime(t, a)
		io.WriteString(conn, request)
		for a.waitingNext() == nil {
			time.Sleep(time.Millisecond)
		}
		a.hand(&invocation{id: "r1", payload: []byte(`{}`), deadline: time.Now().Add(time.Minute), done: make(chan answer, 1)})
		r := bufio.NewReader(conn)
		res, err := http.ReadResponse(r, nil)
		if err != nil || res.StatusCode != 200 || res.Header.Get("Lambda-Runtime-Aws-Request-Id") != "r1" || !res.Close {
			t.Fatalf("%q: %v %v", request, res, err)
		}
		if body, _ := io.ReadAll(res.Body); string(body) != `{}` {
			t.Fatalf("event %q", body)
		}
		if _, err := r.ReadByte(); err != io.EOF {
			t.Fatalf("the connection stays open: %v", err)
		}
	}
}

// One next waits at a time: a newer one closes the connection of the one
// it replaces, and takes the event.
func TestRuntimeAPINewerNextReplacesWaiting(t *testing.T) {
	a := newRuntimeAPI(t)
	const next = "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n"
	first, second := dialRuntime(t, a), dialRuntime(t, a)
	io.WriteString(first, next)
	for a.waitingNext() == nil {
		time.Sleep(time.Millisecond)
	}
	waiting := a.waitingNext()
	io.WriteString(second, next)
	for a.waitingNext() == waiting {
		time.Sleep(time.Millisecond)
	}
	first.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := first.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("the replaced next's connection: %v", err)
	}
	a.hand(&invocation{id: "r1", payload: []byte(`{}`), deadline: time.Now().Add(time.Minute), done: make(chan answer, 1)})
	if res, err := http.ReadResponse(bufio.NewReader(second), nil); err != nil || res.Header.Get("Lambda-Runtime-Aws-Request-Id") != "r1" {
		t.Fatalf("newer next: %v %v", res, err)
	}
}

// A post refused before its body is sent (Expect: 100-continue) says the
// connection closes, and closes it.
func TestRuntimeAPIRefusedContinueCloses(t *testing.T) {
	a := newRuntimeAPI(t)
	conn := dialRuntime(t, a)
	io.WriteString(conn, "POST /2018-06-01/runtime/invocation/nobody/response HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
	r := bufio.NewReader(conn)
	res, err := http.ReadResponse(r, nil)
	if err != nil || res.StatusCode != 400 || !res.Close {
		t.Fatalf("refusal: %v %v", res, err)
	}
	io.Copy(io.Discard, res.Body)
	if _, err := r.ReadByte(); err != io.EOF {
		t.Fatalf("the connection stays open: %v", err)
	}
}

// A runtime that does not read its event cannot hold the invoking
// goroutine past the invocation's deadline.
func TestRuntimeAPIEventWriteEndsAtDeadline(t *testing.T) {
	a := newRuntimeAPI(t)
	conn := dialRuntime(t, a)
	io.WriteString(conn, "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n")
	for a.waitingNext() == nil {
		time.Sleep(time.Millisecond)
	}
	// Larger than loopback's socket buffers take, so the write blocks.
	inv := &invocation{id: "r1", payload: make([]byte, 256<<20), deadline: time.Now().Add(200 * time.Millisecond), done: make(chan answer, 1)}
	handed := make(chan struct{})
	go func() { a.hand(inv); close(handed) }()
	select {
	case <-handed:
	case <-time.After(10 * time.Second):
		t.Fatal("the event's write outlived the invocation's deadline")
	}
}

func newRuntimeAPI(t *testing.T) *runtimeAPI {
	t.Helper()
	a, err := startRuntimeAPI()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.close)
	return a
}

func dialRuntime(t *testing.T, a *runtimeAPI) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", a.address())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}
