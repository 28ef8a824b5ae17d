package sms

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/moat-dev/moat/internal/webhooksig"
)

// WebhookSender POSTs each message as JSON, {"type":"sms.send","timestamp":…,
// "data":{"to":…,"message":…}}, signed as Standard Webhooks sign: headers
// webhook-id, webhook-timestamp and webhook-signature "v1,<base64 of
// HMAC-SHA256(secret, id.timestamp.body)>". The receiver checks the
// signature and the timestamp, then hands the text to its SMS provider.
type WebhookSender struct {
	url    string
	secret []byte
	client *http.Client
	now    func() time.Time
}

// ErrSecretFormat says what a webhook secret must look like.
var ErrSecretFormat = errors.New("an SMS webhook secret is whsec_ followed by 24 to 64 random bytes in base64 (make one with: echo whsec_$(head -c 32 /dev/urandom | base64))")

// NewWebhookSender checks the URL (http or https) and the secret (whsec_<base64>).
func NewWebhookSender(rawURL, secret string) (*WebhookSender, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("SMS webhook URL %q is not an http:// or https:// URL", rawURL)
	}
	key, err := ParseSecret(secret)
	if err != nil {
		return nil, err
	}
	return &WebhookSender{url: rawURL, secret: key, client: &http.Client{Timeout: 15 * time.Second}, now: time.Now}, nil
}

// ParseSecret reads a whsec_ secret into its key bytes.
func ParseSecret(secret string) ([]byte, error) {
	key, err := webhooksig.ParseSecret(strings.TrimSpace(secret))
	if err != nil {
		return nil, ErrSecretFormat
	}
	return key, nil
}

type payload struct {
	Type      string      `json:"type"`
	Timestamp string      `json:"timestamp"`
	Data      payloadData `json:"data"`
}

type payloadData struct {
	To      string `json:"to"`
	Message string `json:"message"`
}

// Send delivers m once; any answer but 2xx is an error naming the status.
func (w *WebhookSender) Send(ctx context.Context, m Message) error {
	now := w.now()
	body, err := json.Marshal(payload{Type: "sms.send", Timestamp: now.UTC().Format(time.RFC3339), Data: payloadData{To: m.To, Message: m.Body}})
	if err != nil {
		return err
	}
	id := "msg_" + uuid.NewString()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	webhooksig.SetHeaders(req.Header, w.secret, id, now.Unix(), body)
	resp, err := w.client.Do(req)
	if err != nil {
		return fmt.Errorf("SMS webhook: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("SMS webhook answered %s", resp.Status)
	}
	return nil
}
