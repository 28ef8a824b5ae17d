package events_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/moat-dev/moat/internal/events"
	"github.com/moat-dev/moat/internal/testenv"
)

// natsTarget publishes under a subject and stream of this test's own,
// deleted when it ends; js reads them back.
func natsTarget(t *testing.T) (*events.Target, jetstream.JetStream, string, string) {
	t.Helper()
	js, url, subject, stream := testenv.JetStreamFor(t, "moat.test")
	tr, err := events.NewNATS(url, subject, stream)
	if err != nil {
		t.Fatal(err)
	}
	return &events.Target{Name: "bus", Transport: tr, MaxAttempts: 3, Backoff: 20 * time.Millisecond,
		MaxBackoff: 100 * time.Millisecond, Timeout: 2 * time.Second}, js, subject, stream
}

func TestNATSStreamGetsEveryEventInOrder(t *testing.T) {
	st := sqliteStore(t)
	target, js, subject, stream := natsTarget(t)
	run(t, st, target)
	var want []string
	for i := range 6 {
		want = append(want, record(t, st, "a", i).ID)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var cons jetstream.Consumer
	waitFor(t, "the stream", func() bool {
		var err error
		cons, err = js.OrderedConsumer(ctx, stream, jetstream.OrderedConsumerConfig{})
		return err == nil
	})
	for i, id := range want {
		m, err := cons.Next(jetstream.FetchMaxWait(10 * time.Second))
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		var e events.Event
		if err := json.Unmarshal(m.Data(), &e); err != nil {
			t.Fatal(err)
		}
		if e.ID != id || m.Headers().Get(jetstream.MsgIDHeader) != id || m.Subject() != subject+".test-happened" {
			t.Fatalf("message %d: id %s, Nats-Msg-Id %s, subject %s; want %s on %s.test-happened", i, e.ID, m.Headers().Get(jetstream.MsgIDHeader), m.Subject(), id, subject)
		}
	}
}

// A redelivered event (the deliverer stopped after publishing, before it
// recorded that) is dropped by the stream.
func TestNATSDropsARedelivery(t *testing.T) {
	st := sqliteStore(t)
	target, js, _, stream := natsTarget(t)
	e := record(t, st, "a", 0)
	page, err := st.ListEvents(context.Background(), 0, 1)
	if err != nil || len(page) != 1 || page[0].ID != e.ID {
		t.Fatalf("outbox %+v %v", page, err)
	}
	for range 2 {
		if err := target.Transport.Deliver(context.Background(), page[0]); err != nil {
			t.Fatal(err)
		}
	}
	s, err := js.Stream(context.Background(), stream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(context.Background())
	if err != nil || info.State.Msgs != 1 {
		t.Fatalf("stream holds %d messages (%v), want 1", info.State.Msgs, err)
	}
}
