// Package events is moat's outbox and its deliverers. A domain package
// (userpool, the Cognito proxy) writes an event with Record inside the
// store transaction that makes the change it describes, so the change and
// its event land together or not at all; it never talks to a deliverer.
// The Deliverer, on one replica at a time (a lease in the store), hands
// every event at least once and in order per stream (per user) to each
// target the config file declares: HTTP webhooks signed the Standard
// Webhooks way, and NATS JetStream subjects.
package events

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/moat-dev/moat/internal/store"
)

// Event is an event in Amazon EventBridge's envelope. Its ID is also the
// webhook-id and the Nats-Msg-Id, so receivers can drop a redelivery.
type Event struct {
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       string          `json:"time"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}

// Origin is where events come from: EventBridge's source, account and region.
type Origin struct {
	Source  string // reverse-DNS, never aws.* for moat's own events
	Account string
	Region  string
}

// New is an event of detailType about resources (ARNs), with a fresh ID.
// detail must hold nothing secret: no password, code or token.
func (o Origin) New(detailType string, at time.Time, resources []string, detail any) (Event, error) {
	raw, err := json.Marshal(detail)
	if err != nil {
		return Event{}, fmt.Errorf("events: %s detail: %w", detailType, err)
	}
	if resources == nil {
		resources = []string{}
	}
	return Event{Version: "0", ID: uuid.NewString(), DetailType: detailType, Source: o.Source, Account: o.Account,
		Time: at.UTC().Format(time.RFC3339), Region: o.Region, Resources: resources, Detail: raw}, nil
}

// Record writes e to the outbox through out, which should be the
// transaction that makes the change e describes. stream names what e must
// stay in order with (a pool and a user's sub).
func Record(ctx context.Context, out store.Events, stream string, e Event) error {
	row, err := Outbox(stream, e)
	if err != nil {
		return err
	}
	return out.AppendEvent(ctx, row)
}

// Outbox is e as the outbox keeps it, for writers that append many at
// once (store.Events.AppendEvents).
func Outbox(stream string, e Event) (store.OutboxEvent, error) {
	body, err := json.Marshal(e)
	if err != nil {
		return store.OutboxEvent{}, fmt.Errorf("events: %w", err)
	}
	created, err := time.Parse(time.RFC3339, e.Time)
	if err != nil {
		return store.OutboxEvent{}, fmt.Errorf("events: time %q: %w", e.Time, err)
	}
	return store.OutboxEvent{ID: e.ID, Stream: stream, Body: body, CreatedAt: created.Unix()}, nil
}
