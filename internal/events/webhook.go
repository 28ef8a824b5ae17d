package events

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/webhooksig"
)

// Webhook POSTs each event's JSON to a URL, signed as Standard Webhooks
// specify: webhook-id (the event ID, the same on every retry),
// webhook-timestamp (Unix seconds of the attempt) and webhook-signature
// "v1,<base64 HMAC-SHA256 of id.timestamp.body>". A 2xx answer takes the
// event; anything else, a redirect included, is a failure to retry.
type Webhook struct {
	url    string
	secret []byte
	client *http.Client
	now    func() time.Time
}

// NewWebhook signs with secret, written whsec_<base64> as Standard
// Webhooks show it (24 to 64 bytes once decoded).
func NewWebhook(url, secret string) (*Webhook, error) {
	key, err := webhookKey(secret)
	if err != nil {
		return nil, err
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &Webhook{url: url, secret: key, client: client, now: time.Now}, nil
}

func webhookKey(secret string) ([]byte, error) {
	key, err := webhooksig.ParseSecret(secret)
	switch {
	case errors.Is(err, webhooksig.ErrNotWhsec):
		return nil, errors.New(`a webhook secret is written whsec_<base64 of 24 to 64 random bytes> (make one with: echo "whsec_$(openssl rand -base64 32)")`)
	case err != nil:
		return nil, errors.New("a webhook secret's whsec_ part must be the base64 of 24 to 64 bytes")
	}
	return key, nil
}

func (w *Webhook) Deliver(ctx context.Context, e store.OutboxEvent) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(e.Body))
	if err != nil {
		return err
	}
	ts := w.now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "moat-events")
	webhooksig.SetHeaders(req.Header, w.secret, e.ID, ts, e.Body)
	resp, err := w.client.Do(req)
	if err != nil {
		return err // a *url.Error: method, URL and cause
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("POST %s: HTTP %d", w.url, resp.StatusCode)
	}
	return nil
}

func (w *Webhook) Close() error {
	w.client.CloseIdleConnections()
	return nil
}
