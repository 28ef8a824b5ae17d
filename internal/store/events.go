package store

import "context"

// OutboxEvent is one event in the outbox: written in the same transaction
// as the change it describes, delivered later, at least once, to every
// configured target. Seq orders events as their transactions committed.
type OutboxEvent struct {
	Seq int64
	ID  string // the event's own ID: EventBridge id, Nats-Msg-Id, webhook-id
	// Stream is what delivery keeps in order (a pool and a user's sub);
	// a failing event holds back only the later events of its stream.
	Stream    string
	Body      []byte // the event as delivered (JSON)
	CreatedAt int64
}

// EventHold is an event a target has not taken yet and that it no longer
// reads in passing: one that failed (Attempts > 0), or one queued behind
// another of its stream (Attempts 0). DeadAt, once set, makes it a dead
// letter: no more attempts, and its stream moves on.
type EventHold struct {
	Target        string
	Seq           int64
	Stream        string
	Attempts      int
	NextAttemptAt int64 // Unix milliseconds
	LastError     string
	DeadAt        int64       // Unix seconds; 0 while alive
	Event         OutboxEvent // filled in by ListEventHolds
}

// Events is the outbox and each delivery target's place in it.
type Events interface {
	// AppendEvent adds e (Seq is assigned) after every event whose
	// transaction committed before this one's: a reader that has seen
	// event n will never later find a new event below n.
	AppendEvent(ctx context.Context, e OutboxEvent) error
	// AppendEvents is AppendEvent for many events at once, in their order
	// (a bulk import's), one statement per few hundred.
	AppendEvents(ctx context.Context, es []OutboxEvent) error
	// ListEvents is up to limit events with Seq above after, by Seq.
	ListEvents(ctx context.Context, after int64, limit int) ([]OutboxEvent, error)
	// LastEventSeq is the highest Seq written (0 when none).
	LastEventSeq(ctx context.Context) (int64, error)
	// GetEventCursor is the last Seq target has read past (ErrNotFound: a
	// target never seen).
	GetEventCursor(ctx context.Context, target string) (int64, error)
	SetEventCursor(ctx context.Context, target string, seq int64) error
	// PutEventHold writes h, replacing the hold of the same target and Seq.
	PutEventHold(ctx context.Context, h EventHold) error
	// DeleteEventHold drops a hold (delivered); ErrNotFound when absent.
	DeleteEventHold(ctx context.Context, target string, seq int64) error
	// ListEventHolds is target's holds by Seq, each with its event: the
	// alive ones, or the dead letters ("" target: every target's).
	ListEventHolds(ctx context.Context, target string, dead bool) ([]EventHold, error)
	// PruneEvents deletes the events created before createdBefore with Seq
	// at most through that no hold keeps, and returns how many went.
	PruneEvents(ctx context.Context, through, createdBefore int64) (int64, error)
}

// Leases are named, expiring claims, for work one replica does at a time.
type Leases interface {
	// TakeLease gives holder the lease until `until` (Unix ms) when it is
	// free, expired at now, or already holder's, and says whether it did.
	// Inside Atomic it also fences: while the transaction lasts no other
	// holder can take the lease.
	TakeLease(ctx context.Context, name, holder string, now, until int64) (bool, error)
	// ReleaseLease frees the lease if holder has it.
	ReleaseLease(ctx context.Context, name, holder string) error
}
