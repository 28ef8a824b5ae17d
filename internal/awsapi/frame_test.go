package awsapi

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/clientip"
)

// holdingService has one operation that waits until release is closed,
// holding its request body's room in the frame's budget meanwhile.
func holdingService(entered chan<- struct{}, release <-chan struct{}) Service {
	type req struct{ Pad string }
	return Service{TargetPrefix: "Hold", SigningName: "hold", Operations: []Operation{
		Op("Hold", false, func(ctx context.Context, _ *req) (*struct{}, error) {
			entered <- struct{}{}
			<-release
			return nil, nil
		}),
		Op("Quick", false, func(context.Context, *req) (*struct{}, error) { return nil, nil }),
	}}
}

func holdRequest(op string, bodySize int) *http.Request {
	body := `{"Pad":"` + strings.Repeat("x", bodySize-10) + `"}`
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.Header.Set("X-Amz-Target", "Hold."+op)
	r.Header.Set("Content-Type", jsonContentType)
	return r
}

// Past the bound on bodies held at once, requests are refused as
// throttled at once, not queued; the room comes back when a request ends.
func TestBufferedBodiesAreBounded(t *testing.T) {
	const bodySize, admitted = 1000, 3
	entered, release := make(chan struct{}), make(chan struct{})
	frame := NewFrame(Config{Logger: slog.New(slog.DiscardHandler), MaxBufferedBytes: admitted * bodySize})
	h := frame.JSON(holdingService(entered, release), nil)

	var wg sync.WaitGroup
	for range admitted {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, holdRequest("Hold", bodySize))
			if rec.Code != 200 {
				t.Errorf("held request: %d %s", rec.Code, rec.Body)
			}
		}()
		<-entered
	}
	for range 5 {
		start := time.Now()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, holdRequest("Quick", bodySize))
		wantError(t, rec, 400, awserr.TooManyRequests)
		if waited := time.Since(start); waited > 2*time.Second {
			t.Errorf("a refused request waited %s", waited)
		}
	}
	// Small bodies still fit beside the held ones only if room is left: none is.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, holdRequest("Quick", 20))
	wantError(t, rec, 400, awserr.TooManyRequests)

	close(release)
	wg.Wait()
	for range 2 * admitted { // every byte came back, errors too
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, holdRequest("Quick", admitted*bodySize))
		if rec.Code != 200 {
			t.Fatalf("after release: %d %s", rec.Code, rec.Body)
		}
		rec = httptest.NewRecorder()
		bad := holdRequest("Quick", bodySize)
		bad.Header.Set("Content-Type", "text/plain")
		h.ServeHTTP(rec, bad)
		wantError(t, rec, 400, awserr.Serialization)
	}
}

// The throttling answer is each protocol's own.
func TestThrottledShapes(t *testing.T) {
	frame := NewFrame(Config{Logger: slog.New(slog.DiscardHandler), MaxBufferedBytes: 1})
	q := newQueryFixture(t)
	q.handler.frame = frame
	wantQueryError(t, q.post(t, "Action=Echo&Name=a"), 400, "Sender", "Throttling")
	r := newRESTFixture(t)
	r.handler.frame = frame
	wantRESTError(t, r.do(t, "POST", "/widgets", `{"name":"a"}`, true), 429, awserr.TooManyRequests)
}

// A body sent without Content-Length (chunked) is held to the same limit.
func TestChunkedBodyLimit(t *testing.T) {
	f := newFixture(t)
	body := `{"Name":"` + strings.Repeat("a", jsonMaxBody) + `"}`
	r := httptest.NewRequest(http.MethodPost, "/", io.MultiReader(strings.NewReader(body)))
	r.ContentLength = -1
	r.Header.Set("X-Amz-Target", "TestService.Echo")
	r.Header.Set("Content-Type", jsonContentType)
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, r)
	wantError(t, rec, 400, awserr.Serialization)

	small := httptest.NewRequest(http.MethodPost, "/", io.MultiReader(strings.NewReader(`{"Name":"ada"}`)))
	small.ContentLength = -1
	small.Header.Set("X-Amz-Target", "TestService.Echo")
	small.Header.Set("Content-Type", jsonContentType)
	rec = httptest.NewRecorder()
	f.handler.ServeHTTP(rec, small)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "hello ada") {
		t.Fatalf("small chunked body: %d %s", rec.Code, rec.Body)
	}
}

// Handlers and the access log see the client behind a trusted proxy, and
// the TCP peer when the peer is anyone else.
func TestClientAddressBehindTrustedProxy(t *testing.T) {
	proxies, err := clientip.ParseProxies("10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	type req struct{}
	type resp struct{ SourceIP string }
	svc := Service{TargetPrefix: "Who", SigningName: "who", Operations: []Operation{
		Op("Am", false, func(ctx context.Context, _ *req) (*resp, error) { return &resp{RequestFrom(ctx).SourceIP}, nil }),
	}}
	h := NewFrame(Config{Logger: slog.New(slog.NewJSONHandler(logs, nil)), Proxies: proxies}).JSON(svc, nil)
	for _, c := range []struct{ peer, xff, want string }{
		{"10.1.2.3:4000", "198.51.100.1, 203.0.113.9", "203.0.113.9"},
		{"192.0.2.50:4000", "203.0.113.9", "192.0.2.50"},
	} {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{}`))
		r.RemoteAddr = c.peer
		r.Header.Set("X-Forwarded-For", c.xff)
		r.Header.Set("X-Amz-Target", "Who.Am")
		r.Header.Set("Content-Type", jsonContentType)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if got := decodeBody(t, rec)["SourceIP"]; got != c.want {
			t.Errorf("peer %s, X-Forwarded-For %q: handler saw %v, want %s", c.peer, c.xff, got, c.want)
		}
		if !strings.Contains(logs.String(), `"source_ip":"`+c.want+`"`) {
			t.Errorf("access log lacks source_ip %s: %s", c.want, logs)
		}
	}
}

func TestUnclaimed(t *testing.T) {
	h := NewFrame(Config{Logger: slog.New(slog.DiscardHandler)}).Unclaimed()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/nothing-here", nil))
	if body := wantError(t, rec, 404, awserr.UnknownOperation); !strings.Contains(body["message"].(string), "GET /nothing-here") {
		t.Errorf("message %v", body["message"])
	}
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{}`))
	r.Header.Set("X-Amz-Target", "NoSuchService.Op")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	wantError(t, rec, 400, awserr.UnknownOperation)
}
