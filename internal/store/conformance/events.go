package conformance

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/store"
)

func outboxEvent(id, stream string, createdAt int64) store.OutboxEvent {
	return store.OutboxEvent{ID: id, Stream: stream, Body: []byte(`{"id":"` + id + `"}`), CreatedAt: createdAt}
}

func testOutbox(t *testing.T, s store.Store) {
	if last, err := s.LastEventSeq(ctx); err != nil || last != 0 {
		t.Fatalf("empty outbox: last %d, %v", last, err)
	}
	for i, id := range []string{"e1", "e2", "e3"} {
		must(t, s.AppendEvent(ctx, outboxEvent(id, "pool/u1", int64(100+i))), "append "+id)
	}
	want(t, s.AppendEvent(ctx, outboxEvent("e2", "pool/u1", 1)), store.ErrAlreadyExists, "an event ID is written once")
	all, err := s.ListEvents(ctx, 0, 10)
	must(t, err, "list")
	if len(all) != 3 || all[0].ID != "e1" || all[2].ID != "e3" || string(all[1].Body) != `{"id":"e2"}` || all[1].Stream != "pool/u1" || all[1].CreatedAt != 101 {
		t.Fatalf("listed %+v", all)
	}
	if !(all[0].Seq < all[1].Seq && all[1].Seq < all[2].Seq) {
		t.Fatalf("sequence numbers not increasing: %d %d %d", all[0].Seq, all[1].Seq, all[2].Seq)
	}
	if page, _ := s.ListEvents(ctx, all[0].Seq, 1); len(page) != 1 || page[0].ID != "e2" {
		t.Fatalf("page after e1: %+v", page)
	}
	if last, _ := s.LastEventSeq(ctx); last != all[2].Seq {
		t.Fatalf("last seq %d, want %d", last, all[2].Seq)
	}

	// An event written in a transaction that fails is not written.
	boom := errors.New("boom")
	err = s.Atomic(ctx, func(tx store.Store) error {
		must(t, tx.AppendEvent(ctx, outboxEvent("e4", "pool/u1", 200)), "append in tx")
		return boom
	})
	want(t, err, boom, "atomic")
	if rest, _ := s.ListEvents(ctx, all[2].Seq, 10); len(rest) != 0 {
		t.Fatalf("a rolled-back event was kept: %+v", rest)
	}

	// Pruning keeps what a hold or the bounds keep, and never hands a
	// deleted event's number to a new one.
	must(t, s.PutEventHold(ctx, store.EventHold{Target: "hook", Seq: all[0].Seq, Stream: "pool/u1"}), "hold e1")
	n, err := s.PruneEvents(ctx, all[1].Seq, 200)
	must(t, err, "prune")
	if n != 1 {
		t.Fatalf("pruned %d, want 1 (e2: e1 is held, e3 is past through)", n)
	}
	if n, _ := s.PruneEvents(ctx, all[2].Seq, 102); n != 0 {
		t.Fatalf("pruned %d events created at or after the bound", n)
	}
	must(t, s.DeleteEventHold(ctx, "hook", all[0].Seq), "release e1")
	if n, _ := s.PruneEvents(ctx, all[2].Seq, 200); n != 2 {
		t.Fatalf("pruned %d, want the 2 left", n)
	}
	must(t, s.AppendEvent(ctx, outboxEvent("e5", "pool/u1", 300)), "append after pruning all")
	if after, _ := s.ListEvents(ctx, 0, 10); len(after) != 1 || after[0].Seq <= all[2].Seq {
		t.Fatalf("after pruning, a new event got seq %+v; want above %d", after, all[2].Seq)
	}
}

// Events appended by transactions that commit out of the order they
// appended in still reach a reader that follows a cursor: none appears
// below a number it has read past.
func testOutboxCommitOrder(t *testing.T, s store.Store) {
	const writers = 24
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.Atomic(ctx, func(tx store.Store) error {
				if err := tx.AppendEvent(ctx, outboxEvent(fmt.Sprint("c", i), fmt.Sprint("pool/u", i), 1)); err != nil {
					return err
				}
				time.Sleep(time.Duration(rand.IntN(20)) * time.Millisecond) // commit later, in a shuffled order
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	seen := map[string]bool{}
	var cursor int64
	read := func() {
		page, err := s.ListEvents(ctx, cursor, 100)
		must(t, err, "list")
		for _, e := range page {
			seen[e.ID] = true
			cursor = e.Seq
		}
	}
	for finished := false; !finished; {
		select {
		case <-done:
			finished = true
		case <-time.After(time.Millisecond):
		}
		read()
	}
	if len(seen) != writers {
		t.Fatalf("a cursor-following reader saw %d of %d events: one became visible below the cursor", len(seen), writers)
	}
}

func testEventDelivery(t *testing.T, s store.Store) {
	_, err := s.GetEventCursor(ctx, "hook")
	want(t, err, store.ErrNotFound, "cursor of a new target")
	must(t, s.SetEventCursor(ctx, "hook", 7), "set cursor")
	must(t, s.SetEventCursor(ctx, "hook", 9), "move cursor")
	if c, err := s.GetEventCursor(ctx, "hook"); err != nil || c != 9 {
		t.Fatalf("cursor %d, %v", c, err)
	}
	var seqs []int64
	for i := range 3 {
		must(t, s.AppendEvent(ctx, outboxEvent(fmt.Sprint("d", i), "pool/u1", 1)), "append")
	}
	evs, _ := s.ListEvents(ctx, 0, 10)
	for _, e := range evs {
		seqs = append(seqs, e.Seq)
	}
	must(t, s.PutEventHold(ctx, store.EventHold{Target: "hook", Seq: seqs[1], Stream: "pool/u1"}), "queue d1")
	must(t, s.PutEventHold(ctx, store.EventHold{Target: "hook", Seq: seqs[0], Stream: "pool/u1", Attempts: 1, NextAttemptAt: 5000, LastError: "HTTP 500"}), "hold d0")
	must(t, s.PutEventHold(ctx, store.EventHold{Target: "nats", Seq: seqs[2], Stream: "pool/u1", Attempts: 3, LastError: "timeout", DeadAt: 42}), "dead d2")
	alive, err := s.ListEventHolds(ctx, "hook", false)
	must(t, err, "list alive")
	if len(alive) != 2 || alive[0].Seq != seqs[0] || alive[0].Attempts != 1 || alive[0].NextAttemptAt != 5000 || alive[0].LastError != "HTTP 500" ||
		alive[0].Event.ID != "d0" || string(alive[0].Event.Body) != `{"id":"d0"}` || alive[1].Event.ID != "d1" {
		t.Fatalf("alive holds %+v", alive)
	}
	must(t, s.PutEventHold(ctx, store.EventHold{Target: "hook", Seq: seqs[0], Stream: "pool/u1", Attempts: 2, NextAttemptAt: 9000, LastError: "HTTP 502"}), "retry d0")
	if alive, _ := s.ListEventHolds(ctx, "hook", false); alive[0].Attempts != 2 || alive[0].LastError != "HTTP 502" {
		t.Fatalf("a put hold replaces the old: %+v", alive[0])
	}
	if dead, _ := s.ListEventHolds(ctx, "hook", true); len(dead) != 0 {
		t.Fatalf("hook has no dead letters, listed %+v", dead)
	}
	dead, err := s.ListEventHolds(ctx, "", true)
	must(t, err, "list dead of all targets")
	if len(dead) != 1 || dead[0].Target != "nats" || dead[0].DeadAt != 42 || dead[0].Event.ID != "d2" {
		t.Fatalf("dead letters %+v", dead)
	}
	must(t, s.DeleteEventHold(ctx, "hook", seqs[0]), "deliver d0")
	want(t, s.DeleteEventHold(ctx, "hook", seqs[0]), store.ErrNotFound, "a hold goes once")
}

func testLeases(t *testing.T, s store.Store) {
	took := func(name, holder string, now, until int64) bool {
		t.Helper()
		ok, err := s.TakeLease(ctx, name, holder, now, until)
		must(t, err, "take lease")
		return ok
	}
	if !took("delivery", "a", 1000, 2000) {
		t.Fatal("a free lease is taken")
	}
	if took("delivery", "b", 1500, 2500) {
		t.Fatal("a held lease is not taken by another")
	}
	if !took("delivery", "a", 1500, 3000) {
		t.Fatal("the holder renews")
	}
	if !took("other", "b", 1500, 3000) {
		t.Fatal("leases are by name")
	}
	if !took("delivery", "b", 3000, 4000) {
		t.Fatal("an expired lease is taken")
	}
	must(t, s.ReleaseLease(ctx, "delivery", "a"), "release by a non-holder")
	if took("delivery", "a", 3100, 5000) {
		t.Fatal("releasing a lease one does not hold changes nothing")
	}
	must(t, s.ReleaseLease(ctx, "delivery", "b"), "release")
	if !took("delivery", "a", 3100, 5000) {
		t.Fatal("a released lease is free")
	}

	// Fencing: a holder renewing inside a transaction keeps the lease from
	// another replica until the transaction ends, even past the old expiry.
	renewed := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		err := s.Atomic(ctx, func(tx store.Store) error {
			ok, err := tx.TakeLease(ctx, "delivery", "a", 4000, 100000)
			if err != nil || !ok {
				return fmt.Errorf("renew in tx: %v %v", ok, err)
			}
			close(renewed)
			time.Sleep(100 * time.Millisecond)
			return nil
		})
		if err != nil {
			t.Error(err)
		}
	}()
	<-renewed
	if took("delivery", "b", 6000, 7000) {
		t.Fatal("another replica took the lease while its holder renewed it in a transaction")
	}
	wg.Wait()
}

// testOutboxBulk: many events at once land in their order, more than one
// statement's worth; one taken ID writes none of them.
func testOutboxBulk(t *testing.T, s store.Store) {
	must(t, s.AppendEvent(ctx, outboxEvent("e1", "pool/u1", 100)), "append e1")
	want(t, s.AppendEvents(ctx, []store.OutboxEvent{outboxEvent("fresh", "pool/u2", 1), outboxEvent("e1", "pool/u1", 1)}),
		store.ErrAlreadyExists, "a bulk append with a taken ID")
	var many []store.OutboxEvent
	for i := range 1203 {
		many = append(many, outboxEvent(fmt.Sprintf("bulk-%d", i), "pool/u2", 150))
	}
	must(t, s.AppendEvents(ctx, many), "AppendEvents")
	all, err := s.ListEvents(ctx, 0, 2000)
	must(t, err, "list")
	if len(all) != 1+len(many) || all[0].ID != "e1" || all[1].ID != "bulk-0" || all[1203].ID != "bulk-1202" {
		t.Fatalf("listed %d events: first %+v, last %+v", len(all), all[0], all[len(all)-1])
	}
	for i := 1; i < len(all); i++ {
		if all[i].Seq <= all[i-1].Seq {
			t.Fatalf("sequence numbers not increasing at %d", i)
		}
	}
}
