package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/moat-dev/moat/internal/store"
)

// NATS publishes each event to JetStream on <subject>.<detail type as a
// token> ("moat.events.user-signed-in"), with the event ID as Nats-Msg-Id
// so the stream drops a redelivery within its duplicate window. An event
// is taken once the stream acknowledges it.
type NATS struct {
	nc      *nats.Conn
	js      jetstream.JetStream
	subject string
	stream  string // created when missing; "" expects one to capture subject.>

	mu      sync.Mutex
	ensured bool
}

// NewNATS connects to url (nats://[user:pass@]host:port, reconnecting for
// ever, in the background when the server is down at start).
func NewNATS(url, subject, stream string) (*NATS, error) {
	nc, err := nats.Connect(url, nats.Name("moat events"), nats.MaxReconnects(-1), nats.RetryOnFailedConnect(true),
		nats.ReconnectWait(time.Second))
	if err != nil {
		return nil, fmt.Errorf("NATS %s: %w", redactNATS(url), err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, err
	}
	return &NATS{nc: nc, js: js, subject: subject, stream: stream}, nil
}

// subjectToken makes a detail type one subject token: "User Signed In" →
// "user-signed-in".
func subjectToken(detailType string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		case r >= 'A' && r <= 'Z':
			return r + ('a' - 'A')
		}
		return '-'
	}, detailType)
}

func (n *NATS) Deliver(ctx context.Context, e store.OutboxEvent) error {
	if err := n.ensureStream(ctx); err != nil {
		return err
	}
	var head struct {
		DetailType string `json:"detail-type"`
	}
	if err := json.Unmarshal(e.Body, &head); err != nil || head.DetailType == "" {
		return fmt.Errorf("event %s has no detail-type", e.ID)
	}
	msg := nats.NewMsg(n.subject + "." + subjectToken(head.DetailType))
	msg.Data = e.Body
	msg.Header.Set(jetstream.MsgIDHeader, e.ID)
	msg.Header.Set("Content-Type", "application/json")
	_, err := n.js.PublishMsg(ctx, msg)
	if err != nil {
		return fmt.Errorf("publish to %s: %w", msg.Subject, err)
	}
	return nil
}

// ensureStream creates the configured stream, capturing subject.>, when
// it does not exist; a stream that exists is left as its owner set it.
func (n *NATS) ensureStream(ctx context.Context) error {
	if n.stream == "" {
		return nil
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ensured {
		return nil
	}
	_, err := n.js.Stream(ctx, n.stream)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		_, err = n.js.CreateStream(ctx, jetstream.StreamConfig{Name: n.stream, Subjects: []string{n.subject + ".>"},
			Storage: jetstream.FileStorage, Duplicates: 2 * time.Minute})
		if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			err = nil
		}
	}
	if err != nil {
		return fmt.Errorf("stream %s: %w", n.stream, err)
	}
	n.ensured = true
	return nil
}

func (n *NATS) Close() error {
	n.nc.Close()
	return nil
}

// redactNATS hides a password in a NATS URL.
func redactNATS(url string) string {
	scheme, rest, ok := strings.Cut(url, "://")
	at := strings.LastIndex(rest, "@")
	if !ok || at < 0 {
		return url
	}
	user, _, _ := strings.Cut(rest[:at], ":")
	return scheme + "://" + user + ":xxxxx@" + rest[at+1:]
}
