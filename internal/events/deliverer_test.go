package events_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/events"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/store/sqlstore"
	"github.com/moat-dev/moat/internal/store/sqlstore/sqlstoretest"
	"github.com/moat-dev/moat/internal/testenv"
	"github.com/moat-dev/moat/internal/webhooksig"
)

var secret = "whsec_" + base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))

func sqliteStore(t *testing.T) store.Store {
	t.Helper()
	st := sqlstoretest.Open(t)
	return st
}

var origin = events.Origin{Source: "moat.test", Account: "000000000000", Region: "us-east-1"}

// record writes one event of stream "s" whose detail says n.
func record(t *testing.T, st store.Store, stream string, n int) events.Event {
	t.Helper()
	e, err := origin.New("Test Happened", time.Now(), nil, map[string]any{"stream": stream, "n": n})
	if err != nil {
		t.Fatal(err)
	}
	if err := events.Record(context.Background(), st, stream, e); err != nil {
		t.Fatal(err)
	}
	return e
}

// receiver is a webhook endpoint that checks signatures and keeps what it took.
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	got    []received
	tries  map[string]int
	answer func(r received, try int) int // status to answer
}

type received struct {
	ID     string
	Stream string
	N      int
}

func newReceiver(t *testing.T, answer func(r received, try int) int) *receiver {
	rc := &receiver{tries: map[string]int{}, answer: answer}
	key, _ := base64.StdEncoding.DecodeString(secret[len("whsec_"):])
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		id, ts := r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp")
		sec, _ := strconv.ParseInt(ts, 10, 64)
		if r.Header.Get("webhook-signature") != webhooksig.Sign(key, id, sec, body) || time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute {
			t.Errorf("bad signature on %s", id)
			w.WriteHeader(400)
			return
		}
		var e events.Event
		var d struct {
			Stream string `json:"stream"`
			N      int    `json:"n"`
		}
		if err := json.Unmarshal(body, &e); err != nil || json.Unmarshal(e.Detail, &d) != nil || e.ID != id || e.Version != "0" {
			t.Errorf("body %s: %v", body, err)
		}
		got := received{ID: id, Stream: d.Stream, N: d.N}
		rc.mu.Lock()
		rc.tries[id]++
		status := 200
		if rc.answer != nil {
			status = rc.answer(got, rc.tries[id])
		}
		if status == 200 {
			rc.got = append(rc.got, got)
		}
		rc.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) taken() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

func webhookTarget(t *testing.T, name, url string, maxAttempts int) *events.Target {
	t.Helper()
	w, err := events.NewWebhook(url, secret)
	if err != nil {
		t.Fatal(err)
	}
	return &events.Target{Name: name, Transport: w, MaxAttempts: maxAttempts, Backoff: 20 * time.Millisecond,
		MaxBackoff: 100 * time.Millisecond, Timeout: 500 * time.Millisecond}
}

func run(t *testing.T, st store.Store, targets ...*events.Target) (stop func()) {
	t.Helper()
	if err := events.StartCursors(context.Background(), st, targets); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := events.NewDeliverer(events.DelivererConfig{Store: st, Targets: targets, Poll: 10 * time.Millisecond, LeaseTTL: 2 * time.Second,
		Logger: slog.New(slog.NewTextHandler(testWriter{t}, nil))})
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}

// testWriter writes a deliverer's log to the test's.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// inOrderPerStream fails unless each stream's numbers arrive ascending and complete.
func inOrderPerStream(t *testing.T, got []received, want map[string]int) {
	t.Helper()
	next := map[string]int{}
	for _, r := range got {
		if r.N != next[r.Stream] {
			t.Fatalf("stream %s: got event %d, want %d (all: %+v)", r.Stream, r.N, next[r.Stream], got)
		}
		next[r.Stream]++
	}
	for s, n := range want {
		if next[s] != n {
			t.Fatalf("stream %s: %d events taken, want %d", s, next[s], n)
		}
	}
}

func TestWebhookGetsEveryEventSignedAndInOrder(t *testing.T) {
	st := sqliteStore(t)
	rc := newReceiver(t, nil)
	run(t, st, webhookTarget(t, "hook", rc.URL, 3))
	for i := range 10 {
		record(t, st, []string{"a", "b"}[i%2], i/2)
	}
	waitFor(t, "10 events", func() bool { return len(rc.taken()) == 10 })
	inOrderPerStream(t, rc.taken(), map[string]int{"a": 5, "b": 5})
}

// A stream whose event keeps failing waits for it; other streams do not.
func TestFailingEventHoldsBackOnlyItsStream(t *testing.T) {
	st := sqliteStore(t)
	rc := newReceiver(t, func(r received, try int) int {
		if r.Stream == "a" && r.N == 0 && try < 3 {
			return 503
		}
		return 200
	})
	run(t, st, webhookTarget(t, "hook", rc.URL, 10))
	for i := range 3 {
		record(t, st, "a", i)
	}
	for i := range 3 {
		record(t, st, "b", i)
	}
	waitFor(t, "6 events", func() bool { return len(rc.taken()) == 6 })
	got := rc.taken()
	inOrderPerStream(t, got, map[string]int{"a": 3, "b": 3})
	if got[0].Stream != "b" {
		t.Fatalf("stream b waited for stream a's failing event: %+v", got)
	}
}

// An event that fails MaxAttempts times is a dead letter, and its stream
// moves on past it.
func TestEventFailingThreeTimesIsADeadLetter(t *testing.T) {
	st := sqliteStore(t)
	rc := newReceiver(t, func(r received, _ int) int {
		if r.N == 0 {
			return 500
		}
		return 200
	})
	run(t, st, webhookTarget(t, "hook", rc.URL, 3))
	doomed := record(t, st, "a", 0)
	record(t, st, "a", 1)
	waitFor(t, "the next event", func() bool { return len(rc.taken()) == 1 })
	dead, err := st.ListEventHolds(context.Background(), "hook", true)
	if err != nil || len(dead) != 1 {
		t.Fatalf("dead letters %+v, %v", dead, err)
	}
	if d := dead[0]; d.Event.ID != doomed.ID || d.Attempts != 3 || d.LastError == "" || d.DeadAt == 0 {
		t.Fatalf("dead letter %+v", d)
	}
	rc.mu.Lock()
	tries := rc.tries[doomed.ID]
	rc.mu.Unlock()
	if tries != 3 {
		t.Fatalf("the receiver was tried %d times, want 3", tries)
	}
}

// Events written while no deliverer runs (moat stopped between the change
// and its delivery) are delivered when one starts again; a new deliverer
// redelivers nothing already taken.
func TestEventsWaitForTheNextDeliverer(t *testing.T) {
	st := sqliteStore(t)
	rc := newReceiver(t, nil)
	target := func() *events.Target { return webhookTarget(t, "hook", rc.URL, 3) }
	stop := run(t, st, target())
	record(t, st, "a", 0)
	waitFor(t, "the first event", func() bool { return len(rc.taken()) == 1 })
	stop()
	record(t, st, "a", 1)
	record(t, st, "a", 2)
	time.Sleep(50 * time.Millisecond)
	if n := len(rc.taken()); n != 1 {
		t.Fatalf("%d events taken with no deliverer running", n)
	}
	run(t, st, target())
	waitFor(t, "the rest", func() bool { return len(rc.taken()) == 3 })
	inOrderPerStream(t, rc.taken(), map[string]int{"a": 3})
}

// Replicas sharing a PostgreSQL database: one delivers at a time, and
// another takes over when it stops.
func TestOneReplicaDeliversAtATime(t *testing.T) {
	dsn := testenv.NewPostgresDatabase(t)
	open := func() store.Store {
		st, err := sqlstore.OpenPostgres(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	first, second := open(), open()
	rc := newReceiver(t, nil)
	stopFirst := run(t, first, webhookTarget(t, "hook", rc.URL, 3))
	waitFor(t, "the first replica to take the lease", func() bool {
		ok, err := first.TakeLease(context.Background(), events.LeaseName, "probe", time.Now().UnixMilli(), time.Now().UnixMilli())
		return err == nil && !ok
	})
	run(t, second, webhookTarget(t, "hook", rc.URL, 3))
	for i := range 20 {
		record(t, []store.Store{first, second}[i%2], "a", i)
	}
	waitFor(t, "20 events", func() bool { return len(rc.taken()) == 20 })
	stopFirst()
	for i := 20; i < 25; i++ {
		record(t, second, "a", i)
	}
	waitFor(t, "the other replica to take over", func() bool { return len(rc.taken()) == 25 })
	got := rc.taken()
	inOrderPerStream(t, got, map[string]int{"a": 25})
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for id, n := range rc.tries {
		if n != 1 {
			t.Errorf("event %s delivered %d times", id, n)
		}
	}
}

func TestRetryWaitsGrowAndStayBounded(t *testing.T) {
	tg := &events.Target{Backoff: 100 * time.Millisecond, MaxBackoff: time.Second}
	for failures, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 9: time.Second} {
		for range 20 {
			got := events.RetryAfter(tg, failures)
			if got < want*8/10 || got > want*12/10 {
				t.Fatalf("after %d failures waited %v, want %v ± 20%%", failures, got, want)
			}
		}
	}
}
