package events

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/moat-dev/moat/internal/store"
)

// DeadLetter is an event a target gave up on, as `moat events
// dead-letters` prints it: one JSON object a line.
type DeadLetter struct {
	Target    string          `json:"target"`
	EventID   string          `json:"eventId"`
	Attempts  int             `json:"attempts"`
	LastError string          `json:"lastError"`
	DeadAt    string          `json:"deadAt"`
	Event     json.RawMessage `json:"event"`
}

// DeadLetters lists target's dead letters ("" for every target's), oldest first.
func DeadLetters(ctx context.Context, st store.Events, target string) ([]DeadLetter, error) {
	holds, err := st.ListEventHolds(ctx, target, true)
	if err != nil {
		return nil, err
	}
	out := make([]DeadLetter, 0, len(holds))
	for _, h := range holds {
		out = append(out, DeadLetter{Target: h.Target, EventID: h.Event.ID, Attempts: h.Attempts, LastError: h.LastError,
			DeadAt: time.Unix(h.DeadAt, 0).UTC().Format(time.RFC3339), Event: h.Event.Body})
	}
	return out, nil
}

// Redrive gives target's dead letters (only eventID's, when set) a fresh
// round of attempts, in their streams' order, and says how many.
func Redrive(ctx context.Context, st store.Store, target, eventID string, now time.Time) (int, error) {
	n := 0
	err := st.Atomic(ctx, func(tx store.Store) error {
		holds, err := tx.ListEventHolds(ctx, target, true)
		if err != nil {
			return err
		}
		for _, h := range holds {
			if eventID != "" && h.Event.ID != eventID {
				continue
			}
			h.Attempts, h.DeadAt, h.NextAttemptAt = 0, 0, now.UnixMilli()
			h.LastError = "redriven after: " + h.LastError
			if err := tx.PutEventHold(ctx, h); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err == nil && n == 0 && eventID != "" {
		err = fmt.Errorf("target %s has no dead letter %s (list them with: moat events dead-letters --target %s)", target, eventID, target)
	}
	return n, err
}
